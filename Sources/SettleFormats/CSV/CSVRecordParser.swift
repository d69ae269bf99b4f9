/// Splits RFC 4180 records into fields. A quoted field may hold commas, doubled quotes and line
/// breaks; a record whose quotes are still open at the end of a line continues on the next.
public struct CSVRecordParser {
    public enum Outcome {
        case record([String])
        /// The quote is still open: feed the next line.
        case needsMoreLines
        case invalid(String)
    }

    private var pending: [UInt8] = []

    public init() {}

    public var hasPending: Bool { !pending.isEmpty }

    /// Feeds one physical line (without its line break).
    public mutating func feed(_ line: UnsafeRawBufferPointer) -> Outcome {
        if pending.isEmpty {
            if let fast = Self.splitUnquoted(line) { return .record(fast) }
            pending.append(contentsOf: line)
        } else {
            pending.append(0x0A)
            pending.append(contentsOf: line)
        }
        let outcome = pending.withUnsafeBytes { Self.split($0) }
        if case .needsMoreLines = outcome { return outcome }
        pending.removeAll(keepingCapacity: true)
        return outcome
    }

    /// The common case: no quote on the line.
    private static func splitUnquoted(_ line: UnsafeRawBufferPointer) -> [String]? {
        var fields: [String] = []
        var start = 0
        for i in 0..<line.count {
            let c = line[i]
            if c == 0x22 { return nil }
            if c == 0x2C {
                fields.append(String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<i]), as: UTF8.self))
                start = i + 1
            }
        }
        fields.append(String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<line.count]), as: UTF8.self))
        return fields
    }

    private static func split(_ text: UnsafeRawBufferPointer) -> Outcome {
        var fields: [String] = []
        var field: [UInt8] = []
        var i = 0
        var inQuotes = false
        var wasQuoted = false
        while i < text.count {
            let c = text[i]
            if inQuotes {
                if c == 0x22 {
                    if i + 1 < text.count && text[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    i += 1
                    if i < text.count && text[i] != 0x2C {
                        return .invalid("text after a closing quote at column \(i + 1)")
                    }
                    continue
                }
                field.append(c)
                i += 1
            } else if c == 0x2C {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
                i += 1
            } else if c == 0x22 && field.isEmpty && !wasQuoted {
                inQuotes = true
                wasQuoted = true
                i += 1
            } else {
                field.append(c)
                i += 1
            }
        }
        if inQuotes { return .needsMoreLines }
        fields.append(String(decoding: field, as: UTF8.self))
        return .record(fields)
    }
}
