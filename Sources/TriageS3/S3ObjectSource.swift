import AsyncHTTPClient
import NIOCore
import TriageIO

/// An S3 object's bytes, read with ranged GETs (`Range: bytes=A-B`, ``S3Settings/rangeBytes``
/// each), every one with `If-Match` on the entity tag of the first answer: an object replaced
/// while it is read fails the read (`PreconditionFailed`) instead of mixing two versions.
///
/// Read-ahead: once a range is in hand, the next ``S3Settings/readAhead`` ranges are requested
/// while it is read, so the reader seldom waits and memory stays bounded (the range being read
/// plus those on the way: 24 MiB with the defaults, whatever the object's size). A range that
/// fails with no answer or a 5xx is asked for again (``S3Client/send(_:_:query:headers:body:expecting:)``).
/// One reader, not thread-safe (a ``TriageIO/ByteSource``).
final class S3ObjectSource: ByteSource {
    /// The object's entity tag (with its quotes, as S3 gives it).
    let entityTag: String
    /// The object's size in bytes.
    let size: Int64
    private let client: S3Client
    private let target: S3Endpoint.Target
    private let rangeBytes: Int64
    private let readAhead: Int
    /// The range being read, and how far.
    private var current: [UInt8]
    private var offset = 0
    /// The first byte of the next range to request.
    private var nextStart: Int64
    /// Requests sent ahead, in order: the first byte of each and its answer to come.
    private var pending: [(start: Int64, answer: EventLoopFuture<HTTPClient.Response>?)] = []
    /// Sticky: thrown by every later read.
    private var failure: TriageIOError?

    /// Opens the object with its first range (`ifMatch`: the entity tag it must still have).
    /// Throws S3's answer: `NoSuchKey`, `NoSuchBucket`, `AccessDenied`, `PreconditionFailed`.
    init(client: S3Client, target: S3Endpoint.Target, settings: S3Settings, ifMatch: String?) throws(S3Failure) {
        self.client = client
        self.target = target
        rangeBytes = Int64(max(1, settings.rangeBytes))
        readAhead = max(0, settings.readAhead)
        var headers = [("Range", "bytes=0-\(rangeBytes - 1)")]
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        let first = try client.send(.GET, target, headers: headers, expecting: [200, 206, 416])
        if first.status == 416 {
            // A range of an empty object is not satisfiable: the object is there, with no bytes.
            let head = try client.send(.HEAD, target, headers: ifMatch.map { [("If-Match", $0)] } ?? [])
            entityTag = head.header("ETag") ?? ""
            size = 0
            current = []
        } else {
            entityTag = first.header("ETag") ?? ""
            size = first.status == 200 ? Int64(first.body.count) : Self.totalSize(first) ?? Int64(first.body.count)
            current = first.body
        }
        nextStart = Int64(current.count)
    }

    /// The object's size from `Content-Range: bytes A-B/SIZE`.
    private static func totalSize(_ response: S3Client.Response) -> Int64? {
        guard let range = response.header("Content-Range"), let slash = range.lastIndex(of: "/") else { return nil }
        return Int64(range[range.index(after: slash)...])
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        if let failure { throw failure }
        guard buffer.count > 0 else { return 0 }
        while offset == current.count {
            do throws(S3Failure) {
                guard try advance() else { return 0 }
            } catch {
                let failure = TriageIOError(.readFailed, Self.readFailure(error))
                self.failure = failure
                throw failure
            }
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
        }
        offset += count
        return count
    }

    /// What a failed range read says.
    private static func readFailure(_ error: S3Failure) -> String {
        if error.code == "PreconditionFailed" {
            return "the S3 object changed while it was read (its ETag is not the one it had when opened): \(error)"
        }
        return "reading the S3 object failed: \(error)"
    }

    /// Moves to the next range (false at the object's end), keeping `readAhead` ranges requested.
    private func advance() throws(S3Failure) -> Bool {
        requestAhead()
        guard !pending.isEmpty else { return false }
        let (start, answer) = pending.removeFirst()
        let end = min(size, start + rangeBytes) - 1
        let headers = [("Range", "bytes=\(start)-\(end)"), ("If-Match", entityTag)]
        var response: S3Client.Response?
        if let answer {
            do throws(S3Failure) {
                response = try S3Client.check(S3Client.wait(answer), expecting: [206])
            } catch  where error.isRetryable {
                response = nil  // the request sent ahead is sent again below (with retries), waiting
            }
        }
        let body: S3Client.Response
        if let response {
            body = response
        } else {
            body = try client.send(.GET, target, headers: headers, expecting: [206])
        }
        guard Int64(body.body.count) == end - start + 1 else {
            throw S3Failure(detail: "S3 answered \(body.body.count) bytes for a range of \(end - start + 1)")
        }
        current = body.body
        offset = 0
        requestAhead()
        return true
    }

    /// Sends requests for the ranges after those pending, up to `readAhead` of them.
    private func requestAhead() {
        while nextStart < size && pending.count < max(1, readAhead) {
            let start = nextStart
            let end = min(size, start + rangeBytes) - 1
            let answer =
                readAhead > 0
                ? try? client.start(
                    .GET, target, headers: [("Range", "bytes=\(start)-\(end)"), ("If-Match", entityTag)])
                : nil
            pending.append((start, answer))
            nextStart = end + 1
        }
    }
}
