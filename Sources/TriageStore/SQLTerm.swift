/// A boolean SQL expression with its `?` parameters, in the order they appear.
struct SQLTerm {
    /// A value bound to a parameter.
    enum Argument {
        /// Text, bound with its length.
        case text(String)
        /// Text given as bytes (not necessarily UTF-8: a `PREFIX` range's upper bound).
        case bytes([UInt8])
        /// An integer.
        case integer(Int64)
    }

    /// The expression, parenthesised where it combines terms.
    var sql: String
    /// Its arguments, one per `?`.
    var arguments: [Argument]

    /// A term.
    init(_ sql: String, _ arguments: [Argument] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    /// The terms ANDed (`1` for none).
    static func all(_ terms: [SQLTerm]) -> SQLTerm {
        guard !terms.isEmpty else { return SQLTerm("1") }
        if terms.count == 1 { return terms[0] }
        return SQLTerm("(" + terms.map(\.sql).joined(separator: " AND ") + ")", terms.flatMap(\.arguments))
    }

    /// The terms ORed (`0` for none).
    static func any(_ terms: [SQLTerm]) -> SQLTerm {
        guard !terms.isEmpty else { return SQLTerm("0") }
        if terms.count == 1 { return terms[0] }
        return SQLTerm("(" + terms.map(\.sql).joined(separator: " OR ") + ")", terms.flatMap(\.arguments))
    }
}
