/// A run's cell (trust × letter type × event week) as one word, the one home of its bit layout:
///
/// | bits | field |
/// | --- | --- |
/// | 63–32 | trust index (`CellRegistry`) |
/// | 31–28 | letter type (its `LetterType.bits`, at most 4) |
/// | 27–0 | week index + 2^27 |
///
/// Keys sort by trust, type, then week, and `pair` (the key without its week) names the
/// trust × letter type that whole-run figures and breakdowns are kept by.
struct CellKey: Hashable, Comparable, Sendable {
    let raw: UInt64

    private static let weekBias = 1 << 27

    @inline(__always)
    init(trust: Int, type: Int, week: Int) {
        raw = UInt64(trust) << 32 | UInt64(type) << 28 | UInt64(week + Self.weekBias)
    }

    @inline(__always)
    init(raw: UInt64) { self.raw = raw }

    var trust: Int { Int(raw >> 32) }
    var type: Int { Int(raw >> 28) & LetterType.mask }
    var week: Int { Int(raw & 0x0FFF_FFFF) - Self.weekBias }
    /// The trust × type, as `TrustTypePair`.
    var pair: TrustTypePair { TrustTypePair(trust: trust, type: type) }

    static func < (a: CellKey, b: CellKey) -> Bool { a.raw < b.raw }
}

/// A trust index and letter type in one word, ordered as their cells' keys are.
struct TrustTypePair: Hashable, Comparable, Sendable {
    let raw: Int
    /// Bits of a trust index: every trust a run can name (`CellRegistry`) numbers below 2^17.
    static let trustBits = 17
    /// Bits of a pair's word: the trust index, then the letter type.
    static let bits = trustBits + LetterType.bits

    @inline(__always)
    init(trust: Int, type: Int) { raw = trust << LetterType.bits | type }

    /// A pair from its word, as `raw` gives it.
    @inline(__always)
    init(raw: Int) { self.raw = raw }

    var trust: Int { raw >> LetterType.bits }
    var type: Int { raw & LetterType.mask }

    static func < (a: TrustTypePair, b: TrustTypePair) -> Bool { a.raw < b.raw }
}
