import Foundation

/// SPC charts and Making Data Count icons as inline SVG, for the HTML report.
///
/// Colours are Making Data Count's: orange for a special-cause concern, blue for an
/// improvement, grey for common cause. Trust codes and type names are checked codes
/// (`CodeShape`, `LetterType`), so they can name a marker. No scripts, fonts or files: the page stays self-contained.
enum SPCChartSVG {
    static let concern = "#fab428", improvement = "#289de0", common = "#7b7d7d"

    static func colour(_ type: XmRChart.PointType) -> String {
        switch type {
        case .specialCauseConcern: concern
        case .specialCauseImprovement: improvement
        case .commonCause: common
        }
    }

    /// An XmR chart of one series: points coloured by type, the mean solid, the limits dashed.
    static func chart(_ s: SPCAnalysis.Series, measure: SPCAnalysis.Measure, target: Double?) -> String {
        let points = s.chart.points
        guard !points.isEmpty else { return "" }
        let width = 760.0, height = 220.0, left = 56.0, right = 96.0, top = 12.0, bottom = 26.0
        // A series of one point has no moving range, so no limits: only its point is drawn.
        let limits = [s.chart.lowerLimit, s.chart.mean, s.chart.upperLimit].filter(\.isFinite)
        var lo = (limits + points.map(\.value)).min()!, hi = (limits + points.map(\.value)).max()!
        if let target { lo = min(lo, target); hi = max(hi, target) }
        if hi - lo < 1e-9 { hi += 1; lo -= 1 }
        let pad = (hi - lo) * 0.05
        lo -= pad; hi += pad
        func x(_ i: Int) -> Double { left + (points.count == 1 ? 0.5 : Double(i) / Double(points.count - 1)) * (width - left - right) }
        func y(_ v: Double) -> Double { top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom) }
        let f = { CSVWriter.fixedText($0) }
        let name = HTMLReport.escape("\(s.trust) \(s.type.name)")
        var svg = "<svg xmlns='http://www.w3.org/2000/svg' class='spc' viewBox='0 0 \(Int(width)) \(Int(height))' width='\(Int(width))' height='\(Int(height))' role='img' aria-label='SPC chart of \(measure.rawValue), \(name)'>"
        for (value, label, dash) in [(s.chart.upperLimit, "UCL", "5 4"), (s.chart.mean, "mean", ""), (s.chart.lowerLimit, "LCL", "5 4")]
            where value.isFinite {
            svg += "<line x1='\(left)' x2='\(width - right)' y1='\(y(value))' y2='\(y(value))' stroke='#425563' stroke-width='1.2'\(dash.isEmpty ? "" : " stroke-dasharray='\(dash)'")/>"
            svg += "<text x='\(width - right + 4)' y='\(y(value) + 4)' font-size='10'>\(label) \(f(value))</text>"
        }
        if let target {
            svg += "<line x1='\(left)' x2='\(width - right)' y1='\(y(target))' y2='\(y(target))' stroke='#c0392b' stroke-width='1' stroke-dasharray='2 2'/>"
            svg += "<text x='\(left + 2)' y='\(y(target) - 3)' font-size='10' fill='#c0392b'>target \(f(target))</text>"
        }
        // Every point is a vertex of one line, each marked by a grey dot (an SVG marker, so a
        // five-year weekly series costs a coordinate a point, not an element); special causes
        // are drawn over it in their colours, each with its period, value and rule.
        let marker = "spc-\(s.trust)-\(s.type.name)"
        svg += "<defs><marker id='\(marker)' viewBox='0 0 8 8' refX='4' refY='4' markerWidth='6' markerHeight='6' markerUnits='userSpaceOnUse'>"
            + "<circle cx='4' cy='4' r='3' fill='\(common)'/></marker></defs>"
        let path = points.indices.map { "\(x($0)),\(y(points[$0].value))" }.joined(separator: " ")
        svg += "<polyline class='points' points='\(path)' fill='none' stroke='#aeb7bd' stroke-width='1.2' marker-start='url(#\(marker))' marker-mid='url(#\(marker))' marker-end='url(#\(marker))'/>"
        for (i, p) in points.enumerated() where p.type != .commonCause {
            svg += "<circle cx='\(x(i))' cy='\(y(p.value))' r='3.4' fill='\(colour(p.type))' class='\(p.pointType)'><title>\(HTMLReport.escape(s.periods[i])): \(f(p.value)) — \(HTMLReport.escape(p.specialCause))</title></circle>"
        }
        for v in [lo + pad, hi - pad] {
            svg += "<text x='\(left - 6)' y='\(y(v) + 4)' font-size='10' text-anchor='end'>\(f(v))</text>"
        }
        svg += "<text x='\(left)' y='\(height - 8)' font-size='10'>\(HTMLReport.escape(s.periods.first!))</text>"
        svg += "<text x='\(width - right)' y='\(height - 8)' font-size='10' text-anchor='end'>\(HTMLReport.escape(s.periods.last!))</text>"
        return svg + "</svg>"
    }

    /// A Making Data Count icon: a ringed circle in `colour` holding `inner`, titled for a screen reader.
    static func icon(_ kind: String, label: String, title: String, colour: String, inner: String) -> String {
        "<svg xmlns='http://www.w3.org/2000/svg' class='icon \(kind)' viewBox='0 0 40 40' width='34' height='34' role='img' aria-label='\(kind): \(label)'>"
            + "<title>\(title)</title><circle cx='20' cy='20' r='17' fill='white' stroke='\(colour)' stroke-width='3'/>\(inner)</svg>"
    }

    static func letter(_ text: String, _ colour: String) -> String {
        "<text x='20' y='27' font-size='19' font-weight='bold' text-anchor='middle' fill='\(colour)'>\(text)</text>"
    }

    /// The variation icon of a series' latest point: a circle in its type's colour holding H or L
    /// for a special cause high or low, or a flat trace for common cause.
    static func variationIcon(_ s: SPCAnalysis.Series) -> String {
        guard let p = s.latest else { return "" }
        let high = p.specialCause.contains("Above") || p.specialCause.contains("Increasing")
        let colour = colour(p.type)
        let inner = p.type == .commonCause
            ? "<polyline points='8,22 13,18 18,23 23,17 28,22 32,19' fill='none' stroke='\(colour)' stroke-width='2.5'/>"
            : letter(high ? "H" : "L", colour)
        return icon("variation", label: p.pointType,
                    title: "Variation: \(p.pointType.replacingOccurrences(of: "_", with: " ")) (\(HTMLReport.escape(p.specialCause)))",
                    colour: colour, inner: inner)
    }

    /// The assurance icon against a target: P (consistently passing), F (consistently failing)
    /// or ? (the target lies within the limits: the process will sometimes meet it).
    static func assuranceIcon(_ s: SPCAnalysis.Series) -> String {
        guard let a = s.assurance else { return "" }
        let (text, colour) = a == "consistent_pass" ? ("P", improvement) : a == "consistent_fail" ? ("F", concern) : ("?", common)
        return icon("assurance", label: a, title: "Assurance: \(a.replacingOccurrences(of: "_", with: " "))", colour: colour,
                    inner: letter(text, colour))
    }
}
