import ArgumentParser
import Foundation
import TriageCore

extension RunOptions {
    /// The shard `--shard` or `--shards` name, with the index from the scheduler's environment
    /// (``ShardChoice``); nil when neither is given. A refusal is a usage error (exit status 2).
    func chosenShard() throws -> Shard? {
        do throws(ShardChoice.Refusal) {
            return try ShardChoice.resolve(
                shard: shard, shards: shards, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
