/// An object store that inputs are read from and outputs written to by URL (`s3://BUCKET/KEY`).
///
/// TriageIO knows only this seam: opening an object as a ``ByteSource``, uploading a finished local
/// file, downloading an object to a local file. The implementation (signing, HTTP) lives in a
/// module the executable wires in (``RemoteObjects/install(_:)``), so that TriageIO does not
/// depend on an HTTP client. Every call blocks the calling thread (never an event loop) and names
/// the URL in its errors.
package protocol RemoteObjectStore: AnyObject, Sendable {
    /// Opens the object at `url` for reading from its first byte. With `ifMatch` the object must
    /// still have that entity tag, at the open and at every later read (a change fails the read);
    /// returns the bytes and the object's entity tag. A missing object throws `.unreadable`.
    func open(_ url: String, ifMatch: String?) throws(TriageIOError) -> (source: ByteSource, entityTag: String)

    /// The entity tag of the object at `url` now; nil when there is no such object (a missing
    /// bucket or a refusal throws).
    func entityTag(_ url: String) throws(TriageIOError) -> String?

    /// Checks before a run that objects can be written at `url` (its bucket is there and answers);
    /// throws an ``TriageIOError/Code/output`` error naming `url` otherwise.
    func checkWritable(_ url: String) throws(TriageIOError)

    /// Uploads the local file at `file` as the object `url`, whole: the object appears only once
    /// every byte is there. Throws an ``TriageIOError/Code/output`` error naming `url`.
    func upload(file: String, to url: String) throws(TriageIOError)

    /// Writes the object at `url` into the local file `file` (created or truncated); returns false,
    /// leaving `file` alone, when there is no such object.
    func download(_ url: String, to file: String) throws(TriageIOError) -> Bool

    /// The local directory where outputs are written before they are uploaded (the run's
    /// temporary directory).
    var stagingDirectory: String { get }
}
