import TriageCore
import TriageIO

/// Outcomes by sequence number in one byte each (0 none, 1 processed, 2 + index in
/// `ErrorCode.allCases` failed with that code), messages kept only where they differ from the
/// code's default: 1 MB for a million records. Not thread-safe; owners lock.
struct OutcomeTable: Sendable {
    private var codes: [UInt8] = []
    private var messages: [Int: String] = [:]

    /// Records the outcome of `sequence`: processed (`failure` nil) or failed.
    mutating func set(_ sequence: Int, failure: SpooledRecord.Failure?) {
        if sequence >= codes.count {
            codes.append(contentsOf: repeatElement(0, count: max(sequence + 1 - codes.count, codes.count / 2)))
        }
        if let failure {
            codes[sequence] = UInt8(2 + ErrorCode.allCases.firstIndex(of: failure.code)!)
            if failure.message != failure.code.defaultMessage { messages[sequence] = failure.message }
        } else {
            codes[sequence] = 1
        }
    }

    /// Whether `sequence` has an outcome.
    func contains(_ sequence: Int) -> Bool {
        sequence < codes.count && codes[sequence] != 0
    }

    /// The failure of `sequence`, if it failed.
    func failure(_ sequence: Int) -> SpooledRecord.Failure? {
        guard sequence < codes.count, codes[sequence] > 1 else { return nil }
        let code = ErrorCode.allCases[Int(codes[sequence]) - 2]
        return .init(code: code, message: messages[sequence] ?? code.defaultMessage)
    }

    /// The outcome of `sequence`, if it has one.
    func outcome(_ sequence: Int) -> Outcome? {
        guard contains(sequence) else { return nil }
        guard let failure = failure(sequence) else { return .processed }
        return .failed(failure.code, failure.message)
    }

    /// Sequence numbers that have an outcome, in order.
    var sequences: [Int] {
        codes.indices.filter { codes[$0] != 0 }
    }
}
