import Synchronization
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// TriageIO's ``TriageIO/RemoteObjectStore`` on S3: `s3://BUCKET/KEY` inputs read with ranged
/// GETs (``S3ObjectSource``), outputs uploaded whole once written (``S3Upload``), journals
/// downloaded for `--resume`.
///
/// Errors name the URL (outputs) or are put after it by the caller (inputs: `s3://b/k: cannot
/// open: S3 answered NoSuchKey (HTTP 404): The specified key does not exist.`), with S3's code.
package final class S3ObjectStore: RemoteObjectStore {
    /// How it talks to S3.
    package let settings: S3Settings
    private let client: S3Client

    /// Resolves the credentials and sets the HTTP client up; throws (as an unreadable input's
    /// error: the first `s3://` path of a run is usually an input) when there are none.
    package init(settings: S3Settings, clock: JobClock = .system) throws(TriageIOError) {
        self.settings = settings
        do throws(S3Failure) {
            client = try S3Client(settings: settings, now: clock.wallMilliseconds)
        } catch {
            throw TriageIOError(.unreadable, "S3: \(error)")
        }
    }

    /// Closes the HTTP client (tests).
    package func shutdown() {
        client.shutdown()
    }

    package var stagingDirectory: String { settings.stagingDirectory }

    /// The location `url` names, or the error of `code` saying why it names none.
    private func location(_ url: String, output: Bool) throws(TriageIOError) -> S3Location {
        guard let location = S3Location(url) else {
            let problem = S3Location.problem(url)
            throw output ? TriageIOError(path: url, reason: problem) : TriageIOError(.unreadable, problem)
        }
        return location
    }

    private func target(_ location: S3Location) -> S3Endpoint.Target {
        client.endpoint.target(bucket: location.bucket, key: location.key)
    }

    package func open(_ url: String, ifMatch: String?) throws(TriageIOError) -> (source: ByteSource, entityTag: String)
    {
        let location = try location(url, output: false)
        do throws(S3Failure) {
            let source = try S3ObjectSource(
                client: client, target: target(location), settings: settings, ifMatch: ifMatch)
            return (source, source.entityTag)
        } catch  where error.code == "PreconditionFailed" {
            throw TriageIOError(
                .unreadable,
                "cannot open: the S3 object changed since this run first read it (ETag \(ifMatch ?? "")): \(error)")
        } catch {
            throw TriageIOError(.unreadable, "cannot open: \(error)")
        }
    }

    package func entityTag(_ url: String) throws(TriageIOError) -> String? {
        let location = try location(url, output: false)
        do throws(S3Failure) {
            let answer = try client.send(
                .GET, target(location), headers: [("Range", "bytes=0-0")], expecting: [200, 206, 416])
            if answer.status != 416 { return answer.header("ETag") }
            return try client.send(.HEAD, target(location)).header("ETag")
        } catch  where error.code == "NoSuchKey" {
            return nil
        } catch {
            throw TriageIOError(.unreadable, "\(url): \(error)")
        }
    }

    package func checkWritable(_ url: String) throws(TriageIOError) {
        let location = try location(url, output: true)
        do throws(S3Failure) {
            _ = try client.send(.HEAD, client.endpoint.target(bucket: location.bucket, key: nil))
        } catch  where error.status == 403 {
            // HeadBucket needs s3:ListBucket, which a role allowed only s3:PutObject lacks: the
            // upload itself will tell.
        } catch  where error.status == 404 {
            throw TriageIOError(
                path: url, reason: "S3 answered NoSuchBucket (HTTP 404): the bucket \(location.bucket) does not exist")
        } catch {
            throw TriageIOError(path: url, reason: "\(error)")
        }
    }

    package func upload(file: String, to url: String) throws(TriageIOError) {
        let location = try location(url, output: true)
        let descriptor = Glibc.open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TriageIOError(path: url, "cannot read the staged file \(file)", errno: errno)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw TriageIOError(path: url, "cannot read the staged file \(file)", errno: errno)
        }
        do throws(S3Failure) {
            try S3Upload(client: client, settings: settings, target: target(location))
                .send(descriptor: descriptor, size: Int64(status.st_size))
        } catch {
            throw TriageIOError(path: url, reason: "upload failed: \(error)")
        }
    }

    package func download(_ url: String, to file: String) throws(TriageIOError) -> Bool {
        let location = try location(url, output: false)
        let source: S3ObjectSource
        do throws(S3Failure) {
            source = try S3ObjectSource(client: client, target: target(location), settings: settings, ifMatch: nil)
        } catch  where error.code == "NoSuchKey" {
            return false
        } catch {
            throw TriageIOError(.unreadable, "\(url): cannot download: \(error)")
        }
        let output = try FileOutput(path: file, atomic: false)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        do throws(TriageIOError) {
            while true {
                let count = try source.read(into: buffer)
                if count == 0 { break }
                try output.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
            try output.commit()
        } catch {
            output.discard()
            throw TriageIOError(.unreadable, "\(url): cannot download to \(file): \(error.description)")
        }
        return true
    }
}
