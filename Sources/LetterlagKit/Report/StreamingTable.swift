/// A text table written as rows arrive: column widths are taken from the header and the first
/// `sample` rows, held until then, and every later row is written at once in those widths (a
/// wider cell pushes its row along), so a table of any length needs memory for `sample` rows.
struct StreamingTable {
    static let sample = 1_000
    private var table: TextTable
    private var widths: [Int]?
    private let sink: OutputSink

    init(header: [String], leftAligned: Set<Int>, sink: OutputSink) {
        table = TextTable(header: header, leftAligned: leftAligned)
        self.sink = sink
    }

    mutating func add(_ cells: [String]) throws {
        if let widths { return try sink.write(table.line(cells, widths: widths) + "\n") }
        table.rows.append(cells)
        if table.rows.count == Self.sample { try flushSample() }
    }

    mutating func finish() throws {
        if widths == nil { try flushSample() }
    }

    private mutating func flushSample() throws {
        widths = table.widths
        try sink.write(table.render())
        table.rows.removeAll()
    }
}
