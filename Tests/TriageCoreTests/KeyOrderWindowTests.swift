import Testing
import TriageCore
import TriageTestSupport

@Suite struct KeyOrderWindowTests {
    static func entry(_ sequence: Int, _ id: String, arn: String = "arn:p", update: CanonicalUpdate = statuses[0])
        -> KeyOrderWindow.Entry
    {
        KeyOrderWindow.Entry(
            BatchMember(
                sequence: sequence, identifier: FindingIdentifier(id: id, productArn: arn),
                source: SourceLocation(input: sequence % 3, line: sequence + 1)),
            update: update)
    }

    static func drained(_ entries: [KeyOrderWindow.Entry]) -> [KeyOrderWindow.Entry] {
        var window = KeyOrderWindow(capacity: max(1, entries.count))
        for entry in entries { window.append(entry) }
        var out: [KeyOrderWindow.Entry] = []
        let rest = window.drain {
            out.append($0); return true
        }
        #expect(rest.isEmpty)
        #expect(window.count == 0)
        return out
    }

    @Test func sortsByProductArnThenIdInByteOrder() {
        // Byte order, not String order: "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9); a prefix first.
        let ids = [
            "b", "a", "é", "Z", "ab", "a-long-identifier-past-eight-bytes-2", "a-long-identifier-past-eight-bytes-1",
        ]
        var entries = ids.enumerated().map { Self.entry($0.offset, $0.element) }
        entries.append(Self.entry(7, "a", arn: "arn:o"))
        let out = Self.drained(entries).map { "\($0.member.identifier.productArn) \($0.member.identifier.id)" }
        #expect(
            out == [
                "arn:o a", "arn:p Z", "arn:p a", "arn:p a-long-identifier-past-eight-bytes-1",
                "arn:p a-long-identifier-past-eight-bytes-2", "arn:p ab", "arn:p b", "arn:p é",
            ])
    }

    @Test func keepsEveryDecisionWithItsFieldsAndEachFindingsOrder() {
        var generator = SplitMix64(state: 7)
        let updates = statuses
        let entries = (0..<5_000).map { sequence in
            Self.entry(
                sequence, "finding-\(generator.next() % 300)", arn: "arn:\(generator.next() % 3)",
                update: updates[Int(generator.next() % UInt64(updates.count))])
        }
        let out = Self.drained(entries)
        #expect(out.map(\.member.sequence).sorted() == Array(0..<5_000))
        for entry in out {
            let original = entries[entry.member.sequence]
            #expect(entry.member.identifier == original.member.identifier)
            #expect(entry.update === original.update)
            #expect(entry.member.source == original.member.source)
        }
        // Per finding, input order.
        var last: [FindingIdentifier: Int] = [:]
        for entry in out {
            if let previous = last[entry.member.identifier] { #expect(previous < entry.member.sequence) }
            last[entry.member.identifier] = entry.member.sequence
        }
    }

    @Test func repeatsGoToLaterPassesInKeyOrder() {
        // b0 a1 b2 c3 a4 b5 → pass 0: a1 b0 c3, pass 1: a4 b2, pass 2: b5.
        let entries = ["b", "a", "b", "c", "a", "b"].enumerated().map { Self.entry($0.offset, $0.element) }
        let out = Self.drained(entries).map { "\($0.member.identifier.id)\($0.member.sequence)" }
        #expect(out == ["a1", "b0", "c3", "a4", "b2", "b5"])
    }

    @Test func drainStopsWhenAskedAndReturnsTheRest() {
        var window = KeyOrderWindow(capacity: 10)
        for sequence in 0..<10 { window.append(Self.entry(sequence, "f\(9 - sequence)")) }
        #expect(window.isFull)
        var seen: [Int] = []
        let rest = window.drain { entry in
            if seen.count == 4 { return false }
            seen.append(entry.member.sequence)
            return true
        }
        #expect(seen == [9, 8, 7, 6])
        #expect(rest.map(\.member.sequence) == [5, 4, 3, 2, 1, 0])
        #expect(window.count == 0 && !window.isFull)
    }

    @Test func discardReturnsWhatWasHeldInInputOrder() {
        var window = KeyOrderWindow(capacity: 4)
        for sequence in 0..<3 { window.append(Self.entry(sequence, "f\(3 - sequence)")) }
        #expect(window.discard().map(\.member.sequence) == [0, 1, 2])
        #expect(window.count == 0)
        window.append(Self.entry(5, "x"))
        #expect(window.count == 1)
    }
}
