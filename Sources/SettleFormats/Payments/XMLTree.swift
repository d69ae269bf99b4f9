import CLibXML2

/// An XML document parsed by libxml2, read by elements' local names (a camt.053 of version
/// .001.02 and one of .001.08 differ in their namespace, not in the names read here). No
/// network, no entity expansion, no DTD: a statement is data, never instructions.
final class XMLTree {
    private let doc: xmlDocPtr

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(bytes: [UInt8]) throws(Failure) {
        // XML_PARSE_NONET: never fetch; XML_PARSE_NOENT left out: entities stay unexpanded.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buf.count) { xmlReadMemory($0, Int32(buf.count), nil, nil, options) }
            } ?? nil
        }
        guard let parsed else {
            let message = xmlGetLastError().map { String(cString: $0.pointee.message).trimmingSpacesAndNewlines } ?? "not XML"
            throw Failure(description: "not well-formed XML: \(message)")
        }
        doc = parsed
    }

    deinit { xmlFreeDoc(doc) }

    var root: Node? { xmlDocGetRootElement(doc).map { Node(pointer: $0, tree: self) } }

    /// An element; valid while its tree lives (it keeps the tree).
    struct Node {
        let pointer: xmlNodePtr
        let tree: XMLTree

        var name: String { String(cString: pointer.pointee.name) }

        var namespace: String? { pointer.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) } }

        /// The element's own line in the file, for messages.
        var line: Int { Int(xmlGetLineNo(pointer)) }

        var children: [Node] {
            var out: [Node] = []
            var child = pointer.pointee.children
            while let c = child {
                if c.pointee.type == XML_ELEMENT_NODE { out.append(Node(pointer: c, tree: tree)) }
                child = c.pointee.next
            }
            return out
        }

        func children(_ name: String) -> [Node] { children.filter { $0.name == name } }

        func first(_ name: String) -> Node? { children.first { $0.name == name } }

        /// The element down a path of local names (`["Acct", "Id", "IBAN"]`).
        func at(_ path: String...) -> Node? {
            var node: Node? = self
            for name in path { node = node?.first(name) }
            return node
        }

        /// Every element down a path whose last step may repeat.
        func all(_ path: String...) -> [Node] {
            var nodes = [self]
            for name in path { nodes = nodes.flatMap { $0.children(name) } }
            return nodes
        }

        /// The text content, trimmed.
        var text: String {
            guard let content = xmlNodeGetContent(pointer) else { return "" }
            defer { settle_xml_free(content) }
            return String(cString: content).trimmingSpacesAndNewlines
        }

        func attribute(_ name: String) -> String? {
            guard let value = xmlGetProp(pointer, name) else { return nil }
            defer { settle_xml_free(value) }
            return String(cString: value)
        }
    }
}

extension String {
    fileprivate var trimmingSpacesAndNewlines: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
