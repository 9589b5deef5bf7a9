import Foundation

/// One self-contained HTML page with inline SVG charts: no scripts, fonts or files beside it.
///
/// For each letter type, every trust's median and p90 on a log scale against the 3–4 day
/// baseline band and the contract limit; weekly medians of the worst trusts; and a compliance
/// league table. Figures follow `--publish` when asked.
public struct HTMLReport {
    public let run: StoredRun
    public let rows: [SummaryRow]
    /// Weekly rows of the charted trusts (`chartedTrusts`), for the trend charts.
    public let weekly: [TrendBuilder.Row]
    public let limits: ContractLimits
    public let formatter: FigureFormatter
    /// Weekly compliance SPC series of every trust and type (`SPCAnalysis`), and the target they were judged against.
    public let spc: [SPCAnalysis.Series]
    public let spcTarget: Double?

    /// The 3–4 day baseline band the charts shade, in hours (`Baseline`).
    static let baselineHours = Double(Baseline.threeDays) / 3600...Double(Baseline.fourDays) / 3600

    public init(run: StoredRun, rows: [SummaryRow], weekly: [TrendBuilder.Row], limits: ContractLimits, publish: Bool,
                spc: [SPCAnalysis.Series] = [], spcTarget: Double? = nil) {
        self.run = run
        self.rows = rows
        self.weekly = weekly
        self.limits = limits
        formatter = FigureFormatter(publish: publish)
        self.spc = spc
        self.spcTarget = spcTarget
    }

    /// A run's report from the store, its trend and SPC charts following `source` (the history,
    /// or one run's own weeks), partial weeks left out. Costs a read of the charted trusts' weeks.
    public init(_ reader: RunReader, run: StoredRun, source: WeekSource, publish: Bool, spcTarget: Double? = nil) throws {
        let rows = try reader.summary(run: run.id)
        var weekly: [TrendBuilder.Row] = []
        for type in LetterType.allCases {
            for trust in Self.chartedTrusts(rows, type: type, publish: publish) {
                weekly += try TrendBuilder.rows(reader, source, trust: trust, type: type, by: .week).filter { !$0.partial }
            }
        }
        var spc: [SPCAnalysis.Series] = []
        var options = SPCAnalysis.Options(source)
        options.target = spcTarget
        try SPCAnalysis.forEachSeries(reader, options) { spc.append($0) }
        self.init(run: run, rows: rows, weekly: weekly, limits: try reader.limits(run: run.id), publish: publish, spc: spc, spcTarget: spcTarget)
    }

    /// A type's SPC charts: first the trusts whose latest week is a special-cause concern, then
    /// the rest behind a disclosure, each headed by its variation (and assurance) icon.
    func spcSection(_ type: LetterType) -> String {
        if formatter.publish {
            return "<p>SPC charts are left out of published reports: they plot exact weekly percentages, which disclosure control would round away.</p>"
        }
        let series = spc.filter { $0.type == type }
        guard !series.isEmpty else { return "<p>No complete weeks to chart.</p>" }
        let concerns = series.filter { $0.latest?.type == .specialCauseConcern }
        let rest = series.filter { $0.latest?.type != .specialCauseConcern }
        func figure(_ s: SPCAnalysis.Series) -> String {
            let latest = s.latest.map { "latest \(Self.escape(s.periods.last!)): \(CSVWriter.fixedText($0.value))%, \(Self.escape($0.specialCause))" } ?? ""
            return "<figure class='spc-series'><figcaption>\(SPCChartSVG.variationIcon(s))\(SPCChartSVG.assuranceIcon(s))"
                + "<strong>\(Self.escape(s.trust))</strong> \(latest)\(s.chart.isShort ? " (fewer than \(XmRChart.shortSeries) weeks: trial limits)" : "")</figcaption>"
                + SPCChartSVG.chart(s, measure: .compliance, target: spcTarget) + "</figure>"
        }
        var html = concerns.isEmpty ? "<p>No trust's latest complete week is a special-cause concern.</p>" : concerns.map(figure).joined()
        if !rest.isEmpty {
            html += "<details><summary>The other \(rest.count) trusts</summary>" + rest.map(figure).joined() + "</details>"
        }
        return html
    }

    /// Text made safe for an element's content or a quoted attribute: `&`, `<`, `>`, `"` and `'`
    /// become character references. Every text that reaches the page goes through here.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The limit in hours in force at the as-of date for a type, if any.
    func currentLimitHours(_ type: LetterType) -> Double? {
        let day = CivilDate.parse(isoDate: String(run.asOf.prefix(10))) ?? 0
        let s = limits.limitSeconds(type: type.rawValue, eventDay: day)
        return s >= 0 ? Double(s) / 3600 : nil
    }

    static let ticks: [(Double, String)] = [(1, "1h"), (6, "6h"), (24, "1d"), (72, "3d"), (168, "7d"), (336, "14d"), (720, "30d"), (2160, "90d"), (8760, "1y")]

    /// A dot plot: trusts down the side, hours along a log axis.
    func dotPlot(_ type: LetterType) -> String {
        let data = rows.filter { $0.type == type && $0.p50Hours != nil }.sorted { ($0.p50Hours ?? 0) > ($1.p50Hours ?? 0) }
            .filter { !formatter.publish || $0.received > DisclosureThreshold.largestSuppressed }
        guard !data.isEmpty else { return "<p>No received letters.</p>" }
        let left = 70.0, width = 760.0, rowHeight = 18.0, top = 24.0
        let height = top + Double(data.count) * rowHeight + 30
        let maxHours = max(120, data.compactMap(\.p90Hours).max() ?? 120) * 1.3
        func x(_ h: Double) -> Double { left + (log(max(h, 0.5)) - log(0.5)) / (log(maxHours) - log(0.5)) * (width - left - 10) }
        var svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 \(Int(width)) \(Int(height))' width='\(Int(width))' height='\(Int(height))' role='img' aria-label='\(type.name) median and p90 by trust'>"
        svg += "<rect x='\(x(Self.baselineHours.lowerBound))' y='\(top - 6)' width='\(x(Self.baselineHours.upperBound) - x(Self.baselineHours.lowerBound))' height='\(Double(data.count) * rowHeight + 6)' fill='#cfe8cf'><title>3–4 day baseline</title></rect>"
        if let limit = currentLimitHours(type) {
            svg += "<line x1='\(x(limit))' x2='\(x(limit))' y1='\(top - 10)' y2='\(height - 26)' stroke='#c0392b' stroke-dasharray='4 3'/>"
            svg += "<text x='\(x(limit) + 3)' y='\(top - 12)' font-size='11' fill='#c0392b'>contract limit</text>"
        }
        svg += "<text x='\(x(72))' y='\(top - 12)' font-size='11' fill='#2e7d32'>3–4 days</text>"
        for (h, label) in Self.ticks where h < maxHours {
            svg += "<line x1='\(x(h))' x2='\(x(h))' y1='\(top - 6)' y2='\(height - 26)' stroke='#ddd'/>"
            svg += "<text x='\(x(h))' y='\(height - 12)' font-size='11' text-anchor='middle'>\(label)</text>"
        }
        for (i, r) in data.enumerated() {
            let y = top + Double(i) * rowHeight + rowHeight / 2
            svg += "<text x='\(left - 8)' y='\(y + 4)' font-size='11' text-anchor='end'>\(Self.escape(r.trust))</text>"
            if let p90 = r.p90Hours, let p50 = r.p50Hours {
                svg += "<line x1='\(x(p50))' x2='\(x(p90))' y1='\(y)' y2='\(y)' stroke='#7f8c8d' stroke-width='3'><title>p90 \(formatter.hours(p90, base: r.received)) h</title></line>"
                svg += "<circle cx='\(x(p50))' cy='\(y)' r='5' fill='#1f4e79'><title>\(Self.escape(r.trust)) median \(formatter.hours(p50, base: r.received)) h</title></circle>"
            }
        }
        return svg + "</svg>"
    }

    /// How many trusts each type's weekly chart shows.
    static let chartedPerType = 5

    /// The trusts whose weeks the charts draw, per type: those with the lowest compliance.
    public static func chartedTrusts(_ rows: [SummaryRow], type: LetterType, publish: Bool) -> [String] {
        rows.filter { $0.type == type && $0.withinLimitPercent != nil && (!publish || $0.received > DisclosureThreshold.largestSuppressed) }
            .sorted { ($0.withinLimitPercent ?? 0) < ($1.withinLimitPercent ?? 0) }.prefix(chartedPerType).map(\.trust)
    }

    /// The median a chart draws for a week: the plain median when every letter is in, else the
    /// Kaplan–Meier median, which counts outstanding letters as censored at their age (nil when
    /// more than half may not have arrived), so a chart does not fall at its right edge only
    /// because its slowest letters have not arrived yet.
    static func chartedMedian(_ r: SummaryRow) -> Double? {
        r.outstanding == 0 ? r.p50Hours : r.kmP50Hours
    }

    /// Weekly medians of the trusts with the lowest compliance for a type; provisional weeks
    /// (not complete) are drawn hollow, joined by a dashed line.
    func trendChart(_ type: LetterType) -> String {
        let worst = Self.chartedTrusts(rows, type: type, publish: formatter.publish)
        let series = worst.map { trust in
            (trust, weekly.filter { $0.figures.trust == trust && $0.figures.type == type && Self.chartedMedian($0.figures) != nil
                                    && (!formatter.publish || $0.figures.received > DisclosureThreshold.largestSuppressed) })
        }.filter { !$0.1.isEmpty }
        guard !series.isEmpty else { return "<p>No weekly figures.</p>" }
        let weeks = series.flatMap { $0.1.map(\.firstWeek) }
        let first = weeks.min()!, last = max(weeks.max()!, first + 1)
        let maxHours = max(120, series.flatMap { $0.1.compactMap { Self.chartedMedian($0.figures) } }.max()! * 1.1)
        let left = 50.0, width = 760.0, height = 260.0, top = 14.0, bottom = 30.0
        func x(_ w: Int) -> Double { left + Double(w - first) / Double(last - first) * (width - left - 110) }
        func y(_ h: Double) -> Double { top + (1 - h / maxHours) * (height - top - bottom) }
        let colours = ["#c0392b", "#1f4e79", "#d68910", "#6c3483", "#117a65"]
        var svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 \(Int(width)) \(Int(height))' width='\(Int(width))' height='\(Int(height))' role='img' aria-label='weekly median \(type.name)'>"
        svg += "<rect x='\(left)' y='\(y(Self.baselineHours.upperBound))' width='\(width - left - 110)' height='\(y(Self.baselineHours.lowerBound) - y(Self.baselineHours.upperBound))' fill='#cfe8cf'><title>3–4 day baseline</title></rect>"
        for h in stride(from: 0.0, through: maxHours, by: maxHours > 1000 ? 240 : maxHours > 400 ? 96 : 24) {
            svg += "<line x1='\(left)' x2='\(width - 110)' y1='\(y(h))' y2='\(y(h))' stroke='#eee'/><text x='\(left - 6)' y='\(y(h) + 4)' font-size='10' text-anchor='end'>\(Int(h))h</text>"
        }
        var provisionalFrom: Int?
        for (i, (trust, points)) in series.enumerated() {
            let colour = colours[i % colours.count]
            let firm = points.filter { $0.figures.complete == true }, provisional = points.filter { $0.figures.complete != true }
            let path = firm.map { "\(x($0.firstWeek)),\(y(Self.chartedMedian($0.figures)!))" }.joined(separator: " ")
            svg += "<polyline points='\(path)' fill='none' stroke='\(colour)' stroke-width='2'/>"
            if let start = provisional.first {
                provisionalFrom = min(provisionalFrom ?? start.firstWeek, start.firstWeek)
                let joined = (firm.last.map { [$0] } ?? []) + provisional
                let dashed = joined.map { "\(x($0.firstWeek)),\(y(Self.chartedMedian($0.figures)!))" }.joined(separator: " ")
                svg += "<polyline points='\(dashed)' fill='none' stroke='\(colour)' stroke-width='1.5' stroke-dasharray='4 3' class='provisional'/>"
                for p in provisional {
                    let label = "\(Self.escape(trust)) \(p.period) provisional: \(formatter.count(p.figures.outstanding)) outstanding; Kaplan–Meier median \(formatter.hours(p.figures.kmP50Hours, base: p.figures.letters)) h, plain median \(formatter.hours(p.figures.p50Hours, base: p.figures.received)) h"
                    svg += "<circle cx='\(x(p.firstWeek))' cy='\(y(Self.chartedMedian(p.figures)!))' r='3' fill='white' stroke='\(colour)' class='provisional'><title>\(label)</title></circle>"
                }
            }
            svg += "<text x='\(width - 104)' y='\(top + 14 + Double(i) * 16)' font-size='12' fill='\(colour)'>\(Self.escape(trust))</text>"
        }
        if let from = provisionalFrom {
            svg += "<rect x='\(x(from))' y='\(top)' width='\(max(1, x(last) - x(from)))' height='\(height - top - bottom)' fill='#f4f4f4' opacity='0.6'/>"
            svg += "<text x='\(x(from) + 2)' y='\(top + 10)' font-size='10' fill='#555'>provisional</text>"
        }
        svg += "<text x='\(left)' y='\(height - 8)' font-size='11'>\(CivilDate.isoWeekLabel(ofWeek: first))</text>"
        svg += "<text x='\(width - 110)' y='\(height - 8)' font-size='11' text-anchor='end'>\(CivilDate.isoWeekLabel(ofWeek: last))</text>"
        return svg + "</svg>"
    }

    /// Where the time goes, trust by trust: each bar is the median writing time (event to
    /// sending, the trust's part) then the median delivery time (sending to receipt, the
    /// transport), longest first, so a typing backlog and a slow post look different.
    func stagesChart(_ type: LetterType) -> String {
        func shown(_ v: Double?, _ base: Int) -> Double? { formatter.publish ? DisclosureControl.statistic(v, base: base) : v }
        let data = rows.filter { $0.type == type }.compactMap { r -> (String, Double, Double)? in
            guard let s = r.stages, let w = shown(s.writingP50Hours, s.sent) else { return nil }
            return (r.trust, w, shown(s.deliveryP50Hours, s.delivered) ?? 0)
        }.sorted { $0.1 + $0.2 > $1.1 + $1.2 }
        guard !data.isEmpty else { return "<p>No stage figures: the run has no sent_at, or was stored before stages were kept.</p>" }
        let rowHeight = 14.0, left = 60.0, width = 760.0, top = 22.0
        let height = top + Double(data.count) * rowHeight + 24
        let maxHours = max(24, data.map { $0.1 + $0.2 }.max()! * 1.05)
        func x(_ h: Double) -> Double { left + h / maxHours * (width - left - 20) }
        var svg = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 \(Int(width)) \(Int(height))' width='\(Int(width))' height='\(Int(height))' role='img' aria-label='where the time goes \(type.name)' class='stages'>"
        svg += "<rect x='\(left)' y='4' width='10' height='10' fill='#1f4e79'/><text x='\(left + 14)' y='13' font-size='11'>writing (event to sent), median</text>"
        svg += "<rect x='\(left + 220)' y='4' width='10' height='10' fill='#d68910'/><text x='\(left + 234)' y='13' font-size='11'>delivery (sent to received), median</text>"
        for (i, (trust, writing, delivery)) in data.enumerated() {
            let y = top + Double(i) * rowHeight
            let t = Self.escape(trust)
            svg += "<text x='\(left - 6)' y='\(y + 10)' font-size='10' text-anchor='end'>\(t)</text>"
            svg += "<rect x='\(x(0))' y='\(y + 2)' width='\(x(writing) - x(0))' height='\(rowHeight - 4)' fill='#1f4e79'><title>\(t) writing median \(CSVWriter.fixedText(writing)) h</title></rect>"
            svg += "<rect x='\(x(writing))' y='\(y + 2)' width='\(x(writing + delivery) - x(writing))' height='\(rowHeight - 4)' fill='#d68910'><title>\(t) delivery median \(CSVWriter.fixedText(delivery)) h</title></rect>"
        }
        let axis = top + Double(data.count) * rowHeight + 14
        for h in stride(from: 0.0, through: maxHours, by: maxHours > 1000 ? 240 : maxHours > 400 ? 96 : 24) {
            svg += "<text x='\(x(h))' y='\(axis)' font-size='10' text-anchor='middle'>\(Int(h))h</text>"
        }
        return svg + "</svg>"
    }

    func league(_ type: LetterType) -> String {
        let data = rows.filter { $0.type == type }.sorted { ($0.withinLimitPercent ?? -1) > ($1.withinLimitPercent ?? -1) }
        var html = "<table><thead><tr><th>#</th><th>trust</th><th>letters</th><th>outstanding</th><th>median (h)</th><th>KM median (h)</th><th>× 3.5 d</th><th>in limit %</th><th>≤3 d %</th><th>≤4 d %</th></tr></thead><tbody>"
        for (i, r) in data.enumerated() {
            let f = formatter
            let cells = [String(i + 1), Self.escape(r.trust), f.count(r.letters), f.count(r.outstanding), f.hours(r.p50Hours, base: r.received),
                         f.hours(r.kmP50Hours, base: r.letters), f.ratio(r.p50VersusBaseline, base: r.received),
                         f.percent(r.withinLimit, of: r.due), f.percent(r.within3d, of: r.due3d), f.percent(r.within4d, of: r.due4d)]
            html += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// The whole page as one string; `write(to:)` streams it instead.
    public func render() throws -> String {
        let sink = OutputSink.memory()
        try write(to: sink)
        return try sink.text
    }

    /// Writes the page a letter type's section at a time, so only one section is held.
    public func write(to sink: OutputSink) throws {
        let delay = run.delayDescription
        try sink.write("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>letterlag run \(run.id)</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 820px; color: #222; }
            table { border-collapse: collapse; font-size: 13px; margin-bottom: 2em; }
            th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #eee; }
            td:nth-child(2), th:nth-child(2) { text-align: left; }
            section { margin-top: 2.5em; } svg { display: block; margin: 0.5em 0 1.5em; }
            figure.spc-series { margin: 0 0 1em; } figcaption { display: flex; align-items: center; gap: 8px; font-size: 13px; }
            svg.icon { display: inline-block; margin: 0; } details summary { cursor: pointer; margin: 0.5em 0; }
            </style></head><body>
            <h1>How long hospital letters take to reach GPs</h1>
            <p>Run \(run.id), as of \(run.asOf): \(run.letters) letters; delay is \(delay).\(formatter.publish ? " Disclosure control applied: counts of 1–\(DisclosureThreshold.largestSuppressed) shown as *, others rounded to 5." : "")</p>

            """)
        for type in LetterType.allCases where rows.contains(where: { $0.type == type }) {
            let limit = currentLimitHours(type).map { $0 >= 48 ? "\(Int($0 / 24)) days" : "\(Int($0)) hours" } ?? "none"
            var body = "<section><h2>\(type.name.replacingOccurrences(of: "_", with: " "))</h2>"
            body += "<p>Contract limit for events on the as-of date: \(limit). Dots are medians, grey bars reach the 90th percentile; the green band is the 3–4 days GPs recall from forty years ago.</p>"
            body += dotPlot(type)
            body += "<h3>Where the time goes: writing against delivery</h3>" + stagesChart(type)
            body += "<h3>Weekly median, the five trusts with the lowest compliance</h3>" + trendChart(type)
            body += "<p class='note'>Hollow points joined by dashes are provisional weeks: some letters are outstanding and not yet older than both the contract limit and 4 days, so the figures can still change. Where letters are outstanding the line is the Kaplan–Meier median, which counts them as censored at their age.</p>"
            body += "<h3>Compliance over time: SPC, complete weeks</h3>"
            body += "<p class='note'>XmR charts as NHS England's Making Data Count draws them (docs/spc.md): the mean solid, the process limits dashed; orange points are special-cause concerns, blue improvements, grey common cause. Provisional weeks are not charted.</p>"
            try sink.write(body)
            try sink.write(spcSection(type))
            try sink.write("<h3>Compliance league table</h3>" + league(type) + "</section>\n")
        }
        try sink.write("</body></html>\n")
    }
}
