import Foundation

/// The bridge between GRDB's `Data` blobs and the byte buffers the findings code works on.
enum StoreBytes {
    /// Calls `body` with the bytes of `data` (an empty buffer for `nil`), without copying.
    @inline(__always)
    static func withBytes<T>(_ data: Data?, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        guard let data else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try data.withUnsafeBytes(body)
    }

    /// `bytes` as a blob value.
    @inline(__always)
    static func data(_ bytes: [UInt8]) -> Data { Data(bytes) }
}
