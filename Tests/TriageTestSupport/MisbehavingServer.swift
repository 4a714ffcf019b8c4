import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers as a test scripts it, including the ways a
/// real server or a hostile one may misbehave: a body trickled a byte at a time, an answer far
/// larger than any real one, a `200` that contradicts itself. `triage serve` is too well behaved
/// for these, and a client library would refuse to send some of them, so this one writes its
/// answers byte for byte on raw sockets (a thread per connection: the tests open a handful).
///
/// It reads each request whole (head and `Content-Length` body), records it, and answers with
/// what `behaviour` returns for it; it never checks a signature (the client under test signs with
/// any key). Keep-alive: a connection serves requests until the client closes it, or until an
/// answer that ends with the connection (a trickle or a stream cut short). Call ``stop()`` when
/// done: its threads hold it until then.
package final class MisbehavingServer: Sendable {
    /// One request as read off the wire.
    package struct Request: Sendable {
        /// `PATCH`, `GET`, ...
        package var method: String
        /// The request target.
        package var path: String
        /// Header names lower-cased; a repeated header keeps its last value.
        package var headers: [String: String]
        /// The `Content-Length` bytes of the body.
        package var body: [UInt8]

        /// The `FindingIdentifiers` of a `BatchUpdateFindings` body, as (Id, ProductArn) pairs in
        /// request order; empty when the body is not one.
        package var findingIdentifiers: [(id: String, productArn: String)] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                let list = object["FindingIdentifiers"] as? [[String: Any]]
            else { return [] }
            return list.compactMap { entry in
                guard let id = entry["Id"] as? String, let productArn = entry["ProductArn"] as? String else {
                    return nil
                }
                return (id, productArn)
            }
        }
    }

    /// How to answer one request.
    package enum Answer: Sendable {
        /// `status` with `headers` (besides `Content-Length`, always set) and `body`, at once.
        case fixed(status: Int, headers: [(String, String)], body: [UInt8])
        /// `200` with its head at once, then a body of `bytes` spaces one byte every `interval`
        /// seconds: with `Content-Length` set, or with `chunked` encoding in chunks of one byte.
        /// Goes on until the client closes the connection or the server stops.
        case trickle(bytes: Int, chunked: Bool, interval: Double)
        /// `200` with `Content-Length: bytes`, then that many spaces as fast as the client reads.
        case stream(bytes: Int)

        /// `status` with a JSON body.
        package static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> Answer {
            .fixed(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
        }
    }

    /// The port it listens on.
    package let port: Int
    private let listener: Int32
    private let state: Mutex<State>

    private struct State {
        var behaviour: @Sendable (Request, Int) -> Answer
        var requests: [Request] = []
        /// Body bytes of `.trickle` answers sent so far, over all connections.
        var trickled = 0
        var connections: Set<Int32> = []
        var stopped = false
    }

    /// Listens on 127.0.0.1, on a port of the system's choosing; answers the n-th request (from
    /// 0, in arrival order over all connections) with `behaviour(request, n)`.
    package init(_ behaviour: @escaping @Sendable (Request, Int) -> Answer) throws {
        state = Mutex(State(behaviour: behaviour))
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && listen(descriptor, 128) == 0
                    && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard listening else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let accepting = Thread { [self] in acceptLoop() }
        accepting.start()
    }

    /// Answers the requests from now on with `behaviour` (a server that recovers, for the
    /// `--resume` after a fault: the journal names this endpoint, so it has to be this server).
    package func answer(with behaviour: @escaping @Sendable (Request, Int) -> Answer) {
        state.withLock { $0.behaviour = behaviour }
    }

    /// Every request read so far, in arrival order.
    package func requests() -> [Request] {
        state.withLock { $0.requests }
    }

    /// Body bytes of trickled answers sent so far (a test waits for a trickle to be under way).
    package func trickledBytes() -> Int {
        state.withLock { $0.trickled }
    }

    /// Stops listening and closes every connection (a trickle in progress ends). Idempotent.
    package func stop() {
        let open: Set<Int32>? = state.withLock { state in
            if state.stopped { return nil }
            state.stopped = true
            return state.connections
        }
        guard let open else { return }
        // shutdown() wakes the threads blocked in accept() or recv(); each closes its own socket.
        shutdown(listener, Int32(SHUT_RDWR))
        for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        defer { close(listener) }
        while !isStopped {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let admitted = state.withLock { state in
                if state.stopped { return false }
                state.connections.insert(connection)
                return true
            }
            guard admitted else {
                close(connection)
                return
            }
            var noDelay: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            let serving = Thread { [self] in serve(connection) }
            serving.start()
        }
    }

    /// Serves one connection until either side ends it.
    private func serve(_ connection: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        var pending: [UInt8] = []
        while !isStopped {
            guard let request = Self.readRequest(connection, pending: &pending) else { return }
            let (behaviour, sequence) = state.withLock { state in
                state.requests.append(request)
                return (state.behaviour, state.requests.count - 1)
            }
            guard answer(behaviour(request, sequence), on: connection) else { return }
        }
    }

    /// Writes `answer`; false when the connection is over (the client left, or the answer ends it).
    private func answer(_ answer: Answer, on connection: Int32) -> Bool {
        switch answer {
        case .fixed(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "Content-Length: \(body.count)\r\n\r\n"
            return Self.send(connection, Array(head.utf8) + body)
        case .trickle(let bytes, let chunked, let interval):
            let framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: \(bytes)"
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\(framing)\r\n\r\n"
            guard Self.send(connection, Array(head.utf8)) else { return false }
            let piece = Array((chunked ? "1\r\n \r\n" : " ").utf8)
            for _ in 0..<bytes {
                usleep(UInt32(interval * 1_000_000))
                if isStopped || !Self.send(connection, piece) { return false }
                state.withLock { $0.trickled += 1 }
            }
            return chunked ? Self.send(connection, Array("0\r\n\r\n".utf8)) : true
        case .stream(let bytes):
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(bytes)\r\n\r\n"
            guard Self.send(connection, Array(head.utf8)) else { return false }
            let block = [UInt8](repeating: 0x20, count: 1 << 20)
            var left = bytes
            while left > 0 {
                let count = min(left, block.count)
                if isStopped || !Self.send(connection, Array(block[0..<count])) { return false }
                left -= count
            }
            return true
        }
    }

    /// Writes all of `bytes`; false when the peer is gone.
    private static func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0, errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Reads one request (head, then `Content-Length` bytes of body); nil when the connection
    /// closed first. Bytes past it stay in `pending` for the next.
    private static func readRequest(_ connection: Int32, pending: inout [UInt8]) -> Request? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headEnd: Int?
        var request: Request?
        var bodyLength = 0
        while true {
            if headEnd == nil, let end = Self.headEnd(pending) {
                headEnd = end
                let lines = String(decoding: pending[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
                let start = lines[0].split(separator: " ")
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                        in: .whitespaces)
                }
                bodyLength = Int(headers["content-length"] ?? "0") ?? 0
                request = Request(
                    method: start.first.map(String.init) ?? "", path: start.count > 1 ? String(start[1]) : "",
                    headers: headers, body: [])
            }
            if let end = headEnd, var whole = request, pending.count >= end + 4 + bodyLength {
                whole.body = Array(pending[(end + 4)..<(end + 4 + bodyLength)])
                pending.removeFirst(end + 4 + bodyLength)
                return whole
            }
            let count = recv(connection, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return nil }
            pending += buffer[0..<count]
        }
    }

    /// Where the head's blank line starts, if it has arrived.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
