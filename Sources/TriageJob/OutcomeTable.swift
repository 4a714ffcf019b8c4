import TriageCore

/// Outcomes by sequence number in one byte each (0 none, 1 processed, 2 + index in
/// `ErrorCode.allCases` failed with that code, 255 failed with a code not listed there), messages
/// kept only where they differ from the code's default: 1 MB for a million records. Unlisted codes
/// and unconfirmed failures, rare, are kept aside. Not thread-safe; owners lock.
struct OutcomeTable: Sendable {
    private var codes: [UInt8] = []
    private var messages: [Int: String] = [:]
    private var unlisted: [Int: ErrorCode] = [:]
    private var unconfirmed: Set<Int> = []

    /// Records the outcome of `sequence`.
    mutating func set(_ sequence: Int, _ outcome: Outcome) {
        if sequence >= codes.count {
            codes.append(contentsOf: repeatElement(0, count: max(sequence + 1 - codes.count, codes.count / 2)))
        }
        unlisted[sequence] = nil
        unconfirmed.remove(sequence)
        switch outcome {
        case .processed:
            codes[sequence] = 1
            messages[sequence] = nil
        case .failed(let code, let message), .unconfirmed(let code, let message):
            if let index = ErrorCode.allCases.firstIndex(of: code) {
                codes[sequence] = UInt8(2 + index)
            } else {
                codes[sequence] = 255
                unlisted[sequence] = code
            }
            messages[sequence] = message == code.defaultMessage ? nil : message
            if outcome.isUnconfirmed { unconfirmed.insert(sequence) }
        }
    }

    /// Whether `sequence` has an outcome.
    func contains(_ sequence: Int) -> Bool {
        sequence < codes.count && codes[sequence] != 0
    }

    /// The outcome of `sequence`, if it has one.
    func outcome(_ sequence: Int) -> Outcome? {
        guard contains(sequence) else { return nil }
        guard codes[sequence] > 1 else { return .processed }
        let code = codes[sequence] == 255 ? unlisted[sequence]! : ErrorCode.allCases[Int(codes[sequence]) - 2]
        let message = messages[sequence] ?? code.defaultMessage
        return unconfirmed.contains(sequence) ? .unconfirmed(code, message) : .failed(code, message)
    }

    /// Sequence numbers that have an outcome, in order.
    var sequences: [Int] {
        codes.indices.filter { codes[$0] != 0 }
    }
}
