import CCairo
import Glibc

/// Texts already laid out and shaped, kept on the rendering thread from one document to the next.
///
/// Shaping (HarfBuzz, through pango) was the largest share of a PDF's time, and most of a
/// month's texts repeat on every document: headings, labels, the issuer, the table's header,
/// model names, unit prices and their units. A layout made once is drawn again on each new
/// document's surface (cairo embeds the glyphs it uses in that document's own font subset), so
/// every PDF keeps the bytes it had when each text was shaped for it alone.
///
/// One per thread, because pango's font map and contexts are not shared between threads; bounded
/// by two generations of `limit` layouts: a text not met since the older generation was dropped
/// is shaped again.
final class ShapedTexts {
    struct Key: Hashable {
        var text: String
        var font: String
        var width: Int32
        var right: Bool
    }

    static let limit = 2048

    /// The context every layout of this thread is made in. `pango_cairo_update_context` gives it
    /// each new document's settings; pango lays its layouts out again if they ever differ.
    private let context: OpaquePointer
    private var fonts: [String: OpaquePointer] = [:]
    private var young: [Key: OpaquePointer] = [:]
    private var old: [Key: OpaquePointer] = [:]

    private init(cr: OpaquePointer) {
        context = pango_cairo_create_context(cr)
    }

    deinit {
        for layout in young.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
        for layout in old.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
        for description in fonts.values { pango_font_description_free(description) }
        g_object_unref(UnsafeMutableRawPointer(context))
    }

    /// This thread's texts, their context brought in line with `cr`'s surface.
    static func forThread(drawingOn cr: OpaquePointer) -> ShapedTexts {
        if let known = pthread_getspecific(threadKey) {
            let texts = Unmanaged<ShapedTexts>.fromOpaque(known).takeUnretainedValue()
            pango_cairo_update_context(cr, texts.context)
            return texts
        }
        let texts = ShapedTexts(cr: cr)
        pthread_setspecific(threadKey, Unmanaged.passRetained(texts).toOpaque())
        return texts
    }

    /// `text` laid out in `font` within `width` pango units, aligned left or right.
    func layout(_ text: String, font: String, width: Int32, right: Bool) -> OpaquePointer {
        let key = Key(text: text, font: font, width: width, right: right)
        if let layout = young[key] { return layout }
        if let layout = old.removeValue(forKey: key) {
            remember(key, layout)
            return layout
        }
        // pango_layout_new never returns NULL (GLib aborts when it cannot allocate), as the
        // layout of every PDFCanvas before this cache also counted on.
        let layout: OpaquePointer = pango_layout_new(context)
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_font_description(layout, description(font))
        pango_layout_set_width(layout, width)
        pango_layout_set_alignment(layout, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT)
        pango_layout_set_text(layout, text, -1)
        remember(key, layout)
        return layout
    }

    private func remember(_ key: Key, _ layout: OpaquePointer) {
        if young.count >= Self.limit {
            for dropped in old.values { g_object_unref(UnsafeMutableRawPointer(dropped)) }
            old = young
            young = [:]
        }
        young[key] = layout
    }

    private func description(_ font: String) -> OpaquePointer? {
        if let known = fonts[font] { return known }
        let description = pango_font_description_from_string(font)
        fonts[font] = description
        return description
    }
}

/// The thread-local slot of `ShapedTexts`; a thread's texts are freed when it ends.
private let threadKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
        guard let pointer else { return }
        Unmanaged<ShapedTexts>.fromOpaque(pointer).release()
    }
    return key
}()
