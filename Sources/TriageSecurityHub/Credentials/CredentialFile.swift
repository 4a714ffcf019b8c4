import Foundation

/// Reading the small files the sources use (shared config, token files, the SSO cache).
package enum CredentialFile {
    /// The UTF-8 text of `path`.
    /// - Throws: ``SecurityHubError`` naming `what` and the path (never the content).
    package static func read(_ path: String, what: String) throws(SecurityHubError) -> String {
        guard let text = readIfPresent(path) else {
            throw SecurityHubError(.invalidConfiguration, "\(what) \(path) cannot be read")
        }
        return text
    }

    /// The UTF-8 text of `path`, or `nil` when it cannot be read (missing, a directory, no permission).
    package static func readIfPresent(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether something exists at `path`.
    package static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }
}
