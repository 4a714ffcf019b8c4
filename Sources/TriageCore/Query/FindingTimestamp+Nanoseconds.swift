extension FindingTimestamp {
    /// The instant `seconds` + `nanoseconds` after 1970-01-01T00:00:00Z.
    /// - Precondition: `0 <= nanoseconds < 1_000_000_000`.
    package init(seconds: Int64, nanoseconds: Int32) {
        precondition((0..<1_000_000_000).contains(nanoseconds), "nanoseconds outside 0..<1e9")
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Nanoseconds since the epoch, the store's sort key for `UpdatedAt`: exact for the years
    /// 1678–2261, clamped to `Int64.min`/`Int64.max` outside them (such instants then tie with
    /// each other, and their ties are broken by `ProductArn` and `Id`).
    package var epochNanoseconds: Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(Int64(nanoseconds))
        return overflow2 ? .max : sum
    }
}
