/// Every `every`-th accepted row's practice number, taken by a worker as it reads, so that the
/// practice view's spill can be cut into ranges of practice codes holding about the same number
/// of letters (`PracticeRanges`): its rows are then made, and stored, in their table's key order.
///
/// Memory is bounded: when `capacity` samples are held, every other one is dropped and the
/// stride doubles, so every sample kept stands for `every` rows. Cost per row: a counter.
struct PracticeSample: Sendable {
    static let capacity = 1 << 15
    private(set) var values: [UInt32] = []
    /// Rows each sample stands for.
    private(set) var every = 16
    private var countdown = 16

    @inline(__always)
    mutating func note(_ practice: Int) {
        countdown &-= 1
        if countdown == 0 { take(practice) }
    }

    @inline(never)
    private mutating func take(_ practice: Int) {
        countdown = every
        if values.isEmpty { values.reserveCapacity(Self.capacity) }
        values.append(UInt32(truncatingIfNeeded: practice))
        guard values.count == Self.capacity else { return }
        var kept = 0
        for i in stride(from: 1, to: values.count, by: 2) {
            values[kept] = values[i]
            kept += 1
        }
        values.removeLast(values.count - kept)
        every *= 2
        countdown = every
    }
}
