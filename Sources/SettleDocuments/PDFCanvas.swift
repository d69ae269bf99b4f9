import CCairo

/// A PDF written into memory through cairo, text laid out by pango (any script, fonts
/// embedded as subsets). The creation date is the document's own, never the clock's, so the
/// same document gives the same bytes.
final class PDFCanvas {
    enum Align { case left, right }

    let paper: Paper
    private let surface: OpaquePointer
    fileprivate let cr: OpaquePointer
    private let sink: ByteSink
    /// This thread's shaped texts, kept from one document to the next (`ShapedTexts`).
    private let texts: ShapedTexts

    /// The bytes cairo hands out as it writes.
    private final class ByteSink { var bytes: [UInt8] = [] }

    init(paper: Paper, created: String, title: String) {
        self.paper = paper
        sink = ByteSink()
        let write: cairo_write_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        surface = cairo_pdf_surface_create_for_stream(write, Unmanaged.passUnretained(sink).toOpaque(), paper.width, paper.height)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cr = cairo_create(surface)
        texts = ShapedTexts.forThread(drawingOn: cr)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Lays out `text` in `font` ("DejaVu Sans 9", "DejaVu Sans Bold 14") within `width` points;
    /// returns its height. With `draw: false` it only measures.
    @discardableResult
    func text(_ text: String, x: Double, y: Double, width: Double, font: String, align: Align = .left, draw: Bool = true) -> Double {
        let layout = texts.layout(text, font: font, width: Int32(width * Double(PANGO_SCALE)), right: align == .right)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        if draw {
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, layout)
        }
        return Double(h) / Double(PANGO_SCALE)
    }

    /// The height of a table cell: `text` in `font` (of `size` points) within `width`, and at
    /// least `line`. Pango lays it out only when it might wrap: a text of no more UTF-8 bytes
    /// than `width / (1.2 × size)` fits one line (no glyph, bold ones included, is wider than
    /// 1.2 em per byte) and holds no control character, so a table of a hundred thousand rows
    /// measures only its long cells.
    func cellHeight(_ text: String, width: Double, font: String, size: Double, line: Double) -> Double {
        // A line break makes more lines than the width says: a text with any control character is laid out.
        guard Double(text.utf8.count) * size * 1.2 > width || text.utf8.contains(where: { $0 < 0x20 }) else { return line }
        return max(self.text(text, x: 0, y: 0, width: width, font: font, draw: false), line)
    }

    func rule(x: Double, y: Double, to x2: Double, width: Double = 0.5) {
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x, y)
        cairo_line_to(cr, x2, y)
        cairo_stroke(cr)
    }

    func newPage() { cairo_show_page(cr) }

    /// Ends the document and gives its bytes.
    func finish() -> [UInt8] {
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        return sink.bytes
    }
}

/// The paper documents are printed on (`[invoices] paper`), in points.
public enum Paper: String, Sendable, CaseIterable {
    case a4 = "A4"
    case letter = "Letter"

    var width: Double { self == .a4 ? 595.276 : 612 }
    var height: Double { self == .a4 ? 841.89 : 792 }
}

/// A PNG printed on documents (`[invoices] logo`), read once.
public final class Logo: @unchecked Sendable {
    let surface: OpaquePointer
    let width: Double
    let height: Double

    /// Throws a message naming the file when it is not a PNG cairo can read.
    public init(path: String) throws(DocumentError) {
        guard let s = cairo_image_surface_create_from_png(path), cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw DocumentError("\(path) is not a PNG file that can be read; [invoices] logo names a PNG image")
        }
        surface = s
        width = Double(cairo_image_surface_get_width(s))
        height = Double(cairo_image_surface_get_height(s))
    }

    deinit { cairo_surface_destroy(surface) }
}

/// A document that cannot be made, with what to do about it.
public struct DocumentError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

extension PDFCanvas {
    /// Draws `logo` `height` points tall at (x, y); returns its width.
    @discardableResult
    func image(_ logo: Logo, x: Double, y: Double, height: Double) -> Double {
        let scale = height / max(logo.height, 1)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, scale, scale)
        cairo_set_source_surface(cr, logo.surface, 0, 0)
        cairo_paint(cr)
        cairo_restore(cr)
        return logo.width * scale
    }
}
