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

    /// `open(2)` of the path given by its bytes (not necessarily UTF-8), like the String form;
    /// a path holding a NUL byte cannot be named to the OS: -1 with `errno` = `EINVAL`.
    static func openForReading(_ path: [UInt8]) -> Int32 {
        guard !path.contains(0) else {
            errno = EINVAL
            return -1
        }
        let terminated = path + [0]
        var descriptor: Int32
        repeat {
            descriptor = terminated.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY | O_CLOEXEC) }
            }
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
