import TriageCore

/// What a `triage serve` caller may import (`docs/serve.md`, accounts): the rules the real
/// BatchImportFindings applies to an account that imports its own findings, with serve's
/// administrators importing for their members too.
///
/// - `AwsAccountId` must be one of `accounts` (the caller's own, or an administrator's members):
///   Security Hub requires the calling account to be the finding's `AwsAccountId`.
/// - A default product ARN (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`,
///   the product of an account's custom integration) takes only findings of that account.
/// - An import never replaces, hides or moves a stored finding of another account: the stored
///   finding with the same (`ProductArn`, `Id`) must belong to the finding's `AwsAccountId`.
/// - The `ProductArn`'s Region must be the Region the request is signed for: Security Hub takes a
///   finding only in its product's Region (a finding sent to another Region's endpoint is refused
///   with `AccessDenied` and the same wording, as prowler#618 and cloud-custodian#3975 report;
///   the real service refuses the whole request, serve that finding only, as it does for the
///   account rules, so that one stray finding does not fail a batch).
///
/// Why the last rule instead of a key with the account in it: the store keys a finding by
/// (`ProductArn`, `Id`), as BatchUpdateFindings names it. Security Hub keeps each account's
/// findings apart; here one (`ProductArn`, `Id`) holds one finding, and a stored finding's
/// account only changes when an import replaces it. Refusing any import over a finding of another
/// account keeps that account for good, and the other two operations already check it (updates
/// find only findings of the caller's accounts, reads return only those), so no sequence of the
/// three operations reaches another account's finding. A finding of an account the caller may not
/// update is refused like a finding it may not import (`AccessDenied`), whatever its `UpdatedAt`.
struct ImportAccess {
    /// The accounts whose findings the caller may import and update; nil for all.
    let accounts: AccountSet?
    /// The Region the request is signed for; nil for any.
    let region: String?

    /// The rules for a caller of `accounts` (nil: all) signing for `region` (nil: any); nil when
    /// neither restricts (`triage import`, or every account and Region).
    init?(accounts: AccountSet?, region: String?) {
        guard accounts != nil || region != nil else { return nil }
        self.accounts = accounts
        self.region = region
    }

    /// Why `provider` may not be imported, before the store is read; nil if it may.
    func refusal(of provider: ProviderFinding) -> ImportOutcome? {
        if let accounts, let refusal = Self.accountRefusal(of: provider, accounts: accounts) { return refusal }
        if let region, !provider.region.utf8.elementsEqual(region.utf8) {
            let productRegion = provider.region.isEmpty ? "none" : provider.region
            return .failed(
                id: provider.identifier.id, code: .accessDenied,
                message: Self.notAuthorized(
                    provider.identifier.productArn,
                    because:
                        "the ProductArn's Region (\(productRegion)) is not the Region the request is signed for, "
                        + "\(region); import the finding in its own Region"))
        }
        return nil
    }

    /// Why `provider`, of an account outside `accounts` or of another account's default product,
    /// may not be imported; nil if it may.
    private static func accountRefusal(of provider: ProviderFinding, accounts: AccountSet) -> ImportOutcome? {
        let id = provider.identifier.id
        let productArn = provider.identifier.productArn
        guard accounts.contains(provider.awsAccountId) else {
            return .failed(
                id: id, code: .accessDenied,
                message: Self.notAuthorized(
                    productArn,
                    because: "AwsAccountId \(provider.awsAccountId) is not the caller's account or one of its members"))
        }
        if let owner = Self.defaultProductAccount(productArn),
            !owner.utf8.elementsEqual(provider.awsAccountId.utf8)
        {
            return .failed(
                id: id, code: .accessDenied,
                message: Self.notAuthorized(
                    productArn,
                    because:
                        "a default product imports findings of its own account only, not of AwsAccountId \(provider.awsAccountId)"
                ))
        }
        return nil
    }

    /// Why `provider` may not replace the stored finding of `storedAccount` with the same
    /// (`ProductArn`, `Id`); nil if it may.
    func refusal(of provider: ProviderFinding, over storedAccount: String) -> ImportOutcome? {
        let id = provider.identifier.id
        guard let accounts else { return nil }
        guard accounts.contains(storedAccount) else {
            return .failed(
                id: id, code: .accessDenied,
                message: Self.notAuthorized(
                    provider.identifier.productArn,
                    because: "a finding with this ProductArn and Id belongs to an account the caller may not update"))
        }
        guard storedAccount.utf8.elementsEqual(provider.awsAccountId.utf8) else {
            return .failed(
                id: id, code: .invalidInput,
                message: "AwsAccountId: the finding with this ProductArn and Id belongs to account \(storedAccount); "
                    + "an import does not move a finding to another account")
        }
        return nil
    }

    /// The real service's wording for an import it refuses (`AccessDeniedException`: "... is not
    /// authorized to perform: securityhub:BatchImportFindings on resource: <ProductArn>"), with
    /// the reason.
    private static func notAuthorized(_ productArn: String, because reason: String) -> String {
        "Not authorized to perform: securityhub:BatchImportFindings on resource: \(productArn) (\(reason))"
    }

    /// The account whose default product `productArn` is
    /// (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`, the account 12
    /// digits); the empty string for such an ARN whose two accounts differ (nobody's product); nil
    /// for any other product.
    static func defaultProductAccount(_ productArn: String) -> String? {
        let fields = productArn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", fields[2] == "securityhub" else { return nil }
        let resource = fields[5].split(separator: "/", omittingEmptySubsequences: false)
        guard resource.count == 3, resource[0] == "product", resource[2] == "default",
            resource[1].utf8.count == 12, resource[1].utf8.allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
        return fields[4].utf8.elementsEqual(resource[1].utf8) ? String(resource[1]) : ""
    }
}
