extension CanonicalUpdate {
    /// The update whose ``canonicalJSON`` is `bytes`: the inverse of ``FindingUpdate/canonicalJSON``,
    /// read with the decoder and rules of a decision record (the canonical form is the request's
    /// update part, which a decision record repeats). Nil when `bytes` are not the canonical form of
    /// a valid update, so that a damaged copy is never taken for another update.
    package static func decoding(canonicalJSON bytes: [UInt8]) -> CanonicalUpdate? {
        guard case .object(let members)? = try? JSONParser.parse(bytes),
            case .valid(let update) = UpdateDraft(decisionObject: members).checkUpdate(),
            update.canonicalJSON == bytes
        else { return nil }
        return update
    }
}
