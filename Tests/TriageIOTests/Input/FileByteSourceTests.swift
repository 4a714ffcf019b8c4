import Foundation
import Testing
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// `FileByteSource` on descriptors: a pipe fed by another thread, as stdin would be.
@Suite struct FileByteSourceTests {
    @Test("a pipe written in pieces by another thread reads as its lines", arguments: [false, true])
    func pipe(compressed: Bool) throws {
        let plain = sampleRecords(count: 20_000)
        let payload = compressed ? try InputScratchDirectory().gzip(plain) : plain
        var descriptors: [Int32] = [0, 0]
        #expect(Glibc.pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        let writer = Thread {
            var offset = 0
            while offset < payload.count {
                let piece = min(3001, payload.count - offset)
                let written = payload.withUnsafeBytes { write(writeEnd, $0.baseAddress! + offset, piece) }
                if written <= 0 { break }
                offset += written
            }
            close(writeEnd)
        }
        writer.start()
        let source = try InputOpener.open(source: FileByteSource(fileDescriptor: readEnd, closeOnDeinit: true))
        let result = readAll(LineReader(source: source))
        #expect(result.error == nil)
        expectLines(result.lines, LineOracle.lines(of: plain))
    }

    @Test("a descriptor that cannot be read gives .readFailed with the OS reason")
    func badDescriptor() {
        let source = FileByteSource(fileDescriptor: -1, closeOnDeinit: false)
        let result = readAll(LineReader(source: source))
        #expect(result.error?.code == .readFailed)
        #expect(result.error?.message == "read failed: Bad file descriptor")
    }
}
