/// A bill CSV's header: where each named column is. A missing required column makes the file
/// unreadable as its format (exit 65), named in the message.
struct BillCSVHeader {
    let index: [String: Int]

    init(_ header: [String], required: [String], path: String, format: BillFileFormat) throws(InputFileError) {
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            var name = name.trimmingSpaces()
            if i == 0, name.hasPrefix("\u{FEFF}") { name.removeFirst() }
            if index[name] == nil { index[name] = i }
        }
        let missing = required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw InputFileError(path: path, line: 1, "not a \(format.title) file: the header has no \(missing.joined(separator: ", ")) column")
        }
        self.index = index
    }

    func has(_ column: String) -> Bool { index[column] != nil }

    /// The trimmed cell of `column`; "" when absent.
    func cell(_ cells: [String], _ column: String) -> String {
        guard let i = index[column], i < cells.count else { return "" }
        return cells[i].trimmingSpaces()
    }
}

/// Quantities in a stated unit, converted to tokens exactly; a fraction of a token (a provider's
/// rounding in thousands) is rounded to the nearest token. Negative amounts pass: only a
/// correction may carry one, which the caller checks.
import SettleCore

enum TokenUnit {
    static func tokens(_ amount: String, unit: String) throws(BillFieldProblem) -> Int64 {
        guard let parsed = ExactDecimal(amount) else { throw BillFieldProblem(.badCount, "quantity \(amount) is not a number") }
        let value = try BillAmount.checked(parsed, "quantity")
        let factor: Int64
        switch unit.lowercased().trimmingSpaces() {
        case "tokens", "token", "1 tokens", "requests", "request": factor = 1
        case "1k tokens", "1k token", "thousand tokens", "1k requests": factor = 1_000
        case "1m tokens", "1m token", "million tokens": factor = 1_000_000
        default: throw BillFieldProblem(.unknownUnit, "\(unit.isEmpty ? "(none)" : unit) (expected Tokens, 1K Tokens, 1M Tokens or Requests)")
        }
        let tokens = (value * ExactDecimal(factor)).rounded(places: 0)
        guard let n = tokens.exactInteger else { throw BillFieldProblem(.badCount, "quantity \(amount) is too large") }
        return n
    }
}
