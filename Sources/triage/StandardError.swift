#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error (file descriptor 2, unbuffered).
enum StandardError {
    static func print(_ line: String) {
        var text = line
        if !text.hasSuffix("\n") { text += "\n" }
        text.withCString { pointer in _ = write(2, pointer, strlen(pointer)) }
    }
}
