import Testing
import TriageCore

/// The shard hash is stable (the values `docs/scale.md#shards` gives), and `--shard`/`--shards`
/// resolve as `docs/cli.md` says, with a usage refusal for each wrong form.
@Suite struct ShardTests {
    /// FNV-1a 64 of `account:region`, pinned: shards of one run may be different builds, and a
    /// record must land in the same shard in each.
    @Test(arguments: [
        ("", "", 0xaf63_b74c_8601_adad as UInt64, 0),
        ("111111111111", "us-east-1", 0xcd71_d130_263d_2393, 1),
        ("222222222222", "eu-west-1", 0xaacb_319a_4ef6_a263, 0),
        ("012345678912", "eu-central-1", 0x1e28_5795_4665_ab09, 0),
        ("", "us-east-1", 0xfc03_e705_eb64_069f, 1),
    ])
    func theHashIsFNV1a64OfAccountColonRegion(account: String, region: String, hash: UInt64, ofThree: Int) {
        #expect(Shard.hash(account: account, region: region) == hash)
        #expect(Shard.index(account: account, region: region, count: 3) == ofThree)
        #expect(Shard.index(account: account.isEmpty ? nil : account, region: region, count: 3) == ofThree)
        #expect(Shard.index(account: account, region: region, count: 1) == 0)
    }

    /// Each key is in exactly one of N shards, and the unkeyed records in shard 0 only.
    @Test func everyKeyIsInExactlyOneShard() throws {
        for count in 1...7 {
            let shards = try (0..<count).map { try #require(Shard(index: $0, count: count)) }
            for account in ["", "111111111111", "222222222222", "333333333333"] {
                for region in ["", "us-east-1", "eu-west-1", "ap-southeast-2"] {
                    #expect(shards.filter { $0.contains(account: account, region: region) }.count == 1)
                }
            }
            #expect(shards.filter(\.takesUnkeyedRecords).map(\.index) == [0])
        }
    }

    @Test func aShardIsWithinItsCount() {
        #expect(Shard(index: 0, count: 1) != nil)
        #expect(Shard(index: 2, count: 3)?.description == "2/3")
        #expect(Shard(index: 3, count: 3) == nil)
        #expect(Shard(index: -1, count: 3) == nil)
        #expect(Shard(index: 0, count: 0) == nil)
    }

    @Test func shardKOfN() throws {
        #expect(try ShardChoice.resolve(shard: "1/3", shards: nil, environment: [:]) == Shard(index: 1, count: 3))
        #expect(try ShardChoice.resolve(shard: "0/1", shards: nil, environment: [:]) == Shard(index: 0, count: 1))
        #expect(try ShardChoice.resolve(shard: nil, shards: nil, environment: ["JOB_COMPLETION_INDEX": "1"]) == nil)
        for wrong in ["3/3", "-1/3", "1/0", "1", "a/3", "1/3/4", "", " 1/3", "+1/3", "1/"] {
            #expect(throws: ShardChoice.Refusal.self, "\(wrong)") {
                try ShardChoice.resolve(shard: wrong, shards: nil, environment: [:])
            }
        }
    }

    @Test func shardsNTakesTheIndexFromKubernetesElseBatch() throws {
        let kubernetes = ["JOB_COMPLETION_INDEX": "2", "AWS_BATCH_JOB_ARRAY_INDEX": "0"]
        #expect(try ShardChoice.resolve(shard: nil, shards: "4", environment: kubernetes) == Shard(index: 2, count: 4))
        let batch = ["AWS_BATCH_JOB_ARRAY_INDEX": "3", "AWS_BATCH_JOB_ARRAY_SIZE": "4"]
        #expect(try ShardChoice.resolve(shard: nil, shards: "4", environment: batch) == Shard(index: 3, count: 4))
        #expect(try ShardChoice.resolve(shard: nil, shards: "auto", environment: batch) == Shard(index: 3, count: 4))
        // An empty variable counts as unset.
        let emptyKubernetes = ["JOB_COMPLETION_INDEX": "", "AWS_BATCH_JOB_ARRAY_INDEX": "1"]
        #expect(
            try ShardChoice.resolve(shard: nil, shards: "2", environment: emptyKubernetes) == Shard(index: 1, count: 2))
    }

    @Test(
        arguments: [
            ("1/3", "2", [String: String](), "--shard and --shards cannot both be given"),
            (nil, "3", [:], "neither is set"),
            (nil, "0", ["JOB_COMPLETION_INDEX": "0"], "--shards must be a whole number of at least 1"),
            (nil, "x", ["JOB_COMPLETION_INDEX": "0"], "not 'x'"),
            (nil, "3", ["JOB_COMPLETION_INDEX": "3"], "JOB_COMPLETION_INDEX is 3: not below the 3 shards"),
            (nil, "3", ["JOB_COMPLETION_INDEX": "one"], "JOB_COMPLETION_INDEX must be a whole number"),
            (nil, "3", ["AWS_BATCH_JOB_ARRAY_INDEX": "-1"], "AWS_BATCH_JOB_ARRAY_INDEX must be a whole number"),
            (
                nil, "3", ["AWS_BATCH_JOB_ARRAY_INDEX": "1", "AWS_BATCH_JOB_ARRAY_SIZE": "4"],
                "AWS_BATCH_JOB_ARRAY_SIZE is '4'"
            ),
            (
                nil, "auto", ["AWS_BATCH_JOB_ARRAY_INDEX": "1"],
                "--shards auto takes the count from AWS_BATCH_JOB_ARRAY_SIZE"
            ),
            (nil, "auto", ["AWS_BATCH_JOB_ARRAY_INDEX": "1", "AWS_BATCH_JOB_ARRAY_SIZE": "0"], "at least 1, not '0'"),
        ] as [(String?, String, [String: String], String)])
    func refusalsNameTheOptionOrVariable(shard: String?, shards: String, environment: [String: String], words: String) {
        #expect {
            try ShardChoice.resolve(shard: shard, shards: shards, environment: environment)
        } throws: { error in
            (error as? ShardChoice.Refusal)?.message.contains(words) == true
        }
    }
}
