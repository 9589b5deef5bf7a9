import Synchronization

/// The practice view's letters on their way from the trust × letter type partitions, where
/// repeats are resolved, to the practice partitions, where each practice's letters from every
/// trust meet (`PracticeAssembler`). Each assembling thread writes its own files (`Writer`),
/// cut by `PracticeRanges`: its letters, 16 bytes each (`PracticeRecord`, with their event
/// month's slot), and a count of each flow (trust × letter type × practice), so that a practice
/// partition is numbered and sized from the counts and its letters are read once.
///
/// A trust × letter type naming more than `PracticeOmission.practicesPerTrustType` practices is left out
/// of the view (a broken export, not England's 6,300 practices): its letters count everywhere
/// else, and the run records it (`omissions`) rather than failing.
final class PracticeSpill: Sendable {
    /// A trust × letter type left out of the practice view, and how many practices it had named when it was.
    struct Omission: Sendable, Equatable {
        var pair: TrustTypePair
        var practices: Int
    }

    let ranges: PracticeRanges
    /// The run's as-of month (`CivilDate.monthIndex`), the last a letter's month slot names.
    let asOfMonth: Int
    private let state = Mutex(State())

    private struct State {
        var files: [SpillFile] = []
        var flowFiles: [SpillFile] = []
        var omissions: [Omission] = []
        var monthsLeftOut = 0
    }

    init(ranges: PracticeRanges, asOfMonth: Int) {
        self.ranges = ranges
        self.asOfMonth = asOfMonth
    }

    /// Every writer's letters, in the order the writers were made.
    var files: [SpillFile] { state.withLock { $0.files } }

    /// Every writer's flow counts (`PracticeRecord.flow`), in the order the writers were made.
    var flowFiles: [SpillFile] { state.withLock { $0.flowFiles } }

    /// Letters left out of the practice view's months, their event month being before every slot.
    var monthsLeftOut: Int { state.withLock { $0.monthsLeftOut } }

    /// The trust × letter types left out, in trust × type order.
    var omissions: [Omission] { state.withLock { $0.omissions }.sorted { $0.pair < $1.pair } }

    /// The trust × types left out, as `TrustTypePair.raw`; read once every writer is done.
    var omitted: Set<Int> { Set(state.withLock { $0.omissions }.map(\.pair.raw)) }

    /// A new writer for one assembling thread, with a file of its own.
    func writer() throws -> Writer {
        let file = try SpillFile(partitions: ranges.count, stride: PracticeRecord.words)
        // A flow's count is written once a trust × type, so its blocks are small: 512 bytes.
        let flows = try SpillFile(partitions: ranges.count, stride: PracticeRecord.words, blockLimit: 64)
        state.withLock {
            $0.files.append(file)
            $0.flowFiles.append(flows)
        }
        return Writer(spill: self, file: file, flows: flows)
    }

    fileprivate func omit(_ omission: Omission) { state.withLock { $0.omissions.append(omission) } }

    fileprivate func leaveOutOfMonths(_ letters: Int) { state.withLock { $0.monthsLeftOut += letters } }

    /// One thread's share of the spill: not thread-safe, used by the thread that made it.
    struct Writer {
        let spill: PracticeSpill
        let file: SpillFile
        let flows: SpillFile
        /// Per partition, the trust × type whose header was written there last.
        private var lastPair: [Int]
        private var practices = GroupTable()
        /// Letters per practice of the trust × type being written, by `practices`' numbering.
        private var letters: [Int] = []
        /// Letters of the trust × type being written whose month is before every slot.
        private var beforeSlots = 0

        fileprivate init(spill: PracticeSpill, file: SpillFile, flows: SpillFile) {
            self.spill = spill
            self.file = file
            self.flows = flows
            lastPair = Array(repeating: -1, count: spill.ranges.count)
        }

        /// The trust × type being written, from its first letters to `endTrustType`.
        private var pair: TrustTypePair?
        /// Whether the trust × type being written has been left out.
        private var leftOut = false

        /// Writes counted letters of a trust × type (as `BreakdownAssembler.Letters` holds them),
        /// outstanding ones by their age at `asOf`: all of it, or one part after another, then
        /// `endTrustType`. Stops, and records the omission, at its
        /// `PracticeOmission.practicesPerTrustType + 1`-th practice. Cost: a look-up and 16 bytes a letter.
        mutating func write(_ gathered: BreakdownAssembler.Letters, asOf: Int64) {
            if pair == nil {
                pair = gathered.pair
                leftOut = false
                practices.reset()
                letters.removeAll(keepingCapacity: true)
                beforeSlots = 0
            }
            guard !leftOut else { return }
            let words = CellRecord.words
            let ranges = spill.ranges, limit = PracticeOmission.practicesPerTrustType
            let header = PracticeRecord.header(pair: gathered.pair), asOfMonth = spill.asOfMonth
            for k in 0..<gathered.count {
                let record = gathered.letters[k * words], stage = gathered.letters[k * words + 1]
                let dimensions = gathered.letters[k * words + 2]
                let practice = LetterDimensions.practice(dimensions)
                let slot = PracticeRecord.slot(month: LetterDimensions.month(dimensions), asOfMonth: asOfMonth)
                let n = Int(practices.index(of: UInt64(practice)))
                if n == letters.count {
                    if n == limit {
                        spill.omit(Omission(pair: gathered.pair, practices: n + 1))
                        leftOut = true
                        return
                    }
                    letters.append(0)
                }
                letters[n] += 1
                if slot == 0 { beforeSlots += 1 }
                let first: UInt64, second: UInt64
                if CellRecord.isOutstanding(record) {
                    let week = gathered.keys[CellRecord.localCell(record)].week
                    first = PracticeRecord.outstanding(practice: practice,
                                                       age: asOf - CellRecord.event(ofOffset: CellRecord.offset(record), week: week))
                    second = PracticeRecord.outstandingStage(stage, slot: slot)
                } else {
                    first = PracticeRecord.received(practice: practice, record: record, slot: slot)
                    second = stage
                }
                let p = ranges.partition(of: practice)
                if lastPair[p] != gathered.pair.raw {
                    lastPair[p] = gathered.pair.raw
                    file.append(record: (header, UInt64(0)), to: p)
                }
                file.append(record: (first, second), to: p)
            }
        }

        /// Writes the count of each flow of the trust × type just written: 16 bytes a flow. Its
        /// letters of slot 0 are counted as left out of the months.
        mutating func endTrustType() {
            defer { pair = nil }
            guard !leftOut, let pair else { return }
            for (n, practice) in practices.keys.enumerated() {
                flows.append(record: (PracticeRecord.flow(practice: Int(practice), pair: pair), UInt64(letters[n])),
                             to: spill.ranges.partition(of: Int(practice)))
            }
            if beforeSlots > 0 { spill.leaveOutOfMonths(beforeSlots) }
        }
    }
}
