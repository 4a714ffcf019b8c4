import CLibXML2

/// A parsed XML file (libxml2 tree) for checking what a writer produced.
final class JUnitXMLTree {
    private let document: xmlDocPtr

    /// Parses `path`; nil if it is not well-formed (libxml2's messages are suppressed).
    init?(path: String) {
        guard let document = xmlReadFile(path, nil, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue))
        else { return nil }
        self.document = document
    }

    deinit { xmlFreeDoc(document) }

    /// The root element.
    var root: xmlNodePtr { xmlDocGetRootElement(document)! }

    /// The element children of `node` (all names, or only `name`).
    static func children(_ node: xmlNodePtr, named name: String? = nil) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE && (name == nil || self.name(current) == name) {
                result.append(current)
            }
            child = current.pointee.next
        }
        return result
    }

    /// Every element named `name` in the subtree of `node`, in document order.
    static func descendants(_ node: xmlNodePtr, named name: String) -> [xmlNodePtr] {
        children(node).flatMap { child in (self.name(child) == name ? [child] : []) + descendants(child, named: name) }
    }

    /// The element's name.
    static func name(_ node: xmlNodePtr) -> String { String(cString: node.pointee.name) }

    /// The element's attributes as (name, value) pairs, in document order.
    static func attributes(_ node: xmlNodePtr) -> [(String, String)] {
        var result: [(String, String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let textNode = UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)
            result.append((String(cString: current.pointee.name), text(textNode)))
            attribute = current.pointee.next
        }
        return result
    }

    /// The value of attribute `name`, or nil.
    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        attributes(node).first { $0.0 == name }?.1
    }

    /// The concatenated text children of an element or attribute.
    static func text(_ node: xmlNodePtr) -> String {
        var bytes: [UInt8] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
                let content = current.pointee.content
            {
                var pointer = content
                while pointer.pointee != 0 {
                    bytes.append(pointer.pointee)
                    pointer += 1
                }
            }
            child = current.pointee.next
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
