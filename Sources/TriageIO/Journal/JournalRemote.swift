import TriageCore

/// The `remote` member of a journal's `end` entry: what a remote target counted (``RemoteStatistics``),
/// so that `triage report` renders the summary's `retries`, `throttled`, `regions` and `accounts`
/// as the run did, and adds them up over the shards of a run.
///
/// `{"retries": R, "throttled": T, "endpoint": "...", "regions": {"NAME": [requests, throttled,
/// findings, retries], ...}, "accounts": {...}}`.
package enum JournalRemote {
    /// Appends the member's value.
    package static func append(_ remote: RemoteStatistics, to json: inout [UInt8]) {
        json.append(contentsOf: #"{"retries":\#(remote.retries),"throttled":\#(remote.throttled),"endpoint":"#.utf8)
        JSONText.appendString(remote.endpoint, to: &json)
        for (key, figures) in [("regions", remote.regions), ("accounts", remote.accounts)] {
            json.append(contentsOf: ",\"\(key)\":{".utf8)
            for (index, name) in figures.keys.sorted().enumerated() {
                let lane = figures[name]!
                if index > 0 { json.append(UInt8(ascii: ",")) }
                JSONText.appendString(name, to: &json)
                json.append(contentsOf: ":[\(lane.requests),\(lane.throttled),\(lane.findings),\(lane.retries)]".utf8)
            }
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "}"))
    }

    /// The statistics a `remote` member holds; nil when it is not of that shape.
    package static func statistics(_ value: JSONValue) -> RemoteStatistics? {
        guard case .object(let members) = value else { return nil }
        func member(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        guard case .number(let retries)? = member("retries"), let retriesValue = retries.intValue,
            case .number(let throttled)? = member("throttled"), let throttledValue = throttled.intValue
        else { return nil }
        var remote = RemoteStatistics()
        remote.retries = retriesValue
        remote.throttled = throttledValue
        if case .string(let endpoint)? = member("endpoint") { remote.endpoint = endpoint }
        for key in ["regions", "accounts"] {
            guard let value = member(key) else { continue }
            guard case .object(let lanes) = value else { return nil }
            var figures: [String: RemoteStatistics.Region] = [:]
            for lane in lanes {
                guard case .array(let numbers) = lane.value, numbers.count == 4 else { return nil }
                let values = numbers.compactMap { value -> Int? in
                    if case .number(let number) = value { number.intValue } else { nil }
                }
                guard values.count == 4 else { return nil }
                figures[lane.key] = .init(
                    requests: values[0], throttled: values[1], findings: values[2], retries: values[3])
            }
            if key == "regions" { remote.regions = figures } else { remote.accounts = figures }
        }
        return remote
    }
}
