/// A small XML writer for the e-invoices: elements opened and closed in order, every text and
/// attribute value escaped, four spaces per level, so the same document is the same bytes.
///
/// Values never reach the output unescaped (a customer named `Smith & Sons <EU>` is text, not
/// markup), and a name is checked to be an XML name, so no value can open an element of its
/// own. Closing what is open is checked too: `finish()` fails on an element left open.
public struct XMLWriter {
    public private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var open: [String] = []

    public init() {}

    /// `<name attributes…>`, then what follows is inside it until `close()`.
    public mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        indent()
        text += "<" + Self.checked(name) + Self.attributes(attributes) + ">\n"
        open.append(name)
    }

    public mutating func close() {
        precondition(!open.isEmpty, "XMLWriter: close() with no element open")
        let name = open.removeLast()
        indent()
        text += "</" + name + ">\n"
    }

    /// `<name attributes…>value</name>` on one line.
    public mutating func leaf(_ name: String, _ value: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        indent()
        let n = Self.checked(name)
        text += "<" + n + Self.attributes(attributes) + ">" + Self.escaped(value, attribute: false) + "</" + n + ">\n"
    }

    /// The document, every element closed.
    public func finish() -> String {
        precondition(open.isEmpty, "XMLWriter: \(open.joined(separator: " > ")) left open")
        return text
    }

    private mutating func indent() { text += String(repeating: "    ", count: open.count) }

    private static func attributes(_ pairs: KeyValuePairs<String, String>) -> String {
        pairs.map { " " + checked($0.key) + "=\"" + escaped($0.value, attribute: true) + "\"" }.joined()
    }

    /// `&`, `<` and `>` in text; quotes too in an attribute. A control character XML 1.0 cannot
    /// carry (anything below a space but tab, newline and carriage return) becomes a space.
    public static func escaped(_ value: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&apos;"
            case "\r": out += "&#13;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t": out += " "
            case "\u{FFFE}", "\u{FFFF}": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A name as the e-invoice formats write them: letters, digits, `-`, `_`, `.` and one
    /// namespace prefix (`cbc:ID`), starting with a letter.
    static func checked(_ name: String) -> String {
        let valid = name.first?.isLetter == true && name.split(separator: ":", omittingEmptySubsequences: false).count <= 2
            && name.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0) }
        precondition(valid, "XMLWriter: \"\(name)\" is not an element or attribute name settle writes")
        return name
    }
}
