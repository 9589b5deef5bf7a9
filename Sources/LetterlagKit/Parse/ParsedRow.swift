/// One accepted row, as the aggregator needs it: pointers into the chunk, no copies.
///
/// Valid only during the `RowSink.accept` call that receives it.
public struct ParsedRow {
    public var letterID: UnsafeBufferPointer<UInt8>
    /// The trust code's `CodeShape.trustNumber`.
    public var trust: Int
    public var letterType: Int
    public var event: ParsedTimestamp
    public var sent: ParsedTimestamp
    /// When the letter arrived: `received_at`, or `sent_at` in a file without `received_at`.
    public var arrival: ParsedTimestamp
}

/// Receives the rows of a chunk from `RowParser`.
public protocol RowSink {
    /// A row that passed every check; `line` is its first line, counted from 0 within the chunk.
    mutating func accept(_ row: ParsedRow, line: Int)
    /// A row set aside; `line` is its first line, counted from 0 within the chunk.
    mutating func reject(_ reason: RejectReason, line: Int)
}
