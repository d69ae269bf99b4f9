/// A small JSON writer with fixed key order, so that the same data gives byte-identical files
/// (a dictionary's order would differ from run to run).
public indirect enum JSONText: Sendable, Equatable {
    case string(String)
    case int(Int64)
    /// A number written exactly as given (a decimal's text); never a float.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([(String, JSONText)])

    public static func == (lhs: JSONText, rhs: JSONText) -> Bool { lhs.rendered() == rhs.rendered() }

    public static func optional(_ s: String?) -> JSONText { s.map { .string($0) } ?? .null }

    /// Compact form: one line, for JSON Lines.
    public func rendered() -> String {
        var w = JSONWriter(pretty: false, capacity: 256)
        write(to: &w)
        return w.text
    }

    /// Indented form for files people open.
    public func pretty() -> String {
        var w = JSONWriter(pretty: true)
        write(to: &w)
        w.raw("\n")
        return w.text
    }

    public func write(to w: inout JSONWriter) {
        switch self {
        case .string(let s): w.string(s)
        case .int(let n): w.int(n)
        case .number(let s): w.raw(s)
        case .bool(let b): w.bool(b)
        case .null: w.null()
        case .array(let items):
            w.beginArray()
            for item in items { item.write(to: &w) }
            w.endArray()
        case .object(let members):
            w.beginObject()
            for (key, value) in members {
                w.key(key)
                value.write(to: &w)
            }
            w.endObject()
        }
    }
}
