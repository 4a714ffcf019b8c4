#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension InputPath {
    /// The process's arguments after the program name, as the operating system passed them.
    package static func processArgumentBytes() -> [[UInt8]] {
        (1..<Int(CommandLine.argc)).compactMap { index in
            CommandLine.unsafeArgv[index].map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) }
        }
    }

    /// The paths that `arguments` name, where each argument is a String made from the bytes of a
    /// command-line argument with ill-formed UTF-8 replaced by U+FFFD (as `CommandLine.arguments`
    /// and ArgumentParser make them), and `argumentBytes` are the raw command-line arguments.
    ///
    /// An argument without U+FFFD is its own UTF-8 (the replacement is the only lossy step). One
    /// with U+FFFD is mapped back to the raw argument that reads as it; when raw arguments with
    /// different bytes read alike (`a\xFE`, `a\xFF`), they are matched in command-line order, which
    /// is sound only when every one of them is an input: otherwise (one is an option's value) the
    /// argument is ambiguous (``TriageIOError/Code/ambiguousArgument(candidates:)``). Text found in
    /// no raw argument is taken as its UTF-8.
    package static func resolving(
        _ arguments: [String], argumentBytes: [[UInt8]]
    ) -> Result<[InputPath], TriageIOError> {
        var paths: [InputPath] = []
        var taken: [[UInt8]: Int] = [:]
        for argument in arguments {
            let text = Array(argument.utf8)
            guard argument.unicodeScalars.contains("\u{FFFD}") else {
                paths.append(InputPath(bytes: text))
                continue
            }
            let readAlike = argumentBytes.filter { Array(String(decoding: $0, as: UTF8.self).utf8) == text }
            guard let first = readAlike.first else {
                paths.append(InputPath(bytes: text))
                continue
            }
            if readAlike.allSatisfy({ $0 == first }) {
                paths.append(InputPath(bytes: first))
                continue
            }
            let naming = arguments.count(where: { Array($0.utf8) == text })
            guard naming == readAlike.count else {
                return .failure(ambiguous(argument, candidates: readAlike))
            }
            let index = taken[text, default: 0]
            taken[text] = index + 1
            paths.append(InputPath(bytes: readAlike[index]))
        }
        return .success(paths)
    }

    /// The error for `argument` (as the program received it, ill-formed bytes as U+FFFD), which
    /// the arguments `candidates` read as: a usage error naming them all.
    private static func ambiguous(_ argument: String, candidates: [[UInt8]]) -> TriageIOError {
        let names = candidates.map { InputPath(bytes: $0).displayName }.joined(separator: ", ")
        return TriageIOError(
            .ambiguousArgument(candidates: candidates),
            "cannot tell which of the arguments \(names) is the input \(InputPath(argument).displayName): "
                + "their names are not UTF-8 and read alike; rename the file or give it on standard input")
    }
}
