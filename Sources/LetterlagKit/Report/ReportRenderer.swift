import Foundation

/// Renders a run's per trust × letter type summary as CSV, JSON or a table for people.
public struct ReportRenderer {
    public static let csvHeader = "trust_code,letter_type,letters,received,outstanding,p50_hours,p90_hours,p95_hours,p99_hours,max_hours,due,within_limit,within_limit_pct,within_3d_pct,within_4d_pct"

    public let run: SummaryStore.Run
    public let rows: [SummaryRow]

    public init(run: SummaryStore.Run, rows: [SummaryRow]) {
        self.run = run
        self.rows = rows
    }

    /// A number with two decimals, or empty when undefined.
    static func fixed(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return String(format: "%.2f", value)
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .csv: csv()
        case .json: json()
        case .table: table()
        }
    }

    public func csv() -> String {
        var out = Self.csvHeader + "\n"
        for r in rows {
            let fields: [String] = [r.trust, r.type.name, String(r.letters), String(r.received), String(r.outstanding),
                                    Self.fixed(r.p50Hours), Self.fixed(r.p90Hours), Self.fixed(r.p95Hours), Self.fixed(r.p99Hours),
                                    Self.fixed(r.maxHours), String(r.due), String(r.withinLimit), Self.fixed(r.withinLimitPercent),
                                    Self.fixed(r.within3dPercent), Self.fixed(r.within4dPercent)]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    public func json() -> String {
        func num(_ v: Double?) -> Any { v.map { ($0 * 100).rounded() / 100 } ?? NSNull() }
        let objects: [[String: Any]] = rows.map { r in
            ["trust_code": r.trust, "letter_type": r.type.name, "letters": r.letters, "received": r.received,
             "outstanding": r.outstanding, "p50_hours": num(r.p50Hours), "p90_hours": num(r.p90Hours),
             "p95_hours": num(r.p95Hours), "p99_hours": num(r.p99Hours), "max_hours": num(r.maxHours),
             "due": r.due, "within_limit": r.withinLimit, "within_limit_pct": num(r.withinLimitPercent),
             "within_3d_pct": num(r.within3dPercent), "within_4d_pct": num(r.within4dPercent),
             "p50_vs_baseline": num(r.p50VersusBaseline), "oldest_outstanding_hours": num(r.oldestOutstandingHours)]
        }
        let document: [String: Any] = ["run_id": run.id, "as_of": run.asOf, "delay_to": run.delayTo, "rows": objects]
        let data = try! JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Rows sorted worst first: lowest compliance, then the slowest median.
    public var worstFirst: [SummaryRow] {
        rows.sorted { a, b in
            let ca = a.withinLimitPercent ?? 101, cb = b.withinLimitPercent ?? 101
            if ca != cb { return ca < cb }
            return (a.p50Hours ?? -1) > (b.p50Hours ?? -1)
        }
    }

    public func table() -> String {
        var t = TextTable(header: ["trust", "letter type", "letters", "outstanding", "oldest out (d)", "median (h)",
                                   "× 3.5d", "p90 (h)", "p99 (h)", "in limit %", "≤3d %", "≤4d %"], leftAligned: [0, 1])
        for r in worstFirst {
            t.rows.append([r.trust, r.type.name, String(r.letters), String(r.outstanding),
                           r.oldestOutstandingHours.map { String(format: "%.1f", $0 / 24) } ?? "",
                           Self.fixed(r.p50Hours), r.p50VersusBaseline.map { String(format: "%.2f", $0) } ?? "",
                           Self.fixed(r.p90Hours), Self.fixed(r.p99Hours), Self.fixed(r.withinLimitPercent),
                           Self.fixed(r.within3dPercent), Self.fixed(r.within4dPercent)])
        }
        let delay = run.delayTo == "received" ? "event to receipt by the practice" : "event to sending (this extract has no received_at)"
        return "Run \(run.id), as of \(run.asOf); delay is \(delay). Worst first.\n" + t.render()
    }
}

/// Renders the list of runs.
public struct RunsRenderer {
    public let runs: [SummaryStore.Run]

    public init(runs: [SummaryStore.Run]) { self.runs = runs }

    public static let csvHeader = "id,as_of,started_at,finished_at,files,rows_read,letters,rows_rejected"

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .csv:
            return Self.csvHeader + "\n" + runs.map {
                "\($0.id),\($0.asOf),\($0.startedAt),\($0.finishedAt),\($0.files),\($0.rowsRead),\($0.letters),\($0.rowsRejected)\n"
            }.joined()
        case .json:
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try! encoder.encode(runs), as: UTF8.self) + "\n"
        case .table:
            var t = TextTable(header: ["id", "as of", "started", "finished", "files", "rows read", "letters", "set aside"],
                              leftAligned: [1, 2, 3])
            for r in runs {
                t.rows.append([String(r.id), r.asOf, r.startedAt, r.finishedAt, String(r.files), String(r.rowsRead),
                               String(r.letters), String(r.rowsRejected)])
            }
            return t.render()
        }
    }
}
