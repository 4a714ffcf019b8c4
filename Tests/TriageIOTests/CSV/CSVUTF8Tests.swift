import Testing

@testable import TriageIO

/// The tokenizer's UTF-8 check agrees with the standard library's validating decoder.
@Suite struct CSVUTF8Tests {
    @Test func everyOneAndTwoByteSequenceAgrees() {
        var mismatches = 0
        for a in 0...255 {
            if !agrees([UInt8(a)]) { mismatches += 1 }
            for b in 0...255 where !agrees([UInt8(a), UInt8(b)]) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func randomLongerSequencesAgree() {
        var generator = CSVFeed.SeededGenerator(seed: 8)
        var mismatches: [[UInt8]] = []
        for _ in 0..<200_000 {
            let count = Int.random(in: 3...12, using: &generator)
            let bytes = (0..<count).map { _ -> UInt8 in
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: UInt8.random(in: 0xC0...0xF7, using: &generator)
                case 1: UInt8.random(in: 0x00...0x7F, using: &generator)
                default: UInt8.random(in: 0x80...0xBF, using: &generator)
                }
            }
            if !agrees(bytes) { mismatches.append(bytes) }
        }
        #expect(mismatches.isEmpty)
    }

    @Test func asciiFastPathSeesALateNonASCIIByte() {
        #expect(agrees(Array("abcdefghijklmnop\u{E9}".utf8)))
        let bytes = Array("abcdefghijklmnop".utf8) + [0xFF]
        #expect(!bytes.withUnsafeBufferPointer { CSVTokenizer.isValidUTF8($0) })
        #expect(agrees(bytes))
    }

    func agrees(_ bytes: [UInt8]) -> Bool {
        let expected = String(validating: bytes, as: UTF8.self) != nil
        return bytes.withUnsafeBufferPointer { CSVTokenizer.isValidUTF8($0) } == expected
    }
}
