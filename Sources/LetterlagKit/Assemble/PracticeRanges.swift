/// The practice view's spill partitions: ranges of practice numbers, in order, each holding
/// about `lettersPerPartition` of the run's letters by the workers' `PracticeSample`s (more
/// where `maxPartitions` would not do). Ranges in
/// order let the practice rows be made, and inserted, in the table's key order (practice
/// first), which SQLite appends; rows inserted at random pages cost several times more.
///
/// A practice never spans two ranges; one with more letters than the target has a range of its
/// own. Finding a practice's range costs a table look-up and, seldom, a step or two.
struct PracticeRanges: Sendable {
    /// Letters a partition is cut to hold, by the sample: 1.3 MiB of spilled practice records.
    static let lettersPerPartition = 1 << 16
    /// At most this many partitions, so that each assembling thread's open spill blocks (4 KiB
    /// each) stay within 4 MiB.
    static let maxPartitions = 1_024
    /// Practice numbers per entry of the look-up table: 10,157 entries of 2 bytes.
    private static let tableShift = 8

    /// The first practice number past each partition but the last, ascending.
    let upperBounds: [Int]
    /// By practice number >> `tableShift`, the partition of that block's lowest number.
    private let firstPartition: [UInt16]

    var count: Int { upperBounds.count + 1 }

    /// Ranges cut from the samples, each standing for its `every` rows. A range ends once the
    /// ranges so far hold their shares, and before and after a practice busier than a share, so
    /// that it has a range of its own and no code the sample missed joins it: at most one cut a
    /// share, and one more for each busy practice, which `maxPartitions` holds twice over.
    init(samples: [(values: [UInt32], every: Int)]) {
        var weighted: [(practice: Int, weight: Int)] = []
        for s in samples { weighted += s.values.map { (Int($0), s.every) } }
        weighted.sort { $0.practice < $1.practice }
        let total = weighted.reduce(0) { $0 + $1.weight }
        let share = max(Self.lettersPerPartition, (total + Self.maxPartitions / 2 - 1) / (Self.maxPartitions / 2))
        var bounds: [Int] = []
        var held = 0, seen = 0, due = share
        var i = 0
        func cut(at practice: Int) {
            guard bounds.count + 1 < Self.maxPartitions, bounds.last.map({ $0 < practice }) ?? (practice > 0) else { return }
            bounds.append(practice)
            held = 0
        }
        while i < weighted.count {
            let practice = weighted[i].practice
            var weight = 0
            while i < weighted.count && weighted[i].practice == practice {
                weight += weighted[i].weight
                i += 1
            }
            if weight >= share && held > 0 { cut(at: practice) }
            held += weight
            seen += weight
            if i < weighted.count && (weight >= share || seen >= due) {
                cut(at: practice + 1)
                while due <= seen { due += share }
            }
        }
        self.init(upperBounds: bounds)
    }

    init(upperBounds: [Int]) {
        self.upperBounds = upperBounds
        let blocks = (CodeShape.practiceNumbers >> Self.tableShift) + 1
        var table = [UInt16](repeating: 0, count: blocks)
        var p = 0
        for b in 0..<blocks {
            let lowest = b << Self.tableShift
            while p < upperBounds.count && upperBounds[p] <= lowest { p += 1 }
            table[b] = UInt16(p)
        }
        firstPartition = table
    }

    /// The partition of a practice number.
    @inline(__always)
    func partition(of practice: Int) -> Int {
        var p = Int(firstPartition[practice >> Self.tableShift])
        while p < upperBounds.count && upperBounds[p] <= practice { p += 1 }
        return p
    }
}
