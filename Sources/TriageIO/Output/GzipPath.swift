/// Which output paths are written gzip-compressed: a report or journal whose name ends in `.gz`
/// (any case), never standard output.
package enum GzipPath {
    /// Whether `path` names a gzip file.
    package static func names(_ path: String) -> Bool {
        path != "-" && path.lowercased().hasSuffix(".gz")
    }
}
