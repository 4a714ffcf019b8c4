import Foundation
import TriageIO

/// A slow, whole-input reference tokenizer written straight from the rules, used to check
/// `CSVTokenizer` on random inputs. It indexes the complete input and builds fields byte by byte.
enum CSVOracle {
    static func events(_ input: [UInt8], maxRecordBytes: Int) -> [CSVEvent] {
        let (lf, cr, quote, comma): (UInt8, UInt8, UInt8, UInt8) = (10, 13, 34, 44)
        let bytes = input.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(input.dropFirst(3)) : input
        let n = bytes.count
        var events: [CSVEvent] = []
        var i = 0
        var line = 1
        /// Whether a CRLF starts at `k`.
        func crlf(_ k: Int) -> Bool { bytes[k] == cr && k + 1 < n && bytes[k + 1] == lf }

        while i < n {
            let startLine = line
            let start = i
            var fields: [String] = []
            var failure: String?
            var fieldNumber = 0
            /// Ends a field: validates it unless the record already failed.
            func addField(_ field: [UInt8]) {
                fieldNumber += 1
                guard failure == nil else { return }
                if let text = String(validating: field, as: UTF8.self) {
                    fields.append(text)
                } else {
                    failure = "invalid UTF-8 in field \(fieldNumber)"
                }
            }
            var recordEnd = n  // index of the record's LF, or n
            fieldLoop: while true {
                var field: [UInt8] = []
                if i < n && bytes[i] == quote {
                    i += 1
                    var closed = false
                    while i < n {
                        if bytes[i] == quote {
                            if i + 1 < n && bytes[i + 1] == quote {
                                field.append(quote)
                                i += 2
                            } else {
                                i += 1
                                closed = true
                                break
                            }
                        } else {
                            if bytes[i] == lf { line += 1 }
                            field.append(bytes[i])
                            i += 1
                        }
                    }
                    guard closed else {
                        events.append(.malformed(line: startLine, reason: "unterminated quoted field"))
                        return events
                    }
                    addField(field)
                    while i < n && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
                    if i == n { break fieldLoop }
                    if bytes[i] == comma {
                        i += 1
                        continue fieldLoop
                    }
                    if bytes[i] == lf {
                        recordEnd = i
                        break fieldLoop
                    }
                    if bytes[i] == cr && i + 1 == n {
                        i += 1
                        break fieldLoop
                    }
                    if crlf(i) {
                        recordEnd = i + 1
                        break fieldLoop
                    }
                    if failure == nil {
                        let b = bytes[i]
                        let what =
                            b > 0x20 && b < 0x7F
                            ? "character '\(Character(Unicode.Scalar(b)))'" : String(format: "byte 0x%02X", b)
                        failure = "unexpected \(what) after closing quote in field \(fieldNumber)"
                    }
                    field = []  // resynchronise: the rest of the field is unquoted text
                }
                while i < n && bytes[i] != comma && bytes[i] != lf && !crlf(i) {
                    field.append(bytes[i])
                    i += 1
                }
                addField(field)
                if i == n { break fieldLoop }
                if bytes[i] == comma {
                    i += 1
                    continue fieldLoop
                }
                recordEnd = bytes[i] == lf ? i : i + 1
                break fieldLoop
            }
            if recordEnd - start > maxRecordBytes { failure = "record longer than \(maxRecordBytes) bytes" }
            events.append(
                failure.map { .malformed(line: startLine, reason: $0) } ?? .record(fields: fields, line: startLine))
            if recordEnd < n {
                i = recordEnd + 1
                line += 1
            } else {
                i = n
            }
        }
        return events
    }
}
