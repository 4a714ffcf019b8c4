import Testing
import TriageCore
import TriageIO
import TriageTestSupport

@testable import TriageJob

/// The run's counts and what is made of them: the summary, the journal's end entry and the
/// result each come from one ``RunLedger``, whichever thread counted what.
@Suite struct RunLedgerTests {
    static func record(_ sequence: Int, input: Int, _ outcome: Outcome) -> RecordOutcome {
        RecordOutcome(
            RecordReference(
                sequence: sequence, source: SourceLocation(input: input, line: sequence + 1), id: "f\(sequence)",
                productArn: "arn:p"),
            outcome)
    }

    static let facts = RunFacts(
        target: "store:s.sqlite", inputs: ["a.ndjson", "b.csv"], startedAt: "2026-12-07T02:00:00.000Z",
        finishedAt: "2026-12-07T02:01:00.000Z")

    @Test("records read, failed and left unsent add up per input and in all")
    func counting() {
        var ledger = RunLedger(inputCount: 2)
        for sequence in 0..<10 { ledger.countRead(input: sequence < 6 ? 0 : 1) }
        ledger.count(Self.record(1, input: 0, .failed(.invalidInput, "bad")))
        ledger.count(Self.record(2, input: 0, .processed))
        ledger.count(Self.record(7, input: 1, .unconfirmed(.connectionError, "no answer")))
        ledger.countUnsent([1: 2])
        #expect(ledger[input: 0] == .init(records: 6, failed: 1, remaining: 0))
        #expect(ledger[input: 1] == .init(records: 2, failed: 1, remaining: 2))
        #expect(ledger[input: 5] == .init())
        #expect((ledger.records, ledger.processed, ledger.failed, ledger.remaining) == (8, 6, 2, 2))
        #expect(ledger.errors[.invalidInput] == 1 && ledger.errors[.connectionError] == 1)
        #expect(ledger.sample.entries.map(\.sequence) == [1, 7])
    }

    @Test("two ledgers added up count what one ledger counting everything counts", arguments: [1, 2, 3])
    func absorbIsCountingInOne(seed: UInt64) {
        var generator = SplitMix64(state: seed)
        var one = RunLedger(inputCount: 3)
        var reading = RunLedger(inputCount: 3)
        var applied = RunLedger()
        var batch: [RecordOutcome] = []
        var (batches, batched) = (0, 0)
        for sequence in 0..<500 {
            let input = Int(generator.next() % 3)
            one.countRead(input: input)
            reading.countRead(input: input)
            let outcome: Outcome =
                switch generator.next() % 4 {
                case 0: .failed(.findingNotFound, "Finding Not Found")
                case 1: .failed(.invalidInput, "bad \(sequence)")
                default: .processed
                }
            let record = Self.record(sequence, input: input, outcome)
            one.count(record)
            if generator.next() % 2 == 0 {
                reading.count(record)
            } else {
                batch.append(record)
                batched += 1
                if batch.count == 7 {
                    applied.countBatch(batch)
                    batches += 1
                    batch = []
                }
            }
        }
        applied.countBatch(batch)
        batches += 1
        reading.absorb(applied)
        #expect(reading.summary(Self.facts) == one.summary(Self.facts))
        #expect(reading.sample == one.sample)
        #expect(reading.inputs == one.inputs)
        #expect(reading.batches == batches && reading.decidedByBatches == batched)
        #expect(applied.batchErrors == applied.errors)
    }

    @Test("the summary, the journal's end and the result are the same counts")
    func derived() {
        var ledger = RunLedger(inputCount: 2)
        for sequence in 0..<5 { ledger.countRead(input: sequence % 2) }
        ledger.count(Self.record(3, input: 1, .failed(.findingNotFound, "Finding Not Found")))
        ledger.countUnsent(1, input: 0)
        ledger.markStart(input: 0, at: 1_000)
        ledger.markEnd(input: 0, at: 3_000)
        ledger.earlierRequests = 2
        ledger.requestsThisRun = 3
        var facts = Self.facts
        facts.interrupted = true

        let summary = ledger.summary(facts)
        #expect((summary.records, summary.processed, summary.failed, summary.remaining) == (4, 3, 1, 1))
        #expect(summary.requests == 5 && summary.interrupted && summary.errors == ledger.errors)
        #expect(summary.inputs == facts.inputs && summary.startedAt == facts.startedAt)

        let end = ledger.journalEnd(facts, reported: false)
        #expect(
            end
                == JournalEnd(
                    finishedAt: facts.finishedAt, interrupted: true, remaining: 1, reported: false,
                    inputTimes: [.init(startedAt: 1_000, finishedAt: 3_000), .init(startedAt: 0, finishedAt: 0)]))

        let result = ledger.result(facts, stop: .signal, seconds: 60)
        #expect((result.records, result.processed, result.failed, result.remaining) == (4, 3, 1, 1))
        #expect(result.requests == 5 && result.requestsSent == 3 && result.stop == .signal)
        #expect(result.firstFailures.map(\.sequence) == [3] && result.inputs == facts.inputs)

        facts.dryRun = true
        #expect(ledger.result(facts, stop: nil, seconds: 1).requestsSent == 0)
        #expect(ledger.summary(facts).requests == 5)
    }

    @Test("the failure sample keeps the first failures in input order, whatever order they come in")
    func sample() {
        var generator = SplitMix64(state: 7)
        var sample = FailureSample(capacity: 10)
        var sequences = Array(0..<200)
        sequences.shuffle(using: &generator)
        for sequence in sequences {
            sample.offer(Self.record(sequence, input: 0, sequence % 3 == 0 ? .failed(.invalidInput, "x") : .processed))
        }
        #expect(sample.entries.map(\.sequence) == Array(stride(from: 0, to: 30, by: 3)))
        var none = FailureSample(capacity: 0)
        none.offer(Self.record(0, input: 0, .failed(.invalidInput, "x")))
        #expect(none.entries.isEmpty)
    }
}
