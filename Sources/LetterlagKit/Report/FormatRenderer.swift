/// A renderer that writes its rows in any `OutputFormat`; `render` gives them as one string,
/// for tests and small outputs, where `write` streams them.
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
