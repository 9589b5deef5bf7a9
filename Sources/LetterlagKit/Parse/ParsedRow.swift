/// One accepted row, as the aggregator needs it: pointers into the chunk, no copies.
///
/// Valid only during the `RowSink.accept` call that receives it.
public struct ParsedRow {
    public var letterID: UnsafeBufferPointer<UInt8>
    /// The trust code's `CodeShape.trustNumber`.
    public var trust: Int
    public var letterType: Int
    /// The practice code's `CodeShape.practiceNumber`, the specialty code's value (0–999) and
    /// the `LetterChannel`, for the breakdowns.
    public var practice: Int
    public var specialty: Int
    public var channel: Int
    public var event: ParsedTimestamp
    public var sent: ParsedTimestamp
    /// When the letter arrived: `received_at`, or `sent_at` in a file without `received_at`.
    public var arrival: ParsedTimestamp
    /// Whether `arrival` is `received_at`, so that sent → arrival is the delivery stage.
    public var arrivalIsReceipt: Bool
}

/// Receives the rows of a chunk from `RowParser`.
public protocol RowSink {
    /// A row that passed every check; `line` is its first line, counted from 0 within the chunk.
    mutating func accept(_ row: ParsedRow, line: Int)
    /// A row set aside; `line` is its first line, counted from 0 within the chunk.
    mutating func reject(_ reason: RejectReason, line: Int)
}
