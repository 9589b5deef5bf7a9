import CByteScan

/// Finds the commas, line feeds and quotes of a chunk from one bit mask per 64 bytes, so a field
/// costs a shift and a bit count rather than a walk over its bytes.
///
/// Positions asked for must not go backwards; bytes past the chunk are never read.
struct SpecialByteScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    private var blockStart = -64
    private var mask: UInt64 = 0

    init(_ base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    /// The index of the first comma, line feed or quote at or after `position`, or `count`.
    /// Positions are within a chunk, far from `Int`'s limits, so the arithmetic here wraps
    /// rather than checks.
    @inline(__always)
    mutating func next(from position: Int) -> Int {
        var start = position & ~63
        if start != blockStart { load(start) }
        var m = mask & (~0 &<< UInt64(truncatingIfNeeded: position & 63))
        while m == 0 {
            start &+= 64
            if start >= count { return count }
            load(start)
            m = mask
        }
        return start &+ m.trailingZeroBitCount
    }

    @inline(__always)
    private mutating func load(_ start: Int) {
        blockStart = start
        mask = PaddedBlock.with(base, from: start, to: count) { letterlag_csv_specials64($0) }
    }
}
