import Foundation
import SettleCore

/// Which LiteLLM column names the customer: LiteLLM installations bill by end user, by
/// internal user, by team or by organisation.
public struct LiteLLMOptions: Sendable, Equatable {
    public static let customerFields = ["end_user", "user", "team_id", "organization_id"]
    public var customerField = "end_user"
    public init(customerField: String = "end_user") { self.customerField = customerField }
}

/// LiteLLM proxy's `LiteLLM_SpendLogs`, exported as CSV, mapped as FORMATS.md says.
///
/// LiteLLM's `spend` is its own float estimate: it is kept as `reported_cost` for comparison
/// and never billed from. Cache reads and writes come from `metadata.additional_usage_values`;
/// `prompt_tokens` already includes them, as settle's `input_tokens` does.
public struct LiteLLMSpendLogsDecoder {
    let index: [String: Int]
    let options: LiteLLMOptions
    let columnCount: Int

    static let required = ["request_id", "startTime", "model", "custom_llm_provider", "prompt_tokens", "completion_tokens"]

    public static func recognises(_ header: [String]) -> Bool {
        let names = Set(header.map { $0.trimmingSpaces() })
        return names.contains("startTime") && names.contains("custom_llm_provider") && names.contains("prompt_tokens")
    }

    public init(header: [String], path: String, options: LiteLLMOptions) throws(InputFileError) {
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() { index[name.trimmingSpaces()] = i }
        let missing = (Self.required + [options.customerField]).filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw InputFileError(path: path, line: 1,
                "not a LiteLLM_SpendLogs export: the header lacks \(missing.joined(separator: ", "))"
                + (missing.contains(options.customerField) ? " (the customer column chosen by [litellm] customer_field)" : ""))
        }
        self.index = index
        self.options = options
        self.columnCount = header.count
    }

    public func decode(_ cells: [String], lineNumber: Int, source: String, raw: @autoclosure () -> String) -> UsageRow {
        guard cells.count == columnCount else {
            return .quarantined(QuarantinedRow(source: source, line: lineNumber,
                reason: QuarantineReason.wrongColumnCount(expected: columnCount, found: cells.count), raw: raw()))
        }
        func cell(_ name: String) -> String { index[name].map { cells[$0].trimmingSpaces() } ?? "" }
        var f = UsageEventFields()
        f.requestID = .text(cell("request_id"))
        f.ts = .text(Self.utcTime(cell("startTime")))
        f.customerID = .text(cell(options.customerField))
        f.provider = .text(cell("custom_llm_provider"))
        f.model = .text(cell("model"))
        f.inputTokens = .text(cell("prompt_tokens"))
        f.outputTokens = .text(cell("completion_tokens"))
        f.apiKeyID = .text(cell("api_key"))
        f.reportedCost = .text(cell("spend"))
        switch cell("status").lowercased() {
        case "", "success": f.status = .text("ok")
        case "failure": f.status = .text("error")
        case let other: f.status = .text(other)
        }
        let metadata = cell("metadata")
        if !metadata.isEmpty {
            guard let usage = Self.additionalUsage(metadata) else {
                return .quarantined(QuarantinedRow(source: source, line: lineNumber,
                    reason: QuarantineReason.notJSON("metadata is not a JSON object"), raw: raw()))
            }
            f.cachedInputTokens = usage.cacheRead
            f.cacheWriteTokens = usage.cacheWrite
        }
        do {
            return .event(try UsageEvent(validating: f), line: lineNumber)
        } catch {
            return .quarantined(QuarantinedRow(source: source, line: lineNumber, reason: error, raw: raw()))
        }
    }

    /// LiteLLM writes `2026-10-03 12:00:00.123456` (UTC, no zone) as often as RFC 3339.
    static func utcTime(_ s: String) -> String {
        let b = Array(s.utf8)
        guard b.count >= 19, b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "T"),
              let last = b.last, last >= 0x30 && last <= 0x39,
              !s.dropFirst(19).contains("+"), !s.dropFirst(19).contains("-") else { return s }
        return String(s.prefix(10)) + "T" + s.dropFirst(11) + "Z"
    }

    static func additionalUsage(_ json: String) -> (cacheRead: FieldValue, cacheWrite: FieldValue)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        let extra = object["additional_usage_values"] as? [String: Any] ?? [:]
        func value(_ key: String) -> FieldValue {
            switch extra[key] {
            case let n as NSNumber:
                let d = n.doubleValue
                return d == d.rounded() && abs(d) < 1e15 ? .integer(n.int64Value) : .otherNumber(n.stringValue)
            case let s as String: return .text(s)
            default: return .missing
            }
        }
        return (value("cache_read_input_tokens"), value("cache_creation_input_tokens"))
    }
}
