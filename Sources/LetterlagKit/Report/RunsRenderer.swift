import Foundation

/// Renders the list of runs.
public struct RunsRenderer: FormatRenderer {
    public let runs: [StoredRun]

    public init(runs: [StoredRun]) { self.runs = runs }

    public static let csvColumns = ["id", "as_of", "started_at", "finished_at", "files", "rows_read", "letters", "rows_rejected", "delay_to", "window_start", "pruned_at"]

    public func write(_ format: OutputFormat, to sink: OutputSink) throws {
        switch format {
        case .csv:
            var csv = CSVWriter(sink: sink)
            try csv.row(Self.csvColumns)
            for r in runs {
                try csv.integer(Int(r.id))
                for t in [r.asOf, r.startedAt, r.finishedAt] { try csv.text(t) }
                for n in [r.files, r.rowsRead, r.letters, r.rowsRejected] { try csv.integer(n) }
                try csv.text(r.delayTo.rawValue)
                try csv.text(r.windowStart ?? "")
                try csv.text(r.prunedAt ?? "")
                try csv.endRow()
            }
        case .json:
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try sink.write(String(decoding: try encoder.encode(runs), as: UTF8.self) + "\n")
        case .table:
            var t = TextTable(header: ["id", "as of", "started", "finished", "files", "rows read", "letters", "set aside", "delay to",
                                       "window from", "pruned"],
                              leftAligned: [1, 2, 3, 8, 9, 10])
            for r in runs {
                t.rows.append([String(r.id), r.asOf, r.startedAt, r.finishedAt, String(r.files), String(r.rowsRead),
                               String(r.letters), String(r.rowsRejected), r.delayTo.rawValue, r.windowStart ?? "", r.prunedAt ?? ""])
            }
            try sink.write(t.render())
        }
    }
}
