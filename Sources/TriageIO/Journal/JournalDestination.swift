#if canImport(Glibc)
import Glibc
#endif

/// Where a run's decisions went, as its journal keeps it: `--resume` continues a run only against
/// the same destination, since the journal's records are done there and nowhere else.
///
/// Holds no secret: a store path, an endpoint URL (which cannot carry user info) and a Region.
package struct JournalDestination: Sendable, Equatable, CustomStringConvertible {
    /// `store` or `securityhub`.
    package var kind: String
    /// For the store: its path, absolute, symbolic links resolved.
    package var store: String?
    /// For Security Hub: the endpoint as reports name it (`--endpoint-url` or the variables that
    /// override it, else `https://securityhub.REGION.amazonaws.com`), without a trailing `/`.
    package var endpoint: String?
    /// For Security Hub: `--region` (every finding sent to that Region); nil without it.
    package var region: String?
    /// Whether the Region override is known: false for a destination read from the target name
    /// of a journal written before destinations were recorded (``init(targetName:)``).
    package var knowsRegion = true

    /// The store at `path` (resolved against the current directory).
    package static func store(path: String) -> JournalDestination {
        JournalDestination(kind: "store", store: resolvedPath(path))
    }

    /// Security Hub at `endpoint`, with the Region override `region`.
    package static func securityHub(endpoint: String, region: String?) -> JournalDestination {
        var trimmed = Substring(endpoint)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return JournalDestination(kind: "securityhub", endpoint: String(trimmed), region: region)
    }

    /// A destination with the given members.
    package init(kind: String, store: String? = nil, endpoint: String? = nil, region: String? = nil) {
        self.kind = kind
        self.store = store
        self.endpoint = endpoint
        self.region = region
    }

    /// The destination a journal written before destinations were recorded names in its header's
    /// `target` (`store:PATH` with the path as it was given, or `securityhub:ENDPOINT`): the path
    /// resolved against the current directory, the Region override unknown. Nil for a target
    /// name of another shape.
    package init?(targetName: String) {
        if targetName.hasPrefix("store:") {
            self = .store(path: String(targetName.dropFirst("store:".count)))
        } else if targetName.hasPrefix("securityhub:") {
            self = .securityHub(endpoint: String(targetName.dropFirst("securityhub:".count)), region: nil)
            knowsRegion = false
        } else {
            return nil
        }
    }

    /// How a message names it: `the store /srv/findings.sqlite`, `target securityhub at
    /// http://127.0.0.1:4510 with --region eu-west-1`.
    package var description: String {
        switch kind {
        case "store": return "the store \(store ?? "?")"
        case "securityhub":
            return "target securityhub at \(endpoint ?? "?")" + (region.map { " with --region \($0)" } ?? "")
        default: return "target \(kind)"
        }
    }

    /// What differs from `other` (`the target`, `the store`, `the endpoint`, `the Region override
    /// (--region)`), in words; empty when they are the same. The Region override counts only when
    /// both know it.
    package func differences(from other: JournalDestination) -> [String] {
        guard kind == other.kind else { return ["the target"] }
        var found: [String] = []
        if store != other.store { found.append("the store") }
        if endpoint != other.endpoint { found.append("the endpoint") }
        if knowsRegion, other.knowsRegion, region != other.region { found.append("the Region override (--region)") }
        return found
    }

    /// `path` made absolute against the current directory, its symbolic links resolved when it
    /// exists (as it was given, made absolute, otherwise).
    static func resolvedPath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        if path.hasPrefix("/") { return path }
        guard let directory = getcwd(nil, 0) else { return path }
        defer { free(directory) }
        return String(cString: directory) + "/" + path
    }
}
