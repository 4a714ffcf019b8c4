import TriageCore

extension SecurityHubEndpoint {
    /// `ListFindingAggregators`: the caller's account's aggregator ARN, if the config has an
    /// aggregator (an empty list otherwise), from any Region, as Security Hub answers it.
    ///
    /// Like STS, the aggregator operations draw no injected faults (they are answered from the
    /// config), so that a seed's faults for the finding operations stay the same.
    func listFindingAggregators(query: Substring, caller: Caller) throws(ServerError) -> [UInt8] {
        let request = try FindingAggregatorOperations.decodeList(query: query)
        try authorizeAggregators(caller, .listFindingAggregators)
        // No token is ever issued (there is at most one aggregator): any token is another query's.
        if let token = request.nextToken, !token.isEmpty { throw .notThisQuery }
        let arns = config.aggregator.map { [$0.arn(account: caller.account)] } ?? []
        return FindingAggregatorOperations.listAnswer(arns: arns)
    }

    /// `GetFindingAggregator`: the aggregator whose ARN `ListFindingAggregators` gives the caller;
    /// any other well-formed aggregator ARN (another account's, another Region's, or any when none
    /// is configured) is `ResourceNotFoundException`, and an ARN of another shape
    /// `InvalidInputException`.
    func getFindingAggregator(path: Substring, caller: Caller) throws(ServerError) -> [UInt8] {
        let arn = try FindingAggregatorOperations.decodeArn(path: path)
        try authorizeAggregators(caller, .getFindingAggregator)
        guard FindingAggregatorOperations.isAggregatorArn(arn) else {
            throw .invalidInput(
                "FindingAggregatorArn: is not the ARN of a finding aggregator "
                    + "(arn:aws:securityhub:<region>:<account>:finding-aggregator/<id>)")
        }
        guard let aggregator = config.aggregator, aggregator.arn(account: caller.account) == arn else {
            throw .resourceNotFound(
                "Finding aggregator \(arn.prefix(300)) not found in account \(caller.account)")
        }
        return FindingAggregatorOperations.getAnswer(aggregator, arn: arn)
    }

    /// Takes the request's tokens: from its own Region's bucket, and, with a finding aggregator,
    /// a write's from the other Regions it impacts (``FindingAggregator/alsoCharged(signedFor:touched:)``;
    /// for a BatchUpdateFindings signed for the aggregation Region, the Regions of its identifiers'
    /// `ProductArn`s), all or none. False when a bucket is empty: the request is throttled.
    func admit(_ caller: Caller, _ operation: ServeOperation, body: [UInt8]) -> Bool {
        // Without throttling there is nothing to take (and no body to read for it).
        guard let quota = config.quotas[operation], quota.rate > 0 else { return true }
        var regions = [caller.region]
        if let aggregator = caller.aggregator, operation == .batchUpdateFindings || operation == .batchImportFindings {
            var touched: Set<String> = []
            // A body that does not decode is refused after admission, charged to its own Region only.
            if operation == .batchUpdateFindings, caller.region == aggregator.region,
                let request = try? BatchUpdateFindingsOperation.decode(body)
            {
                touched = Set(request.identifiers.map { ProviderFinding.region(ofProductArn: $0.productArn) })
            }
            regions += aggregator.alsoCharged(signedFor: caller.region, touched: touched).sorted()
        }
        return quotas.admit(account: caller.account, regions: regions, operation: operation)
    }

    /// `AccessDeniedException` when the key's policies deny `operation` (no condition key applies).
    private func authorizeAggregators(_ caller: Caller, _ operation: ServeOperation) throws(ServerError) {
        if case .denied(let message) = PolicyEvaluator.evaluate(
            caller.credential.policies, action: operation, update: nil)
        {
            throw .accessDenied(message)
        }
    }
}
