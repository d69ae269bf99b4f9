/// Streams the records of a provider bill saved as JSON, one element at a time, whichever
/// way it was saved (FORMATS.md): one API page (`{"data": [...], "has_more": …}`), a JSON array
/// of pages, a JSON array of the pages' `data` concatenated (OpenAI's cookbook saves buckets
/// so), or JSON Lines of pages or of buckets, often each on a single line.
///
/// An element is an item of a page's `data`, or an object that stands on its own at the top of
/// the document or in its top-level array (a bucket). This splitter walks the bytes with a small
/// state machine (strings, escapes, nesting, the member names of each object) and parses only
/// one element at a time, so memory holds one bucket, not the file. An object at the top is
/// captured until it shows a `data` array: then it is a page, and its data's items are captured
/// instead.
public struct JSONPageStream {
    public let path: String
    public var hashing: Bool

    public init(path: String, hashing: Bool = true) {
        self.path = path
        self.hashing = hashing
    }

    /// One record-holding element: its value, its ordinal in the file (1-based) and the line
    /// it starts on.
    public struct Element {
        public var value: JSONValue
        public var ordinal: Int
        public var line: Int
    }

    /// What a whole walk saw: the file's checksum and size, and its shape, so that a reader can
    /// tell an empty report (pages with empty `data`, `[]`) from a file that is no report.
    public struct Walk {
        public var file: LineReader.Summary
        public var elements = 0
        /// Objects with a `data` array at the top of the document or of its top-level array.
        public var pages = 0
        /// Top-level arrays (a saved list of buckets or pages, `[]` when empty).
        public var arrays = 0

        /// Nothing in it, but shaped as a report: empty pages or an empty list.
        public var isEmptyReport: Bool { elements == 0 && (pages > 0 || arrays > 0) }
    }

    /// Calls `body` for each element; `body` returns false to stop early.
    @discardableResult
    public func forEachElement(_ body: (Element) throws -> Bool) throws -> LineReader.Summary {
        try walk(body).file
    }

    /// Calls `body` for each element (false stops early) and says what the document held.
    public func walk(_ body: (Element) throws -> Bool) throws -> Walk {
        var stack: [Container] = []
        var inString = false
        var escaped = false
        var readingKey = false
        var line = 1
        var capture: [UInt8] = []
        var capturing = false
        /// A top-level object (or one of a top-level array) being captured until it shows a
        /// `data` array, which makes it a page.
        var tentative = false
        var captureDepth = 0
        var captureLine = 0
        var ordinal = 0
        var stopped = false
        var documents = 0
        var pages = 0
        var arrays = 0
        var position = 0
        var bomSoFar = true

        func fail(_ why: String) -> InputFileError { InputFileError(path: path, line: line, why) }

        let summary = try LineReader(path: path, hashing: hashing).forEachChunk { chunk in
            if stopped { return }
            for c in chunk {
                // A UTF-8 byte-order mark may open the file (spreadsheet and Windows tools).
                if position < 3 {
                    position += 1
                    if c == Self.byteOrderMark[position - 1] && bomSoFar { continue }
                    bomSoFar = false
                }
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
                    guard let top = stack.last else { throw fail("unexpected , between documents") }
                    if top.isObject { stack[stack.count - 1].expectingKey = true }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    try startValue(c)
                    stack.append(Container(isObject: c == UInt8(ascii: "{"), expectingKey: c == UInt8(ascii: "{"), key: []))
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard let top = stack.popLast(), top.isObject == (c == UInt8(ascii: "}")) else {
                        throw fail("unexpected \(Character(Unicode.Scalar(c)))")
                    }
                    if capturing && stack.count == captureDepth {
                        capturing = false
                        tentative = false
                        ordinal += 1
                        let value: JSONValue
                        do {
                            value = try JSONValue.parse(capture)
                        } catch {
                            throw InputFileError(path: path, line: captureLine, "element \(ordinal) is not valid JSON: \(error)")
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

            /// The depth of the objects that may be pages or buckets standing alone: 0 for a
            /// top-level object, 1 for the items of a top-level array.
            func pageLevel() -> Int { stack.first.map { $0.isObject ? 0 : 1 } ?? 0 }

            func beginCapture(_ c: UInt8, tentatively: Bool) {
                capturing = true
                tentative = tentatively
                capture = [c]
                captureDepth = stack.count
                captureLine = line
            }

            /// A value begins at `c`: a document, a page or bucket, or an item of a page's data.
            func startValue(_ c: UInt8) throws {
                if stack.isEmpty {
                    guard c == UInt8(ascii: "{") || c == UInt8(ascii: "[") else {
                        throw fail(documents == 0 ? "not a report page: the file does not start with { or [" : "between documents: something other than a JSON object or array")
                    }
                    documents += 1
                    if c == UInt8(ascii: "[") { arrays += 1 } else { beginCapture(c, tentatively: true) }
                    return
                }
                if capturing {
                    // A captured top-level object that holds a `data` array is a page: its data's
                    // items are the elements, not the page.
                    if tentative, c == UInt8(ascii: "["), stack.count == captureDepth + 1, let top = stack.last, top.isObject,
                       top.key == Self.dataKey {
                        capturing = false
                        tentative = false
                        capture.removeAll(keepingCapacity: true)
                        pages += 1
                    }
                    return
                }
                if stack.count == 1, !stack[0].isObject {
                    guard c == UInt8(ascii: "{") else { throw fail("the top-level array holds something other than pages or buckets") }
                    beginCapture(c, tentatively: true)
                    return
                }
                if stack.count == pageLevel() + 2, let top = stack.last, !top.isObject,
                   stack[pageLevel()].isObject, stack[pageLevel()].key == Self.dataKey {
                    guard c == UInt8(ascii: "{") else { throw fail("a page's data holds something other than objects") }
                    beginCapture(c, tentatively: false)
                }
            }
        }
        if !stopped {
            guard documents > 0 else { throw InputFileError(path: path, "empty: no report page") }
            guard stack.isEmpty, !inString else { throw fail("the document ends before it is closed (a truncated download?)") }
        }
        return Walk(file: summary, elements: ordinal, pages: pages, arrays: arrays)
    }

    private static let dataKey = Array("data".utf8)
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private struct Container {
        var isObject: Bool
        var expectingKey: Bool
        var key: [UInt8]
    }
}
