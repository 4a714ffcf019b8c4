/// A seeded random number generator (SplitMix64, Steele, Lea and Flood 2014): the same seed gives
/// the same sequence on every platform, so seeded fault injection and random tests repeat exactly.
/// Not for secrets.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The state; the seed to begin with.
    package var state: UInt64

    /// Starts from `seed`.
    package init(state seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next number in `0..<1`, uniformly from the top 53 bits of ``next()`` (one draw).
    package mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
