/// Reading the config's `faults`. Every member is optional: `seed` (an integer 0...2^64-1,
/// default 0), the rates (numbers 0...1, default 0) and `latencyMs` (an integer
/// 0...``FaultConfig/maxLatencyMs``, default 0).
extension FaultConfig {
    /// The members of `faults`.
    static let members = ["seed", "internalErrorRate", "dropConnectionRate", "latencyMs", "unprocessedRate"]

    /// The faults at `node`; none when it is nil.
    init(config node: ConfigNode?) throws(ServerError) {
        self.init()
        guard let node else { return }
        let object = try node.object(allowed: Self.members)
        if let seedNode = object.member("seed") {
            guard case .number(let number) = seedNode.value else { throw seedNode.typeError("an integer") }
            guard let seed = UInt64(number.literal) else {
                throw seedNode.error("must be an integer from 0 to 18446744073709551615")
            }
            self.seed = seed
        }
        internalErrorRate = try object.member("internalErrorRate")?.number(in: 0...1) ?? 0
        dropConnectionRate = try object.member("dropConnectionRate")?.number(in: 0...1) ?? 0
        unprocessedRate = try object.member("unprocessedRate")?.number(in: 0...1) ?? 0
        latencyMs = try object.member("latencyMs")?.integer(in: 0...Self.maxLatencyMs) ?? 0
    }
}
