/// One row of the practice view's months (`PracticeMonths`): a practice × letter type × event
/// month's counts, median and 90th percentile, over every trust (`(all)`) or one named trust.
///
/// Plain numbers and packed codes, with nothing to allocate or count references of: a national
/// night makes half a million, and made as a `BreakdownCell` and then a `RunWriter.BreakdownRow`,
/// with their strings and histograms, each cost about 2 µs of the assembling threads' time
/// (0.6 s of a national 10M ingest's 5.5), more than folding its letters.
public struct PracticeMonthRow: Sendable, Equatable {
    /// `CodeShape.practiceNumber`.
    public var practice: Int
    public var type: LetterType
    /// `CivilDate.monthIndex`.
    public var month: Int
    /// The trust's code, or `(all)`.
    public var trust: PackedCode
    public var letters: Int
    public var received: Int
    public var outstanding: Int
    public var due: Int
    public var withinLimit: Int
    public var due3d: Int
    public var within3d: Int
    public var due4d: Int
    public var within4d: Int
    /// Letters whose outcome may still change (`CellSummary.pending`): the row is complete when none are.
    public var pending: Int
    /// The delays' median and 90th percentile in seconds (`LetterFold.middle`).
    public var p50Seconds: Double?
    public var p90Seconds: Double?

    init(practice: Int, type: LetterType, month: Int, trust: PackedCode, counts s: CellSummary, p50Seconds: Double?, p90Seconds: Double?) {
        self.practice = practice
        self.type = type
        self.month = month
        self.trust = trust
        letters = s.letters
        received = s.received
        outstanding = s.outstanding
        due = s.due
        withinLimit = s.withinLimit
        due3d = s.due3d
        within3d = s.within3d
        due4d = s.due4d
        within4d = s.within4d
        pending = s.pending
        self.p50Seconds = p50Seconds
        self.p90Seconds = p90Seconds
    }

    /// Whether its figures are final (`CellSummary.isComplete`).
    public var isComplete: Bool { pending == 0 }

    /// The row as a breakdown cell, with the counts it keeps: for tests and small runs, which
    /// read every breakdown alike (`CellAssembler.allBreakdownCells`).
    var cell: BreakdownCell {
        var s = CellSummary()
        s.letters = letters
        s.received = received
        s.outstanding = outstanding
        s.due = due
        s.withinLimit = withinLimit
        s.due3d = due3d
        s.within3d = within3d
        s.due4d = due4d
        s.within4d = within4d
        s.pending = pending
        return BreakdownCell(breakdown: .practice, trust: trust.text, type: type, value: practice, month: month, summary: s,
                             middle: (p50Seconds, p90Seconds))
    }
}
