import CXLSXWriter
import SettleCore
import SettleFormats
#if canImport(Glibc)
import Glibc
#endif

/// A spreadsheet for finance: one or more tables, each on its own sheet, with headers frozen,
/// filters on, money in a currency format, and totals as formulas whose cached values are the
/// exact totals (so a reader that does not recalculate shows the right figure).
///
/// XLSX stores every number as a binary double; the exact figures are in the CSV files written
/// beside each workbook.
public struct Workbook: Sendable {
    public var currency: String
    public private(set) var sheets: [Sheet] = []
    public var charts: [Chart] = []
    /// The creation time stamped inside the file. Set from the data (not the clock), it makes
    /// the same data give the same bytes, as reruns must.
    public var created: Timestamp

    public init(currency: String = "USD", created: Timestamp = Timestamp(microseconds: 0)) {
        self.currency = currency
        self.created = created
    }

    /// Above this many cells the workbook is written row by row (libxlsxwriter's constant
    /// memory mode); tests lower it to check both ways give the same cells.
    var streamingCells = 200_000

    public mutating func add(_ sheet: Sheet) { sheets.append(sheet) }

    /// Writes the workbook to `path` atomically: a temporary file in the same folder, renamed.
    public func write(to path: String) throws {
        let dir = FileSystem.directory(of: path)
        try FileSystem.createDirectory(dir)
        let name = path.split(separator: "/").last.map(String.init) ?? "workbook.xlsx"
        let tmp = "\(dir)/.\(name).tmp-\(getpid())"
        // A large workbook is streamed: each row goes to a temporary file in the output folder
        // as it is written, strings inline, instead of a tree of every cell held until the
        // end (a month of 100,000 customers is three million cells). Small ones keep the
        // shared-string table spreadsheet programs write themselves. (A streamed workbook's
        // charts carry no cached points; spreadsheet programs draw them from the cells.)
        let streamed = sheets.reduce(0) { $0 + $1.cellCount } > streamingCells
        // libxlsxwriter writes its parts (`tmp.XXXXXX`) into `tmpdir`: a hidden folder of this
        // workbook's own, removed when it is done, and swept like every `.*.tmp*` name after a
        // run killed halfway — never loose files in the output folder.
        let parts = "\(dir)/.\(name).parts.tmp-\(getpid())"
        try FileSystem.createDirectory(parts)
        defer { FileSystem.remove(parts) }
        let tmpdir = strdup(parts)
        defer { free(tmpdir) }
        var options = lxw_workbook_options(constant_memory: streamed ? 1 : 0, tmpdir: tmpdir, use_zip64: 0)
        guard let book = workbook_new_opt(tmp, &options) else { throw FileSystemError(path: tmp, "cannot create the workbook") }
        var properties = lxw_doc_properties()
        properties.created = time_t(max(created.microseconds / 1_000_000, 1))
        workbook_set_properties(book, &properties)
        let formats = Formats(book: book, currency: currency)
        var worksheets: [String: UnsafeMutablePointer<lxw_worksheet>] = [:]
        for sheet in sheets {
            guard let ws = workbook_add_worksheet(book, String(sheet.name.prefix(31))) else {
                workbook_close(book)
                unlink(tmp)
                throw FileSystemError(path: path, "cannot add the sheet \(sheet.name)")
            }
            do {
                try sheet.render(into: ws, formats: formats)
            } catch {
                workbook_close(book)
                unlink(tmp)
                throw FileSystemError(path: path, "cannot write the sheet \(sheet.name): \(error)")
            }
            worksheets[sheet.name] = ws
        }
        for chart in charts {
            guard let ws = worksheets[chart.placedOn], let data = sheets.first(where: { $0.name == chart.dataSheet }) else { continue }
            chart.draw(book: book, on: ws, data: data)
        }
        let status = workbook_close(book)
        guard status == LXW_NO_ERROR else {
            unlink(tmp)
            throw FileSystemError(path: path, "cannot write: \(String(cString: lxw_strerror(status)))")
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw FileSystemError(path: path, "cannot write: \(String(cString: strerror(errno)))")
        }
    }
}

/// The number formats of one workbook.
struct Formats {
    let header: UnsafeMutablePointer<lxw_format>
    let money: UnsafeMutablePointer<lxw_format>
    let moneyTotal: UnsafeMutablePointer<lxw_format>
    let integer: UnsafeMutablePointer<lxw_format>
    let integerTotal: UnsafeMutablePointer<lxw_format>
    let decimal: UnsafeMutablePointer<lxw_format>
    let text: UnsafeMutablePointer<lxw_format>
    let totalLabel: UnsafeMutablePointer<lxw_format>
    let title: UnsafeMutablePointer<lxw_format>

    init(book: UnsafeMutablePointer<lxw_workbook>, currency: String) {
        func make(_ numberFormat: String?, bold: Bool = false, topBorder: Bool = false) -> UnsafeMutablePointer<lxw_format> {
            let f = workbook_add_format(book)!
            if let numberFormat { format_set_num_format(f, numberFormat) }
            if bold { format_set_bold(f) }
            if topBorder { format_set_top(f, UInt8(LXW_BORDER_THIN.rawValue)) }
            return f
        }
        let moneyFormat = "[$\(currency)] #,##0.00;-[$\(currency)] #,##0.00"
        header = make(nil, bold: true)
        format_set_bottom(header, UInt8(LXW_BORDER_THIN.rawValue))
        format_set_bg_color(header, 0xEEF2F7)
        money = make(moneyFormat)
        moneyTotal = make(moneyFormat, bold: true, topBorder: true)
        integer = make("#,##0")
        integerTotal = make("#,##0", bold: true, topBorder: true)
        decimal = make("0.00########")
        text = make(nil)
        totalLabel = make(nil, bold: true, topBorder: true)
        title = make(nil, bold: true)
        format_set_font_size(title, 12)
    }
}
