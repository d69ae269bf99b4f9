/// Writes JSON text straight into bytes, value by value: compact (one line, JSON Lines) or
/// indented by two spaces, the layout of every JSON file settle writes.
///
/// A month-end renders a hundred thousand invoices; building a tree of values first and then
/// appending to a `String` cost more than the rest of issuing. `JSONText` writes through this
/// too, so both give the same bytes.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private let pretty: Bool
    private var level = 0
    /// No member or item written yet in the innermost open container.
    private var first = true
    /// A key was written; its value comes next, with no separator.
    private var afterKey = false

    public init(pretty: Bool, capacity: Int = 1024) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func key(_ name: String) {
        separate()
        escape(name)
        if pretty { bytes.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")]) } else { bytes.append(UInt8(ascii: ":")) }
        afterKey = true
    }

    public mutating func string(_ s: String) {
        beforeValue()
        escape(s)
    }

    public mutating func string(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    public mutating func int(_ n: Int64) {
        beforeValue()
        bytes.append(contentsOf: String(n).utf8)
    }

    /// Text written as is: a number's exact digits.
    public mutating func raw(_ s: String) {
        beforeValue()
        bytes.append(contentsOf: s.utf8)
    }

    public mutating func bool(_ b: Bool) { raw(b ? "true" : "false") }
    public mutating func null() { raw("null") }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// `"name": "value"`.
    public mutating func member(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    private mutating func open(_ bracket: UInt8) {
        beforeValue()
        bytes.append(bracket)
        level += 1
        first = true
    }

    /// An empty container closes on its own line: `{}` and `[]`.
    private mutating func close(_ bracket: UInt8) {
        level -= 1
        if !first { newline() }
        bytes.append(bracket)
        first = false
    }

    private mutating func beforeValue() {
        if afterKey { afterKey = false; return }
        if level > 0 { separate() }
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        newline()
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0A)
        for _ in 0..<level { bytes.append(contentsOf: [0x20, 0x20]) }
    }

    private mutating func escape(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for b in utf8 {
                switch b {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                default: bytes.append(b)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
