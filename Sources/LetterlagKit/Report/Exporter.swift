import Foundation

/// Writes tidy CSV files of a run for notebooks and spreadsheets, with a data dictionary.
///
/// Every file has one row per observation and a `run_id` column, so exports of several runs
/// stack. `publish` applies disclosure control to every count and statistic.
public struct Exporter {
    public let reader: RunReader
    public let publish: Bool

    public init(_ reader: RunReader, publish: Bool) {
        self.reader = reader
        self.publish = publish
    }

    static let dictionary: [(file: String, column: String, meaning: String)] = [
        ("runs.csv", "id", "run id"),
        ("runs.csv", "as_of", "the as-of instant, ISO 8601 UTC"),
        ("runs.csv", "started_at / finished_at", "wall-clock UTC of the run: its start, and when its last summary row was written"),
        ("runs.csv", "files / rows_read / letters / rows_rejected", "files read, data rows read, rows accepted, rows set aside"),
        ("summary.csv", "run_id, trust_code, letter_type", "one row per run × trust × letter type over the whole extract"),
        ("summary.csv", "letters / received / outstanding", "letters; received by the as-of time; not received"),
        ("summary.csv", "p50_hours … max_hours", "nearest-rank percentiles of delay from event to receipt, received letters only (within 1%)"),
        ("summary.csv", "km_p50_hours", "Kaplan–Meier median: outstanding letters counted as censored at their age; empty when not reached"),
        ("summary.csv", "due / within_limit / within_limit_pct", "letters with a contract limit received or past their deadline; those received within it; the share"),
        ("summary.csv", "within_3d_pct / within_4d_pct", "share of letters due by 3 (4) days that arrived within 3 (4) days"),
        ("summary.csv", "p50_vs_baseline", "median ÷ \(Int(Baseline.midpointHours)) hours, the midpoint of the 3–4 day historical baseline"),
        ("summary.csv", "oldest_outstanding_hours", "age at the as-of time of the oldest letter not yet received"),
        ("summary.csv", "writing_p50_hours / writing_p90_hours", "nearest-rank percentiles of writing, event to sent_at (the trust's part), over letters with a sent_at (within 1%)"),
        ("summary.csv", "delivery_p50_hours / delivery_p90_hours", "nearest-rank percentiles of delivery, sent_at to received_at (the transport), over letters with both (within 1%)"),
        ("summary.csv", "in_transit", "letters sent but not received by the as-of time"),
        ("weekly.csv", "week", "ISO week of the event's Europe/London local date, such as 2024-W07"),
        ("weekly.csv", "complete", "1 when the week's figures are final: every letter received, or older at the as-of time than both its contract limit and 4 days; else 0 (provisional)"),
        ("weekly.csv", "(other columns)", "as in summary.csv, for the letters whose event fell in that week"),
        ("(all)", "published files", "counts of 1–\(DisclosureThreshold.largestSuppressed) shown as *, others rounded to the nearest 5; percentages from rounded counts; no statistic on 1–\(DisclosureThreshold.largestSuppressed) letters"),
    ]

    /// Writes runs.csv, summary.csv, weekly.csv and data-dictionary.csv into `directory`; returns
    /// their paths. Each file is streamed, and appears whole or not at all.
    @discardableResult
    public func export(run id: Int64?, to directory: String) throws -> [String] {
        let run = try reader.run(id)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LetterlagError.cannotWrite(path: directory, reason: "cannot create the folder (\((error as NSError).localizedDescription))")
        }
        func write(_ name: String, _ body: (inout CSVWriter) throws -> Void) throws -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            let sink = try OutputSink(path: path)
            var csv = CSVWriter(sink: sink)
            try body(&csv)
            try sink.close()
            return path
        }
        let runs = try reader.runs()
        let summaryRenderer = ReportRenderer(run: run, rows: try reader.summary(run: run.id), publish: publish)
        return [
            try write("runs.csv") { csv in
                let sink = OutputSink.memory()
                try RunsRenderer(runs: runs).write(.csv, to: sink)
                try csv.sink.write(try sink.text)
            },
            try write("summary.csv") { csv in
                let names = ReportRenderer.csvColumns + ["km_p50_hours", "p50_vs_baseline", "oldest_outstanding_hours"]
                try csv.row(["run_id"] + names)
                for r in summaryRenderer.rows {
                    try csv.integer(Int(run.id))
                    for cell in summaryRenderer.cells(r, names) { try csv.cell(cell) }
                    try csv.endRow()
                }
            },
            try write("weekly.csv") { csv in
                try TrendRenderer(reader, run: run, by: .week, publish: publish, leading: [("run_id", .integer(Int(run.id)))])
                    .write(.csv, to: csv.sink)
            },
            try write("data-dictionary.csv") { csv in
                try csv.row(["file", "column", "meaning"])
                for d in Self.dictionary { try csv.row([d.file, d.column, d.meaning]) }
            },
        ]
    }
}
