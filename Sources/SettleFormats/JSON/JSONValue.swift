import SettleCore
/// A whole JSON document, with numbers kept as the text they were written in.
///
/// Price lists give per-token prices such as `2.5e-06`; keeping the text lets `ExactDecimal`
/// read every digit, where a parser that hands back doubles would already have lost some.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        case (.array(let a), .array(let b)): return a == b
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The decimal text of a number, or of a string holding one (APIs send both).
    public var decimalText: String? {
        switch self {
        case .number(let s): return s
        case .string(let s): return s
        default: return nil
        }
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public static func parse(_ bytes: [UInt8]) throws(FlatJSONObject.SyntaxError) -> JSONValue {
        let result: Result<JSONValue, FlatJSONObject.SyntaxError> = bytes.withUnsafeBytes { buf in
            var cursor = Cursor(bytes: buf)
            do throws(FlatJSONObject.SyntaxError) {
                cursor.skipSpace()
                let value = try cursor.parseDocumentValue(depth: 0)
                cursor.skipSpace()
                guard cursor.index == buf.count else { return .failure(cursor.error("the end of the document")) }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

extension Cursor {
    mutating func parseDocumentValue(depth: Int) throws(FlatJSONObject.SyntaxError) -> JSONValue {
        guard depth < 256 else { throw error("less nesting") }
        guard let c = peek else { throw error("a value") }
        switch c {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if peek == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw error("a quoted member name") }
                let key = try decodeString(try scanString())
                skipSpace()
                try expect(UInt8(ascii: ":"), ":")
                skipSpace()
                members.append((key, try parseDocumentValue(depth: depth + 1)))
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"), ", or }")
                return .object(members)
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try parseDocumentValue(depth: depth + 1))
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"), ", or ]")
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try decodeString(try scanString()))
        default:
            switch try parseValue(decode: true) {
            case .integer(let n): return .number(String(n))
            case .otherNumber(let s): return .number(s)
            case .bool(let b): return .bool(b)
            case .null: return .null
            default: throw error("a value")
            }
        }
    }
}
