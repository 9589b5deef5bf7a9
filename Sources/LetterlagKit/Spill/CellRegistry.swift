import Synchronization

/// Numbers a run's cells (trust × letter type × event week) in order of first sight, shared
/// by all workers, so that records spilled by different workers name a cell the same way.
///
/// Every week of one trust × letter type goes to the same spill partition (`partition(of:)`),
/// so that a partition read back holds whole trust × types: their whole-run figures and
/// breakdowns are folded there, with nothing kept across partitions. A cell's number is its
/// index within its partition, shifted past the partition bits, then the partition.
///
/// Workers cache the numbers they have seen, so the lock is taken once per cell per worker,
/// not per row. A cell names its trust by a dense index: a three-character code's number
/// (`CodeShape.trustNumber`), or for four- and five-character codes the next index from here.
final class CellRegistry: Sendable {
    /// Trust codes of three characters are indexed by their number, below this.
    static let fastTrustCodes = CodeShape.threeCharacterTrusts
    /// Four- and five-character trust codes one run may hold: each costs every worker's cell
    /// index a few bytes, so a broken extract of all-different codes stops here, not in swap.
    static let otherTrustLimit = 50_000

    /// Spill partitions the cells are numbered for, a power of two.
    let partitions: Int
    private let partitionBits: Int
    private let state: Mutex<State>

    /// What the workers share, behind one lock.
    private struct State {
        var numbers: [CellKey: UInt32] = [:]
        var partitionKeys: [[CellKey]]
        var otherTrusts: [Int: Int] = [:]
        var otherTrustNumbers: [Int] = []
    }

    init(partitions: Int = WorkerTally.defaultPartitions) {
        precondition(partitions > 0 && partitions & (partitions - 1) == 0, "partitions must be a power of two")
        self.partitions = partitions
        partitionBits = partitions.trailingZeroBitCount
        state = Mutex(State(partitionKeys: Array(repeating: [], count: partitions)))
    }

    /// The spill partition of every cell of trust × type `pair`.
    @inline(__always)
    func partition(of pair: TrustTypePair) -> Int {
        Int(truncatingIfNeeded: (UInt64(pair.raw) &+ 1) &* 0x9E37_79B9_7F4A_7C15 >> 32) & (partitions - 1)
    }

    /// The number of the cell with `key`, assigning the next one when it is new.
    func number(of key: CellKey) throws -> UInt32 {
        let p = partition(of: key.pair)
        return try state.withLock { (s: inout State) throws(LetterlagError) -> UInt32 in
            if let n = s.numbers[key] { return n }
            let local = s.partitionKeys[p].count
            guard local < CellRecord.localCells else {
                throw LetterlagError.implausibleExtract("more than \(CellRecord.localCells) trust × letter type × week cells in one spill partition; the extract's dates or trust codes are not plausible")
            }
            let n = UInt32(local << partitionBits | p)
            s.numbers[key] = n
            s.partitionKeys[p].append(key)
            return n
        }
    }

    /// The index of a trust whose code has four or five characters, by its `CodeShape.trustNumber`.
    func otherTrustIndex(_ number: Int) throws -> Int {
        try state.withLock { (s: inout State) throws(LetterlagError) -> Int in
            if let i = s.otherTrusts[number] { return i }
            guard s.otherTrustNumbers.count < Self.otherTrustLimit else {
                throw LetterlagError.implausibleExtract("more than \(Self.otherTrustLimit) trust codes of four or five characters; the extract's trust codes are not plausible")
            }
            let i = Self.fastTrustCodes + s.otherTrustNumbers.count
            s.otherTrusts[number] = i
            s.otherTrustNumbers.append(number)
            return i
        }
    }

    var count: Int { state.withLock { $0.numbers.count } }

    /// The keys of partition `p`'s cells, by their index within it; read once the pass is over.
    func keys(inPartition p: Int) -> [CellKey] { state.withLock { $0.partitionKeys[p] } }

    /// How many distinct trusts the cells name.
    var trustCount: Int { state.withLock { Set($0.numbers.keys.map(\.trust)).count } }

    func trustName(_ index: Int) -> String {
        CodeShape.trustCode(index < Self.fastTrustCodes ? index : state.withLock { $0.otherTrustNumbers[index - Self.fastTrustCodes] })
    }

    /// The cell a key names.
    func cellID(ofKey key: CellKey) -> CellID {
        CellID(trust: trustName(key.trust), type: LetterType(rawValue: key.type)!, week: key.week)
    }
}
