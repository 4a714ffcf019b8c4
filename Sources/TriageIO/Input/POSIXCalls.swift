#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin wrappers so types with their own `read`/`open` methods can reach the C calls.
enum POSIXCalls {
    /// `open(2)` read-only and close-on-exec, retried on `EINTR`; the descriptor or -1 with `errno` set.
    static func openForReading(_ path: String) -> Int32 {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        return descriptor
    }

    /// `read(2)`; the count or -1 with `errno` set.
    static func read(_ descriptor: Int32, _ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(descriptor, base, count)
        #else
            Darwin.read(descriptor, base, count)
        #endif
    }

    /// The operating system's one-line text for an `errno` value ("No such file or directory").
    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
