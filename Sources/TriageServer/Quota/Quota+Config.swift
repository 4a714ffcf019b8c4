/// Reading the config's `quotas`: `{"<Operation>": {"rate": r, "burst": b}}`.
extension Quota {
    /// The quotas of every operation: the ones `node` gives, Security Hub's defaults
    /// (``securityHubDefault(for:)``) for the operations it leaves out. `rate` and `burst` are
    /// both required, finite and not negative; rate 0 disables throttling (burst is then
    /// ignored); a positive rate needs a burst of at least 1, or no request would ever pass.
    static func table(config node: ConfigNode?) throws(ServerError) -> [ServeOperation: Quota] {
        var table = securityHubDefaults
        guard let node else { return table }
        let object = try node.object(allowed: ServeOperation.allCases.map(\.rawValue))
        for (name, quotaNode) in object.entries {
            let operation = ServeOperation(rawValue: name)!  // checked by `allowed`
            table[operation] = try Quota(config: quotaNode)
        }
        return table
    }

    /// One operation's quota at `node`.
    init(config node: ConfigNode) throws(ServerError) {
        let object = try node.object(allowed: ["rate", "burst"])
        let rateNode = try object.required("rate")
        let burstNode = try object.required("burst")
        let rate = try rateNode.number(in: 0...Double.greatestFiniteMagnitude)
        let burst = try burstNode.number(in: 0...Double.greatestFiniteMagnitude)
        if rate > 0, burst < 1 {
            throw burstNode.error("must be at least 1 when rate is above 0 (rate 0 disables throttling)")
        }
        self.init(rate: rate, burst: burst)
    }
}
