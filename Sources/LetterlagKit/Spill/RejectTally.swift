/// Counts of rows set aside, by reason and by file, with the first few places of each reason.
///
/// Only positions are kept, never a row's content, which may hold patient data. Adding a row is
/// a few array stores, since a run can set aside every other row (an extract sent twice).
public struct RejectTally: Sendable {
    public static let examplesPerReason = 20
    static let reasons = RejectReason.allCases.count

    /// Where a rejected row starts: the chunk it was in and its line within that chunk.
    public struct Place: Sendable, Comparable {
        public var chunk: Int
        public var line: Int
        public static func < (a: Place, b: Place) -> Bool { (a.chunk, a.line) < (b.chunk, b.line) }
        /// Later than any real place.
        static let never = Place(chunk: .max, line: .max)
    }

    public private(set) var counts = [Int](repeating: 0, count: reasons)
    /// Per reason, the earliest places seen, in no order.
    private var earliest = [[Place]](repeating: [], count: reasons)
    /// Per reason, which of its examples is the latest: the one a new, earlier place replaces.
    private var latestExample = [Int](repeating: 0, count: reasons)
    /// By file index (a chunk id's high 32 bits) × reason: counts, and the earliest place.
    private var fileCounts: [Int] = []
    private var fileFirst: [Place] = []

    public init() {}

    public var total: Int { counts.reduce(0, +) }

    /// Per reason, its first `examplesPerReason` places in file order.
    public var examples: [[Place]] { earliest.map { $0.sorted() } }

    /// Counts a row; its place is kept if it is among the earliest `examplesPerReason`, whatever
    /// order rows arrive in (workers take chunks of several files, and repeats resolve in any order).
    @inline(__always)
    public mutating func add(_ reason: RejectReason, at place: Place) {
        let r = reason.rawValue
        counts[r] += 1
        if earliest[r].count < Self.examplesPerReason {
            earliest[r].append(place)
            if earliest[r].count == Self.examplesPerReason { findLatest(r) }
        } else if place < earliest[r][latestExample[r]] {
            earliest[r][latestExample[r]] = place
            findLatest(r)
        }
        let slot = ChunkID.file(place.chunk) * Self.reasons + r
        if slot >= fileCounts.count { grow(to: slot) }
        fileCounts[slot] += 1
        if place < fileFirst[slot] { fileFirst[slot] = place }
    }

    @inline(never)
    private mutating func findLatest(_ r: Int) {
        latestExample[r] = earliest[r].indices.max { earliest[r][$0] < earliest[r][$1] } ?? 0
    }

    @inline(never)
    private mutating func grow(to slot: Int) {
        let size = (slot / Self.reasons + 1) * Self.reasons
        fileCounts.append(contentsOf: repeatElement(0, count: size - fileCounts.count))
        fileFirst.append(contentsOf: repeatElement(.never, count: size - fileFirst.count))
    }

    /// The files with rows set aside, in file order, each with its count and earliest place per reason.
    public var byFile: [(file: Int, reasons: [(reason: RejectReason, count: Int, first: Place)])] {
        var out: [(file: Int, reasons: [(reason: RejectReason, count: Int, first: Place)])] = []
        for base in stride(from: 0, to: fileCounts.count, by: Self.reasons) {
            var reasons: [(reason: RejectReason, count: Int, first: Place)] = []
            for reason in RejectReason.allCases where fileCounts[base + reason.rawValue] > 0 {
                reasons.append((reason, fileCounts[base + reason.rawValue], fileFirst[base + reason.rawValue]))
            }
            if !reasons.isEmpty { out.append((base / Self.reasons, reasons)) }
        }
        return out
    }

    /// Adds another tally, keeping the earliest examples, sorted in file order.
    public mutating func merge(_ other: RejectTally) {
        for r in 0..<Self.reasons {
            counts[r] += other.counts[r]
            earliest[r] = Array((earliest[r] + other.earliest[r]).sorted().prefix(Self.examplesPerReason))
            if earliest[r].count == Self.examplesPerReason { findLatest(r) }
        }
        if other.fileCounts.count > fileCounts.count { grow(to: other.fileCounts.count - 1) }
        for i in other.fileCounts.indices {
            fileCounts[i] += other.fileCounts[i]
            fileFirst[i] = min(fileFirst[i], other.fileFirst[i])
        }
    }
}
