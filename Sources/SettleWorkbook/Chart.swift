import CXLSXWriter
import Foundation

/// A chart drawn from a table of the same workbook: categories from one column of a sheet,
/// one series per value column. The chart refers to the cells, so it follows the figures if
/// finance edits them.
public struct Chart: Sendable {
    public enum Kind: Sendable {
        case line
        case column
    }

    public var kind: Kind
    public var title: String
    /// The sheet the chart is drawn on, and the cell its top-left corner sits on.
    public var placedOn: String
    public var row: Int
    public var column: Int
    /// The sheet whose table holds the data (header on row 1, data from row 2).
    public var dataSheet: String
    public var categoryColumn: Int
    public var valueColumns: [Int]
    public var valueAxis: String

    public init(kind: Kind, title: String, placedOn: String, row: Int, column: Int, dataSheet: String, categoryColumn: Int,
                valueColumns: [Int], valueAxis: String) {
        self.kind = kind
        self.title = title
        self.placedOn = placedOn
        self.row = row
        self.column = column
        self.dataSheet = dataSheet
        self.categoryColumn = categoryColumn
        self.valueColumns = valueColumns
        self.valueAxis = valueAxis
    }

    /// `'Daily usage'!$B$2:$B$32`
    static func range(_ sheet: String, column: Int, rows: Int) -> String {
        let quoted = "'" + sheet.replacingOccurrences(of: "'", with: "''") + "'"
        let letter = Sheet.columnLetter(column)
        return "=\(quoted)!$\(letter)$2:$\(letter)$\(rows + 1)"
    }

    func draw(book: UnsafeMutablePointer<lxw_workbook>, on ws: UnsafeMutablePointer<lxw_worksheet>, data: Sheet) {
        guard data.rowCount > 0,
              let chart = workbook_add_chart(book, UInt8(kind == .line ? LXW_CHART_LINE.rawValue : LXW_CHART_COLUMN.rawValue)) else { return }
        chart_title_set_name(chart, title)
        let categories = Self.range(dataSheet, column: categoryColumn, rows: data.rowCount)
        for c in valueColumns {
            let series = chart_add_series(chart, categories, Self.range(dataSheet, column: c, rows: data.rowCount))
            let header = "='" + dataSheet.replacingOccurrences(of: "'", with: "''") + "'!$\(Sheet.columnLetter(c))$1"
            chart_series_set_name(series, header)
        }
        chart_axis_set_name(chart.pointee.y_axis, valueAxis)
        chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
        var options = lxw_chart_options()
        options.x_scale = 1.6
        options.y_scale = 1.1
        worksheet_insert_chart_opt(ws, lxw_row_t(row), lxw_col_t(column), chart, &options)
    }
}
