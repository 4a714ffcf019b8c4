import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 answer as read off the wire.
package struct HTTPAnswer: Sendable {
    /// The status code.
    package var status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    package var headers: [String: String]
    /// The body (`Content-Length` bytes).
    package var body: [UInt8]

    /// The body as UTF-8 text.
    package var text: String { String(decoding: body, as: UTF8.self) }
}

/// A plain TCP connection to 127.0.0.1 speaking HTTP/1.1 byte for byte what the caller writes (no
/// client library adds or fixes headers): for route tests and the load generator (keep-alive).
package final class HTTPConnection {
    private let descriptor: Int32
    private var pending: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; reads time out after `timeoutSeconds`.
    package init(port: Int, timeoutSeconds: Int = 30) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    /// Writes `bytes`; false when the peer stopped reading (it may have answered already, e.g. 413).
    @discardableResult
    package func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Reads one whole answer; nil when the connection closed (or timed out) before one arrived.
    package func readAnswer() -> HTTPAnswer? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let (answer, used) = Self.parse(pending) {
                pending.removeFirst(used)
                return answer
            }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            pending += buffer[0..<count]
        }
    }

    /// Waits up to `seconds` for the peer to close the connection (end of stream or reset): true once it
    /// has, false if it is still open then. Bytes that arrive meanwhile are kept for ``readAnswer()``.
    package func waitForClose(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = max(0, deadline.timeIntervalSinceNow)
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(min(left, 1) * 1000))
            if ready > 0 {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count == 0 { return true }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                    return true
                }
                pending += buffer[0..<count]
            } else if ready < 0, errno != EINTR {
                return true
            } else if left == 0 {
                return false
            }
        }
    }

    /// The first whole answer in `bytes` and how many bytes it took.
    private static func parse(_ bytes: [UInt8]) -> (HTTPAnswer, Int)? {
        guard bytes.count >= 4 else { return nil }
        var end: Int?
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            end = index
            break
        }
        guard let end else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        return (
            HTTPAnswer(status: status, headers: headers, body: Array(bytes[(end + 4)..<(end + 4 + length)])),
            end + 4 + length
        )
    }
}
