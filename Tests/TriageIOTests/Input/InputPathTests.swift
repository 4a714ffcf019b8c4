import Foundation
import Testing

@testable import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// Input paths by their bytes: how they are shown, how argument Strings map back to them, and
/// that `FileByteSource` opens names that are not UTF-8 and tells regular files by `fstat`.
@Suite struct InputPathTests {
    @Test(arguments: [
        (Array("plain.csv".utf8), "plain.csv"),
        (Array("décisions.ndjson".utf8), "décisions.ndjson"),
        (Array("bad".utf8) + [0xFF] + Array("name.csv".utf8), #"bad\xFFname.csv"#),
        ([0xC3, 0x28], #"\xC3("#),
        ([0xE2, 0x82, 0x41], #"\xE2\x82A"#),
        ([0xED, 0xA0, 0x80], #"\xED\xA0\x80"#),
        ([0xF0, 0x9F, 0x98, 0x80, 0x80], "😀\\x80"),
        ([0xEF, 0xBF, 0xBD], "\u{FFFD}"),
    ])
    func displayNamesEscapeIllFormedBytesOnly(bytes: [UInt8], shown: String) {
        #expect(InputPath(bytes: bytes).displayName == shown)
    }

    /// What ArgumentParser makes of raw arguments: ill-formed bytes become U+FFFD.
    static func asReceived(_ raw: [[UInt8]]) -> [String] { raw.map { String(decoding: $0, as: UTF8.self) } }

    @Test func argumentsMapBackToTheirBytes() throws {
        let fe = Array("a".utf8) + [0xFE]
        let ff = Array("a".utf8) + [0xFF]
        let real = Array("a\u{FFFD}".utf8)
        let raw: [[UInt8]] = [
            Array("validate".utf8), Array("--report".utf8), Array("r.json".utf8), ff, real, fe, Array("x.csv".utf8),
        ]
        let inputs = Array(Self.asReceived(raw)[3...])
        let paths = try InputPath.resolving(inputs, argumentBytes: raw).get()
        #expect(paths.map(\.bytes) == [ff, real, fe, Array("x.csv".utf8)])
        // Without raw arguments (a configuration built in code), each input is its UTF-8.
        #expect(try InputPath.resolving(["x.csv"], argumentBytes: []).get().map(\.bytes) == [Array("x.csv".utf8)])
    }

    @Test func anOptionValueThatReadsAlikeMakesTheInputAmbiguous() throws {
        let fe = Array("a".utf8) + [0xFE]
        let ff = Array("a".utf8) + [0xFF]
        let raw: [[UInt8]] = [Array("validate".utf8), Array("--junit".utf8), fe, ff]
        let result = InputPath.resolving([Self.asReceived(raw)[3]], argumentBytes: raw)
        guard case .failure(let ambiguous) = result else {
            Issue.record("resolved: \(result)")
            return
        }
        #expect(ambiguous.code == .ambiguousArgument(candidates: [fe, ff]))
        #expect(
            ambiguous.message
                == "cannot tell which of the arguments a\\xFE, a\\xFF is the input a\u{FFFD}: their names are not UTF-8 and "
                + "read alike; rename the file or give it on standard input")
        // The same bytes given twice (input and option) are not ambiguous.
        let twice: [[UInt8]] = [Array("--junit".utf8), ff, ff]
        #expect(try InputPath.resolving([Self.asReceived(twice)[2]], argumentBytes: twice).get().map(\.bytes) == [ff])
    }

    @Test func aNameThatIsNotUTF8OpensByItsBytes() throws {
        let scratch = try InputScratchDirectory()
        let name = Array(scratch.path("bad").utf8) + [0xFF, 0x2E, 0x63, 0x73, 0x76]
        let descriptor = name.withUnsafeBufferPointer { pointer -> Int32 in
            let terminated = Array(pointer) + [0]
            return terminated.withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o600) }
            }
        }
        #expect(descriptor >= 0)
        _ = "Id,ProductArn\n".withCString { write(descriptor, $0, 14) }
        close(descriptor)
        let opened = try InputOpener.open(InputPath(bytes: name))
        #expect(opened.canReopen)
        let lines = readAll(LineReader(source: opened.source)).lines.map(\.bytes)
        #expect(lines == [Array("Id,ProductArn".utf8)])
        #expect(throws: TriageIOError.self) { try FileByteSource(path: name + [0]) }
    }

    @Test func pipesAndStandardInputCannotBeReopened() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[1]) }
        #expect(!FileByteSource(fileDescriptor: descriptors[0], closeOnDeinit: true).isRegularFile)
        let scratch = try InputScratchDirectory()
        let path = try scratch.write("plain.ndjson", Array("{}\n".utf8))
        #expect(try FileByteSource(path: path).isRegularFile)
        #expect(try InputOpener.open(InputPath(path)).canReopen)
    }
}
