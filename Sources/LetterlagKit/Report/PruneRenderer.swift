import Foundation

/// Renders `prune`'s decisions: each run kept or removed, with the rules that keep it.
public struct PruneRenderer: FormatRenderer {
    public let decisions: [RetentionPolicy.Decision]
    public let dryRun: Bool

    public init(decisions: [RetentionPolicy.Decision], dryRun: Bool) {
        self.decisions = decisions
        self.dryRun = dryRun
    }

    public static let csvColumns = ["run_id", "as_of", "action", "kept_by"]

    private func fields(_ d: RetentionPolicy.Decision) -> [String] {
        [String(d.id), Timestamps.iso(d.asOf), d.kept ? "keep" : "remove", d.keptBy.map(\.rawValue).joined(separator: ",")]
    }

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        switch format {
        case .csv:
            var csv = CSVWriter(sink: sink)
            try csv.row(Self.csvColumns)
            for d in decisions { try csv.row(fields(d)) }
        case .json:
            var json = JSONArrayWriter(sink: sink)
            try json.begin()
            for d in decisions {
                try json.object([("run_id", .integer(Int(d.id))), ("as_of", .text(Timestamps.iso(d.asOf))),
                                 ("action", .text(d.kept ? "keep" : "remove")),
                                 ("kept_by", .text(d.keptBy.map(\.rawValue).joined(separator: ",")))])
            }
            try json.end()
        case .table:
            var t = TextTable(header: ["run", "as of", dryRun ? "would" : "action", "kept by"], leftAligned: [1, 2, 3])
            t.rows = decisions.map(fields)
            let removed = decisions.filter { !$0.kept }.count
            try sink.write(t.render() + "\(removed) of \(decisions.count) runs \(dryRun ? "would be" : "were") removed"
                           + (dryRun ? " (dry run: nothing changed).\n" : "; the weeks and months the history takes from them are kept.\n"))
        }
    }
}
