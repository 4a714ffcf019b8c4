/// Where a record starts: the index of its input in the run's input list and the 1-based
/// physical line. A CSV record that spans lines (quoted newlines) is located at its first line.
public struct SourceLocation: Hashable, Sendable {
    /// Index into the run's list of inputs (0-based).
    public var input: Int
    /// 1-based physical line where the record starts.
    public var line: Int

    /// Creates a location.
    public init(input: Int, line: Int) {
        self.input = input
        self.line = line
    }
}
