/// Streams a JSON array of objects, one row at a time, as every streaming renderer writes it:
/// `[`, then each object on a line of its own after a comma, then `]`. One object is held at a time.
struct JSONArrayWriter {
    let sink: OutputSink
    /// Objects written so far.
    private(set) var count = 0

    init(sink: OutputSink) { self.sink = sink }

    func begin() throws { try sink.write("[") }

    mutating func object(_ cells: some Sequence<(String, FigureCell)>) throws {
        try sink.write(FigureCell.jsonObject(cells, first: count == 0))
        count += 1
    }

    func end() throws { try sink.write(count == 0 ? "]\n" : "\n]\n") }
}
