import CLibXML2

/// Validates XML files against an XML Schema with libxml2; used by tests only.
package enum XMLSchemaValidator {
    /// The errors libxml2 reports when validating `xmlPath` against `xsdPath`, each as
    /// `file:line: message`; empty when the file is valid.
    ///
    /// Schema parse errors, well-formedness errors and validity errors are all collected (none is
    /// printed). Reads the file as a stream: memory does not grow with its size.
    package static func validate(xmlPath: String, xsdPath: String) -> [String] {
        _ = libxml2Ready
        let messages = MessageList()
        let context = Unmanaged.passUnretained(messages).toOpaque()
        let collect: xmlStructuredErrorFunc = { context, error in
            guard let context, let error else { return }
            Unmanaged<MessageList>.fromOpaque(context).takeUnretainedValue().append(error.pointee)
        }
        // The XML parser under xmlSchemaValidateFile reports well-formedness errors through the
        // thread's structured handler, not the validation context's: set it for the duration.
        let previousHandler = __xmlStructuredError()?.pointee
        let previousContext = __xmlStructuredErrorContext()?.pointee
        xmlSetStructuredErrorFunc(context, collect)
        defer { xmlSetStructuredErrorFunc(previousContext, previousHandler) }
        return withExtendedLifetime(messages) {
            guard let parserContext = xmlSchemaNewParserCtxt(xsdPath) else {
                return ["\(xsdPath): cannot create a schema parser context"]
            }
            defer { xmlSchemaFreeParserCtxt(parserContext) }
            xmlSchemaSetParserStructuredErrors(parserContext, collect, context)
            guard let schema = xmlSchemaParse(parserContext) else {
                return messages.all.isEmpty ? ["\(xsdPath): cannot parse the schema"] : messages.all
            }
            defer { xmlSchemaFree(schema) }
            guard let validContext = xmlSchemaNewValidCtxt(schema) else {
                return ["\(xsdPath): cannot create a validation context"]
            }
            defer { xmlSchemaFreeValidCtxt(validContext) }
            xmlSchemaSetValidStructuredErrors(validContext, collect, context)
            let result = xmlSchemaValidateFile(validContext, xmlPath, 0)
            if result != 0 && messages.all.isEmpty {
                return ["\(xmlPath): invalid or unreadable (libxml2 code \(result))"]
            }
            return messages.all
        }
    }
}

/// libxml2's global set-up, run once (thread-safe) before the first validation.
private let libxml2Ready: Void = xmlInitParser()

/// Messages collected by the C error callback, which reaches it through a context pointer.
private final class MessageList {
    private(set) var all: [String] = []

    func append(_ error: xmlError) {
        var message = error.message.map { String(cString: $0) } ?? "unknown error"
        while message.last == "\n" { message.removeLast() }
        let file = error.file.map { String(cString: $0) } ?? "?"
        all.append("\(file):\(error.line): \(message)")
    }
}
