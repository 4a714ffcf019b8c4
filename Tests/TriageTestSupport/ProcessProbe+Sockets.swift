import Foundation

/// What a test waits on when the event is a server reading what a client sent: the kernel's table
/// of TCP sockets (`/proc/net/tcp`, `/proc/net/tcp6`), which counts for each connection the bytes
/// received and not read yet by the process that holds it.
extension ProcessProbe {
    /// The bytes that arrived on the connections accepted on `port` of this machine (the server's
    /// ends: local port `port`, any state but listening) and that the server has not read yet;
    /// nil when no such connection is open. A client's `send(2)` on loopback has put its bytes in
    /// that count by the time it returns, so 0 after a send means the server has read them.
    package static func unreadBytesReceived(onPort port: Int) -> Int? {
        var total: Int?
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: the kernel writes these tables a page at a time, and a read that trusts the
            // file's size (0 in /proc) may stop after the first page.
            let text = String(
                decoding: FileHandle(forReadingAtPath: table)?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
            // A row: `sl local_address rem_address st tx_queue:rx_queue ...`, addresses as HEX:PORT
            // in hexadecimal; the first line names the columns.
            for row in text.split(separator: "\n").dropFirst() {
                let columns = row.split(separator: " ")
                guard columns.count > 4, let local = columns[1].split(separator: ":").last,
                    Int(local, radix: 16) == port, columns[3] != "0A",
                    let queued = columns[4].split(separator: ":").last, let unread = Int(queued, radix: 16)
                else { continue }
                total = (total ?? 0) + unread
            }
        }
        return total
    }

    /// Whether the server `pid`, listening on `port`, has read everything sent to it and acted on
    /// it: no unread byte on its connections (at least one open), and nothing left to do but wait
    /// (``isIdle(_:over:)``), so a request head read is also one the server has started on.
    package static func hasReadEverythingSent(server pid: Int32, port: Int) -> Bool {
        unreadBytesReceived(onPort: port) == 0 && isIdle(pid, over: 0.05)
    }
}
