/// Streams the elements of the `data` array of API response pages, one element at a time.
///
/// Provider APIs answer in pages (`{"data": [...], "has_more": …}`), and an export is one page
/// or a JSON array of pages, often on a single line. This splitter walks the bytes with a small
/// state machine (strings, escapes, nesting, the member names of each page) and parses only one
/// element at a time, so memory holds one bucket, not the file.
public struct JSONPageStream {
    public let path: String
    public var hashing: Bool

    public init(path: String, hashing: Bool = true) {
        self.path = path
        self.hashing = hashing
    }

    /// One element of a page's `data`: its value, its ordinal in the file (1-based) and the
    /// line it starts on.
    public struct Element {
        public var value: JSONValue
        public var ordinal: Int
        public var line: Int
    }

    private struct Container {
        var isObject: Bool
        var expectingKey: Bool
        var key: [UInt8]
    }

    /// Calls `body` for each element; `body` returns false to stop early.
    @discardableResult
    public func forEachElement(_ body: (Element) throws -> Bool) throws -> LineReader.Summary {
        var stack: [Container] = []
        var pageDepth = 0
        var inString = false
        var escaped = false
        var readingKey = false
        var line = 1
        var capture: [UInt8] = []
        var capturing = false
        var captureDepth = 0
        var captureLine = 0
        var ordinal = 0
        var stopped = false
        var sawDocument = false

        func fail(_ why: String) -> InputFileError { InputFileError(path: path, line: line, why) }

        let summary = try LineReader(path: path, hashing: hashing).forEachChunk { chunk in
            if stopped { return }
            for c in chunk {
                if c == 0x0A { line += 1 }
                if capturing { capture.append(c) }
                if inString {
                    if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") {
                        inString = false
                        if readingKey { readingKey = false }
                    } else if readingKey { stack[stack.count - 1].key.append(c) }
                    continue
                }
                switch c {
                case 0x20, 0x09, 0x0A, 0x0D:
                    continue
                case UInt8(ascii: "\""):
                    inString = true
                    if let top = stack.last, top.isObject, top.expectingKey {
                        readingKey = true
                        stack[stack.count - 1].key.removeAll(keepingCapacity: true)
                    } else {
                        try startValue(c)
                    }
                case UInt8(ascii: ":"):
                    guard let top = stack.last, top.isObject, top.expectingKey else { throw fail("unexpected :") }
                    stack[stack.count - 1].expectingKey = false
                case UInt8(ascii: ","):
                    guard let top = stack.last else { throw fail("unexpected , after the document") }
                    if top.isObject { stack[stack.count - 1].expectingKey = true }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    try startValue(c)
                    stack.append(Container(isObject: c == UInt8(ascii: "{"), expectingKey: c == UInt8(ascii: "{"), key: []))
                    if stack.count == 1 { pageDepth = c == UInt8(ascii: "{") ? 1 : 2 }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard let top = stack.popLast(), top.isObject == (c == UInt8(ascii: "}")) else {
                        throw fail("unexpected \(Character(Unicode.Scalar(c)))")
                    }
                    if capturing && stack.count == captureDepth {
                        capturing = false
                        ordinal += 1
                        let value: JSONValue
                        do {
                            value = try JSONValue.parse(capture)
                        } catch {
                            throw InputFileError(path: path, line: captureLine, "data element \(ordinal) is not valid JSON: \(error)")
                        }
                        capture.removeAll(keepingCapacity: true)
                        if try !body(Element(value: value, ordinal: ordinal, line: captureLine)) {
                            stopped = true
                            return
                        }
                    }
                default:
                    try startValue(c)
                }
            }

            /// A value begins at `c`: the document itself, or an element of a page's data.
            func startValue(_ c: UInt8) throws {
                if stack.isEmpty {
                    guard !sawDocument else { throw fail("more than one JSON document") }
                    guard c == UInt8(ascii: "{") || c == UInt8(ascii: "[") else {
                        throw fail("not a report page: the file does not start with { or [")
                    }
                    sawDocument = true
                    return
                }
                if !capturing, stack.count == pageDepth + 1, let top = stack.last, !top.isObject,
                   stack[pageDepth - 1].isObject, stack[pageDepth - 1].key == Array("data".utf8) {
                    guard c == UInt8(ascii: "{") else { throw fail("a page's data holds something other than objects") }
                    capturing = true
                    capture = [c]
                    captureDepth = stack.count
                    captureLine = line
                }
            }
        }
        if !stopped {
            guard sawDocument else { throw InputFileError(path: path, "empty: no report page") }
            guard stack.isEmpty, !inString else { throw fail("the document ends before it is closed (a truncated download?)") }
        }
        return summary
    }
}
