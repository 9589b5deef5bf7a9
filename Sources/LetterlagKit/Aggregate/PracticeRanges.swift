/// The practice view's spill partitions: ranges of practice numbers, in order, each holding at
/// most `lettersPerPartition` of the run's letters by the workers' `PracticeSample`s (more when
/// `maxPartitions` would not do). Ranges in
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

    /// Ranges cut from the samples, each standing for its `every` rows: a range ends before the
    /// practice that would take it past its share, so only a practice busier than a share alone
    /// has more, in a range of its own.
    init(samples: [(values: [UInt32], every: Int)]) {
        var weighted: [(practice: Int, weight: Int)] = []
        for s in samples { weighted += s.values.map { (Int($0), s.every) } }
        weighted.sort { $0.practice < $1.practice }
        let total = weighted.reduce(0) { $0 + $1.weight }
        let share = max(Self.lettersPerPartition, (total + Self.maxPartitions - 1) / Self.maxPartitions)
        var bounds: [Int] = []
        var held = 0
        var i = 0
        while i < weighted.count {
            let practice = weighted[i].practice
            var weight = 0
            while i < weighted.count && weighted[i].practice == practice {
                weight += weighted[i].weight
                i += 1
            }
            if held > 0 && held + weight > share && bounds.count + 1 < Self.maxPartitions {
                bounds.append(practice)
                held = 0
            }
            held += weight
            // A range past its share ends with this practice, so that no unseen code after it joins.
            if held > share && i < weighted.count && bounds.count + 1 < Self.maxPartitions {
                bounds.append(practice + 1)
                held = 0
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
