/// One `NumberFilter {Gte, Lte, Eq, Gt, Lt}`: every bound given must hold (a range), at least one
/// is given. Values compare as `Double`s; a finding value that is not a JSON number (`"50"`)
/// counts as missing.
package struct NumberFilter: Sendable, Hashable {
    /// `Gte`: value ≥ bound.
    package var gte: Double?
    /// `Lte`: value ≤ bound.
    package var lte: Double?
    /// `Eq`: value = bound.
    package var eq: Double?
    /// `Gt`: value > bound.
    package var gt: Double?
    /// `Lt`: value < bound.
    package var lt: Double?

    /// A filter with the given bounds.
    package init(gte: Double? = nil, lte: Double? = nil, eq: Double? = nil, gt: Double? = nil, lt: Double? = nil) {
        self.gte = gte
        self.lte = lte
        self.eq = eq
        self.gt = gt
        self.lt = lt
    }

    /// Whether `value` satisfies every bound.
    func holds(for value: Double) -> Bool {
        if let gte, !(value >= gte) { return false }
        if let lte, !(value <= lte) { return false }
        if let eq, value != eq { return false }
        if let gt, !(value > gt) { return false }
        if let lt, !(value < lt) { return false }
        return true
    }
}
