import CXLSXWriter
import SettleCore

/// One table on one sheet: a header row, typed rows, and optionally a totals row.
public struct Sheet: Sendable {
    public enum Kind: Sendable {
        case text
        case integer
        /// An amount of money, in the workbook's currency format.
        case money
        /// An exact number that is not money (a unit price, a percentage).
        case decimal
    }

    public struct Column: Sendable {
        public var header: String
        public var kind: Kind
        /// Sum this column in the totals row.
        public var total: Bool
        /// Width in characters; by default, wide enough for the header.
        public var width: Int?

        public init(_ header: String, _ kind: Kind = .text, total: Bool = false, width: Int? = nil) {
            self.header = header
            self.kind = kind
            self.total = total
            self.width = width
        }
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        case integer(Int64)
        case number(ExactDecimal)
        /// Money whatever the column's kind (a label/value table mixes counts and amounts).
        case money(ExactDecimal)
        case empty
    }

    public var name: String
    public var columns: [Column]
    /// The rows, compactly and past a few megabytes on disk (`SheetRows`): shared by copies
    /// until one of them appends.
    private var storage: SheetRows
    /// Each column's exact sum, kept as rows are appended, for the totals row.
    private var sums: [ExactDecimal]
    /// More tables on the same sheet, below this one, each under its own bold title (the
    /// Margin sheet: by model, by provider, by customer). Only the first has the filter.
    public var below: [(title: String, table: Sheet)] = []
    /// Rows (0-based) a printed page starts at, so that a chart is not cut in two.
    public var pageBreaks: [Int] = []

    public init(name: String, columns: [Column]) {
        self.init(name: name, columns: columns, spillBytes: 4 << 20)
    }

    /// `spillBytes`: how many bytes of rows are held in memory before they go to a temporary
    /// file (tests make it small).
    init(name: String, columns: [Column], spillBytes: Int) {
        self.name = name
        self.columns = columns
        storage = SheetRows(spillBytes: spillBytes)
        sums = Array(repeating: .zero, count: columns.count)
    }

    public mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count, "a row of \(row.count) cells for \(columns.count) columns")
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.append(row)
        for (c, cell) in row.enumerated() where columns[c].total {
            switch cell {
            case .integer(let n): sums[c] += ExactDecimal(n)
            case .number(let d), .money(let d): sums[c] += d
            default: break
            }
        }
    }

    /// How many rows were appended.
    public var rowCount: Int { storage.count }

    /// The rows in order, read back (from a temporary file past a few megabytes: reading it can fail).
    public func forEachRow(_ body: ([Cell]) throws -> Void) throws { try storage.forEach(body) }

    var hasTotals: Bool { columns.contains { $0.total } }

    /// Cells of this table and the tables below it.
    var cellCount: Int { rowCount * columns.count + below.reduce(0) { $0 + $1.table.cellCount } }

    /// The exact total of a column, for the formula's cached value.
    func total(of column: Int) -> ExactDecimal { sums[column] }

    func render(into ws: UnsafeMutablePointer<lxw_worksheet>, formats: Formats) throws {
        for (c, column) in columns.enumerated() {
            let width = column.width ?? max(column.header.count + 2, column.kind == .text ? 14 : 12)
            worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), Double(width), nil)
        }
        // Before any row: a streamed workbook (constant memory) accepts nothing for rows it
        // has already written.
        worksheet_autofilter(ws, 0, 0, lxw_row_t(max(rowCount, 1)), lxw_col_t(columns.count - 1))
        // Printed (or turned into a PDF) it reads as a report: landscape, one page wide, the
        // header row on every page, the sheet's name and the page number in the margins.
        worksheet_set_landscape(ws)
        worksheet_set_paper(ws, 9)
        worksheet_fit_to_pages(ws, 1, 0)
        worksheet_repeat_rows(ws, 0, 0)
        if !pageBreaks.isEmpty {
            var breaks = pageBreaks.map { lxw_row_t($0) } + [0]
            worksheet_set_h_pagebreaks(ws, &breaks)
        }
        worksheet_set_header(ws, "&L&\"-,Bold\"&A&R&P / &N")
        worksheet_freeze_panes(ws, 1, 0)
        let end = try renderTable(into: ws, at: 0, formats: formats)
        var next = end + 2
        for (title, table) in below {
            worksheet_write_string(ws, lxw_row_t(next), 0, title, formats.title)
            next = try table.renderTable(into: ws, at: next + 1, formats: formats) + 2
        }
    }

    /// Header at row `top`, the rows, and the totals row; returns the row after the last written.
    func renderTable(into ws: UnsafeMutablePointer<lxw_worksheet>, at top: Int, formats: Formats) throws -> Int {
        for (c, column) in columns.enumerated() {
            worksheet_write_string(ws, lxw_row_t(top), lxw_col_t(c), column.header, formats.header)
        }
        var r = 0
        try forEachRow { row in
            let rowIndex = lxw_row_t(top + r + 1)
            r += 1
            for (c, cell) in row.enumerated() {
                let col = lxw_col_t(c)
                switch cell {
                case .text(let s): worksheet_write_string(ws, rowIndex, col, s, formats.text)
                case .integer(let n): worksheet_write_number(ws, rowIndex, col, Double(n), formats.integer)
                case .number(let d): worksheet_write_number(ws, rowIndex, col, Self.double(d), format(for: columns[c].kind, formats))
                case .money(let d): worksheet_write_number(ws, rowIndex, col, Self.double(d), formats.money)
                case .empty: worksheet_write_blank(ws, rowIndex, col, nil)
                }
            }
        }
        let after = top + rowCount + 1
        guard hasTotals, rowCount > 0 else { return after }
        let totalsRow = lxw_row_t(after)
        worksheet_write_string(ws, totalsRow, 0, "Total", formats.totalLabel)
        for (c, column) in columns.enumerated() where column.total {
            let letter = Self.columnLetter(c)
            let formula = "=SUM(\(letter)\(top + 2):\(letter)\(top + rowCount + 1))"
            let format = column.kind == .integer ? formats.integerTotal : formats.moneyTotal
            worksheet_write_formula_num(ws, totalsRow, lxw_col_t(c), formula, format, Self.double(total(of: c)))
        }
        return after + 1
    }

    private func format(for kind: Kind, _ formats: Formats) -> UnsafeMutablePointer<lxw_format> {
        switch kind {
        case .money: return formats.money
        case .integer: return formats.integer
        case .decimal: return formats.decimal
        case .text: return formats.text
        }
    }

    /// XLSX cells hold binary doubles: the nearest one to the exact value. When the
    /// significand and the power of ten are both exact doubles (almost every figure), one
    /// IEEE division is correctly rounded, the same double as parsing the decimal text.
    static func double(_ d: ExactDecimal) -> Double {
        if d.significand.magnitude < 1 << 53 && d.scale <= 22 {
            return Double(Int64(d.significand)) / powersOfTen[d.scale]
        }
        return Double(d.description) ?? 0
    }

    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { p, _ in p * 10 } }

    /// 0 → A, 25 → Z, 26 → AA.
    static func columnLetter(_ index: Int) -> String {
        var n = index + 1
        var out = ""
        while n > 0 {
            let r = (n - 1) % 26
            out = String(UnicodeScalar(UInt8(65 + r))) + out
            n = (n - 1) / 26
        }
        return out
    }
}
