/// `~/.aws/config` (`[default]`, `[profile NAME]`, `[sso-session NAME]`) and `~/.aws/credentials` (`[NAME]`),
/// parsed as botocore's `raw_config_parse` does: `#`/`;` comment lines, `key = value` or `key: value`, keys
/// lower-cased, indented lines continuing the value above (nested `s3 =` blocks), a missing file empty.
package struct SharedConfigFiles: Sendable, CustomStringConvertible {
    /// One profile's settings from both files.
    package struct Profile: Sendable, Equatable, CustomStringConvertible {
        /// The profile name.
        package var name: String
        /// The settings of the config file's `[profile NAME]` (or `[default]`).
        package var config: [String: String]
        /// The settings of the credentials file's `[NAME]`.
        package var credentials: [String: String]

        /// The name and the setting names; never a value (keys are secrets).
        package var description: String {
            "Profile(\(name): \((Set(config.keys).union(credentials.keys)).sorted().joined(separator: ", ")))"
        }

        /// A setting, the credentials file's first (botocore merges it over the config file's).
        package subscript(key: String) -> String? {
            let value = credentials[key] ?? config[key]
            return value?.isEmpty == true ? nil : value
        }
    }

    /// The config file's path.
    package var configPath: String
    /// The credentials file's path.
    package var credentialsPath: String
    /// The config file's profiles by name.
    package var configProfiles: [String: [String: String]]
    /// The credentials file's profiles by name.
    package var credentialProfiles: [String: [String: String]]
    /// The config file's `[sso-session NAME]` sections by name.
    package var ssoSessions: [String: [String: String]]

    /// The paths and the profile names; never a setting.
    package var description: String {
        let names = Set(configProfiles.keys).union(credentialProfiles.keys).sorted().joined(separator: ", ")
        return "SharedConfigFiles(\(configPath), \(credentialsPath); profiles: \(names))"
    }

    /// Reads both files; a missing file counts as empty.
    /// - Throws: ``SecurityHubError`` for a line that is not a section, a setting or a comment.
    package static func load(configPath: String, credentialsPath: String) throws(SecurityHubError) -> SharedConfigFiles
    {
        let config = try sections(CredentialFile.readIfPresent(configPath) ?? "", path: configPath)
        let credentials = try sections(CredentialFile.readIfPresent(credentialsPath) ?? "", path: credentialsPath)
        var profiles: [String: [String: String]] = [:]
        var sessions: [String: [String: String]] = [:]
        for (section, settings) in config {
            if section == "default" {
                continue
            } else if let name = section.droppingPrefix("profile ") {
                profiles[name] = settings
            } else if let name = section.droppingPrefix("sso-session ") {
                sessions[name] = settings
            }
        }
        if let plain = config["default"] {  // [profile default] wins over [default], setting by setting
            profiles["default"] = plain.merging(profiles["default"] ?? [:]) { _, named in named }
        }
        return SharedConfigFiles(
            configPath: configPath, credentialsPath: credentialsPath, configProfiles: profiles,
            credentialProfiles: credentials, ssoSessions: sessions)
    }

    /// The profile `name`, or `nil` when it is in neither file.
    package func profile(_ name: String) -> Profile? {
        let config = configProfiles[name]
        let credentials = credentialProfiles[name]
        guard config != nil || credentials != nil else { return nil }
        return Profile(name: name, config: config ?? [:], credentials: credentials ?? [:])
    }

    /// The sections of an INI text by name (trimmed); a repeated section adds to the first.
    package static func sections(_ text: String, path: String) throws(SecurityHubError) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        var section: String?
        var lastKey: String?
        var keyIndent = 0
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = String(line).trimmingWhitespace
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if indent > keyIndent, section != nil, let key = lastKey {
                // Indented deeper than its key (configparser's rule): part of the value above; nested settings
                // (`s3 =` blocks) stay raw text.
                let previous = result[section!]?[key] ?? ""
                result[section!]?[key] = previous.isEmpty ? trimmed : previous + "\n" + trimmed
                continue
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else {
                    throw SecurityHubError(
                        .invalidConfiguration, "\(path) line \(index + 1): a section header without ]")
                }
                let name = String(trimmed.dropFirst().dropLast()).trimmingWhitespace
                section = name
                lastKey = nil
                keyIndent = indent
                if result[name] == nil { result[name] = [:] }
                continue
            }
            guard let current = section else {
                throw SecurityHubError(
                    .invalidConfiguration, "\(path) line \(index + 1): a setting before any [section]")
            }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw SecurityHubError(
                    .invalidConfiguration, "\(path) line \(index + 1): neither a [section] nor key = value")
            }
            let key = String(trimmed[..<separator]).trimmingWhitespace.lowercased()
            let value = String(trimmed[trimmed.index(after: separator)...]).trimmingWhitespace
            result[current]?[key] = value
            lastKey = key
            keyIndent = indent
        }
        return result
    }
}
