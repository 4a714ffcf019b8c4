/// Which record of a run: its sequence number, where it starts in the inputs, and the finding it
/// names as the record wrote it.
///
/// The one way a record is named from the moment it is read to its line in a report: the record
/// spool, the journal, the failure sample and the reports all carry this (a ``BatchMember`` holds
/// the same fields with the identity parsed, see ``BatchMember/reference``). It holds no update
/// and no message: a few words and two shared strings.
public struct RecordReference: Hashable, Sendable {
    /// 0-based position of the record in the run, across all inputs; the same on a resumed run
    /// over the same inputs (records are identified by it).
    public var sequence: Int
    /// Where the record starts.
    public var source: SourceLocation
    /// The finding's `Id` as the record wrote it; nil when it named none (a malformed record).
    public var id: String?
    /// The finding's `ProductArn` as the record wrote it; nil when it named none.
    public var productArn: String?
    /// The account the finding belongs to (``FindingAccount``): the one given, else the account
    /// field of an ARN `Id`; nil when unknown.
    public var account: String?

    /// A reference with each of its members.
    public init(
        sequence: Int, source: SourceLocation, id: String? = nil, productArn: String? = nil, account: String? = nil
    ) {
        self.account = account ?? id.flatMap(FindingAccount.fromARN)
        self.sequence = sequence
        self.source = source
        self.id = id
        self.productArn = productArn
    }

    /// A reference to a record that named `identifier` in full; `account` is its finding's.
    public init(sequence: Int, source: SourceLocation, identifier: FindingIdentifier, account: String? = nil) {
        self.init(
            sequence: sequence, source: source, id: identifier.id, productArn: identifier.productArn, account: account)
    }

    /// The finding, when the record named both its `Id` and its `ProductArn`.
    public var identifier: FindingIdentifier? {
        guard let id, let productArn else { return nil }
        return FindingIdentifier(id: id, productArn: productArn)
    }
}
