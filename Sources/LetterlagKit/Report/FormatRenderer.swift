/// The one shape of every command's output: a value that knows its rows (held, or a `RowSource`
/// streaming them from the store) and writes them in any `OutputFormat` to a sink; `render`
/// gives them as one string, for tests and small outputs, where `write` streams them.
public protocol FormatRenderer {
    func write(_ format: OutputFormat, to sink: OutputSink) throws
}

extension FormatRenderer {
    /// The output as one string, held whole in memory.
    public func render(_ format: OutputFormat) throws -> String {
        let sink = OutputSink.memory()
        try write(format, to: sink)
        return try sink.text
    }
}

/// A renderer's rows, handed one at a time to the function it is called with, in order; a
/// store's stream, so a renderer holds one row (or one period) at a time however many there are.
public typealias RowSource<Row> = ((Row) throws -> Void) throws -> Void

/// The writers a streaming renderer writes one format with: CSV and JSON row by row, and a table
/// (`StreamingTable`) sized from its first rows, made only when the format is a table.
struct RowOutput {
    var csv: CSVWriter
    var json: JSONArrayWriter
    var table: StreamingTable?

    init(_ format: OutputFormat, to sink: OutputSink, table: () -> StreamingTable) {
        csv = CSVWriter(sink: sink)
        json = JSONArrayWriter(sink: sink)
        self.table = format == .table ? table() : nil
    }
}
