import Foundation
import TriageSigV4

/// Reads the `.req` / `request.txt` files of the SigV4 suites: `METHOD target HTTP/1.1`, `Name:value` lines
/// (a line starting with whitespace continues the previous value), a blank line, the body.
enum VectorRequest {
    static func parse(_ data: Data) -> SigV4Request {
        let bytes = [UInt8](data)
        var headEnd = bytes.count
        var bodyStart = bytes.count
        if bytes.count >= 2 {
            for index in 0..<(bytes.count - 1) where bytes[index] == 0x0A && bytes[index + 1] == 0x0A {
                headEnd = index
                bodyStart = index + 2
                break
            }
        }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let space = requestLine.firstIndex(of: " ")!
        let method = String(requestLine[..<space])
        var target = String(requestLine[requestLine.index(after: space)...])
        if let range = target.range(of: " HTTP/", options: .backwards) { target = String(target[..<range.lowerBound]) }
        var path = target
        var query = ""
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        }
        var headers: [SigV4Request.Header] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = line.firstIndex(of: ":")!
            headers.append(.init(String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        return SigV4Request(
            method: method, path: path, query: query, headers: headers, body: Array(bytes[bodyStart...]))
    }

    /// The `Authorization` value of a signed-request file (`Authorization:` with or without a space).
    static func authorization(inSignedRequest text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("Authorization:") {
            return String(line.dropFirst("Authorization:".count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
