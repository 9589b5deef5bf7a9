/// Counts of rows set aside, by reason, with the first few places each happened.
///
/// Only positions are kept, never a row's content, which may hold patient data.
public struct RejectTally: Sendable {
    public static let examplesPerReason = 20

    /// Where a rejected row starts: the chunk it was in and its line within that chunk.
    public struct Place: Sendable, Comparable {
        public var chunk: Int
        public var line: Int
        public static func < (a: Place, b: Place) -> Bool { (a.chunk, a.line) < (b.chunk, b.line) }
    }

    public private(set) var counts = [Int](repeating: 0, count: RejectReason.allCases.count)
    public private(set) var examples = [[Place]](repeating: [], count: RejectReason.allCases.count)

    public init() {}

    public var total: Int { counts.reduce(0, +) }

    @inline(__always)
    public mutating func add(_ reason: RejectReason, at place: Place) {
        counts[reason.rawValue] += 1
        if examples[reason.rawValue].count < Self.examplesPerReason { examples[reason.rawValue].append(place) }
    }

    /// Adds another worker's tally, keeping the earliest examples in file order.
    public mutating func merge(_ other: RejectTally) {
        for r in RejectReason.allCases {
            counts[r.rawValue] += other.counts[r.rawValue]
            examples[r.rawValue] = Array((examples[r.rawValue] + other.examples[r.rawValue]).sorted().prefix(Self.examplesPerReason))
        }
    }
}
