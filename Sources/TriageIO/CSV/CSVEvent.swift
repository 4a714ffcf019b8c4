/// One tokenizer event, produced in input order by `CSVTokenizer`.
package enum CSVEvent: Sendable, Equatable {
    /// A record: its fields (UTF-8 decoded, quotes removed, doubled quotes undone) and the 1-based
    /// physical line where it starts. An empty line is `[""]`; a record always has at least one field.
    case record(fields: [String], line: Int)
    /// A record that could not be tokenized: the 1-based line where it starts and why, e.g.
    /// `invalid UTF-8 in field 3`, `unexpected character 'x' after closing quote in field 2`,
    /// `record longer than 1048576 bytes`, `unterminated quoted field`. Tokenizing resumes at the
    /// next record (after the LF, outside quotes, that ends this one).
    case malformed(line: Int, reason: String)
}
