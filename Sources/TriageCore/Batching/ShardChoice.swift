/// Which shard this process runs, from `--shard K/N` or `--shards N|auto` and the scheduler's
/// environment (`docs/cli.md`, `docs/scale.md#shards`).
///
/// - `--shard K/N`: K 0-based, `0 <= K < N`.
/// - `--shards N`: K from `JOB_COMPLETION_INDEX` (a Kubernetes Indexed Job) when it is set, else
///   from `AWS_BATCH_JOB_ARRAY_INDEX` (an AWS Batch array job); when K comes from Batch and
///   `AWS_BATCH_JOB_ARRAY_SIZE` is set too, it must equal N (a job definition and an array size
///   that disagree would drop some (account, Region)s silently).
/// - `--shards auto`: N from `AWS_BATCH_JOB_ARRAY_SIZE`, K as for `--shards N`.
/// - Neither option: no shard, whatever the environment holds (an array job may well run unsharded
///   work, one input per child).
///
/// Every refusal is a usage error (exit status 2) whose message names the option or variable.
public enum ShardChoice {
    /// A choice that cannot be run: the message names the option or variable and what is wrong.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// One line.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The Kubernetes Indexed Job's index variable.
    public static let kubernetesIndex = "JOB_COMPLETION_INDEX"
    /// The AWS Batch array job's index variable.
    public static let batchIndex = "AWS_BATCH_JOB_ARRAY_INDEX"
    /// The AWS Batch array job's size variable.
    public static let batchSize = "AWS_BATCH_JOB_ARRAY_SIZE"

    /// The shard `--shard` (`shard`) or `--shards` (`shards`) name in `environment`; nil when
    /// neither is given.
    public static func resolve(
        shard: String?, shards: String?, environment: [String: String]
    ) throws(Refusal) -> Shard? {
        switch (shard, shards) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw Refusal(message: "--shard and --shards cannot both be given: --shard K/N names the shard itself")
        case (let text?, nil):
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = number(parts[0]), let count = number(parts[1]),
                let chosen = Shard(index: index, count: count)
            else {
                throw Refusal(
                    message: "--shard must be K/N with N at least 1 and K from 0 to N-1 (0-based), not '\(text)'")
            }
            return chosen
        case (nil, let text?):
            let count: Int
            if text == "auto" {
                guard let size = value(batchSize, in: environment) else {
                    throw Refusal(message: "--shards auto takes the count from \(batchSize), which is not set")
                }
                guard let parsed = number(Substring(size)), parsed >= 1 else {
                    throw Refusal(message: "\(batchSize) must be a whole number of at least 1, not '\(size)'")
                }
                count = parsed
            } else {
                guard let parsed = number(Substring(text)), parsed >= 1 else {
                    throw Refusal(message: "--shards must be a whole number of at least 1 or 'auto', not '\(text)'")
                }
                count = parsed
            }
            let variable: String
            if value(kubernetesIndex, in: environment) != nil {
                variable = kubernetesIndex
            } else if value(batchIndex, in: environment) != nil {
                variable = batchIndex
            } else {
                throw Refusal(
                    message: "--shards needs the shard's index in \(kubernetesIndex) (a Kubernetes Indexed Job) or "
                        + "\(batchIndex) (an AWS Batch array job), and neither is set; or name it with --shard K/N")
            }
            let raw = value(variable, in: environment) ?? ""
            guard let index = number(Substring(raw)) else {
                throw Refusal(message: "\(variable) must be a whole number from 0, not '\(raw)'")
            }
            if variable == batchIndex, let size = value(batchSize, in: environment), number(Substring(size)) != count {
                throw Refusal(
                    message: "--shards is \(count) but \(batchSize) is '\(size)': the array job has other shards")
            }
            guard let chosen = Shard(index: index, count: count) else {
                throw Refusal(message: "\(variable) is \(index): not below the \(count) shards of --shards")
            }
            return chosen
        }
    }

    /// A variable's value, nil when unset or empty.
    private static func value(_ name: String, in environment: [String: String]) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// A decimal whole number of ASCII digits only (no sign, no spaces), below 2^31.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }
}
