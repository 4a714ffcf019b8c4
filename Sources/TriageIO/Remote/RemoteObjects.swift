import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where TriageIO finds the ``RemoteObjectStore`` for `s3://` paths, and what it remembers of the
/// objects a run reads.
///
/// A process-wide registry, because paths are opened deep in TriageIO (inputs, reports, journals,
/// metrics) by their names alone: the executable installs a factory once (``install(_:)``), and the
/// store is made on the first `s3://` path (so a run without one never resolves credentials).
///
/// Each input object's entity tag is pinned when the run first opens it: later opens (the catalog
/// checks every input, then reads it at its turn) and every ranged GET send `If-Match` on it, so
/// the run reads one version of each object, and the journal's fingerprint of it
/// (``fingerprint(_:)``, `etag:"…"`) is that version's.
package enum RemoteObjects {
    /// The one scheme of remote paths.
    package static let scheme = "s3://"

    private struct State {
        var factory: (@Sendable () throws(TriageIOError) -> any RemoteObjectStore)?
        var store: (any RemoteObjectStore)?
        var pinned: [String: String] = [:]
    }

    private static let state = Mutex(State())
    /// Staged files of this process (numbers them).
    private static let staged = Atomic<Int>(0)

    /// Whether `path` names a remote object (`s3://…`) rather than a file.
    package static func isRemote(_ path: String) -> Bool { path.hasPrefix(scheme) }

    /// Whether `path` names a remote object.
    package static func isRemote(_ path: InputPath) -> Bool { path.bytes.starts(with: scheme.utf8) }

    /// Makes `factory` the maker of the store for `s3://` paths, forgetting any store made before
    /// (and the tags it pinned).
    package static func install(_ factory: @escaping @Sendable () throws(TriageIOError) -> any RemoteObjectStore) {
        state.withLock { $0 = State(factory: factory) }
    }

    /// The store, made on first use; throws when none is installed (a library caller that did not
    /// wire one) or it cannot be made (no credentials).
    package static func store() throws(TriageIOError) -> any RemoteObjectStore {
        try state.withLock { (state) throws(TriageIOError) -> any RemoteObjectStore in
            if let store = state.store { return store }
            guard let factory = state.factory else {
                throw TriageIOError(.unreadable, "s3:// paths are not available here (no object store is wired in)")
            }
            let store = try factory()
            state.store = store
            return store
        }
    }

    /// Opens the input object `url`, pinned to the entity tag it had when this process first
    /// opened it (see the type).
    package static func openInput(_ url: String) throws(TriageIOError) -> ByteSource {
        let store = try store()
        let pinned = state.withLock { $0.pinned[url] }
        let (source, tag) = try store.open(url, ifMatch: pinned)
        if pinned == nil { state.withLock { $0.pinned[url] = tag } }
        return source
    }

    /// Opens the object `url` as it is now (a journal; not pinned).
    package static func openObject(_ url: String) throws(TriageIOError) -> ByteSource {
        try store().open(url, ifMatch: nil).source
    }

    /// An input object's fingerprint for the journal: `etag:` and the entity tag it was read with
    /// (or has now, when this process has not opened it); empty when it cannot be known.
    package static func fingerprint(_ url: String) -> String {
        if let pinned = state.withLock({ $0.pinned[url] }) { return "etag:" + pinned }
        guard let tag = try? store().entityTag(url) else { return "" }
        return "etag:" + tag
    }

    /// Whether an object is at `url` now.
    package static func exists(_ url: String) throws(TriageIOError) -> Bool {
        try store().entityTag(url) != nil
    }

    /// A new local file's path in the store's staging directory (`triage-KIND-PID-N`), for an
    /// output written before its upload; not created here.
    package static func stagingPath(kind: String) throws(TriageIOError) -> String {
        let directory = try store().stagingDirectory
        return "\(directory)/triage-\(kind)-\(getpid())-\(staged.wrappingAdd(1, ordering: .relaxed).oldValue)"
    }
}
