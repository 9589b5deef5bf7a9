/// An XmR (individuals) chart of one series, by the rules of NHS England's "Making Data Count"
/// as the NHS-R package NHSRplotthedots 0.2 computes them with its defaults (docs/spc.md).
///
/// Pure arithmetic on the values in time order; O(n). The caller chooses the series: letterlag
/// charts complete periods only, so a period whose letters are still arriving cannot raise or
/// hide a signal.
public struct XmRChart: Sendable {
    /// Which way is better.
    public enum Improvement: Sendable { case increase, decrease }

    /// A point's type, as NHSRplotthedots names it.
    public enum PointType: String, Sendable {
        case specialCauseImprovement = "special_cause_improvement"
        case specialCauseConcern = "special_cause_concern"
        case commonCause = "common_cause"
    }

    public struct Point: Sendable, Equatable {
        public var value: Double
        /// |value − previous value|; nil for the first point.
        public var movingRange: Double?
        public var specialCause: String
        public var type: PointType
        /// The type's name, as CSV and the package print it.
        public var pointType: String { type.rawValue }
    }

    public let mean: Double
    /// The mean moving range after screening, as the limits use it.
    public let meanMovingRange: Double
    public let lowerLimit: Double
    public let upperLimit: Double
    public let points: [Point]

    /// Moving ranges at least this many times their mean are left out before the limits are set.
    public static let screeningFactor = 3.267
    /// The limits are this many mean moving ranges from the mean (3σ for an XmR chart).
    public static let limitFactor = 2.66
    /// Fewer points than this make a short series: computed, but marked.
    public static let shortSeries = 13

    public var isShort: Bool { points.count < Self.shortSeries }

    public init(values: [Double], improvement: Improvement, screen: Bool = true) {
        let n = values.count
        mean = n == 0 ? .nan : values.reduce(0, +) / Double(n)
        var ranges: [Double] = []
        for i in values.indices.dropFirst() { ranges.append(abs(values[i] - values[i - 1])) }
        var mr = ranges.isEmpty ? .nan : ranges.reduce(0, +) / Double(ranges.count)
        if screen && !ranges.isEmpty {
            let kept = ranges.filter { $0 < Self.screeningFactor * mr }
            mr = kept.isEmpty ? mr : kept.reduce(0, +) / Double(kept.count)
        }
        meanMovingRange = mr
        lowerLimit = mean - Self.limitFactor * mr
        upperLimit = mean + Self.limitFactor * mr
        let nearLower = mean - 2.0 / 3.0 * Self.limitFactor * mr
        let nearUpper = mean + 2.0 / 3.0 * Self.limitFactor * mr
        let (mean, lower, upper) = (mean, lowerLimit, upperLimit)

        // Rule 2: part of 7 or more points in a row, each strictly above (below) the one before.
        var trendUp = [Bool](repeating: false, count: n), trendDown = trendUp
        func markRuns(_ rising: Bool, into marks: inout [Bool]) {
            var start = 0
            for i in 0..<n {
                let continues = i > 0 && (rising ? values[i] > values[i - 1] : values[i] < values[i - 1])
                if !continues { start = i }
                if i - start + 1 >= 7 { for j in start...i { marks[j] = true } }
            }
        }
        markRuns(true, into: &trendUp)
        markRuns(false, into: &trendDown)

        // Rule 4: part of 7 or more points in a row on one side of the mean; the mean itself breaks a run.
        var sevenAbove = [Bool](repeating: false, count: n), sevenBelow = sevenAbove
        func markSides(_ above: Bool, into marks: inout [Bool]) {
            var start = 0
            for i in 0..<n {
                let side = above ? values[i] > mean : values[i] < mean
                if !side { start = i + 1; continue }
                if i - start + 1 >= 7 { for j in start...i { marks[j] = true } }
            }
        }
        markSides(true, into: &sevenAbove)
        markSides(false, into: &sevenBelow)

        // Rule 3: close to a limit, in some window of 3 on one side of the mean with 2 or more close on that side.
        let closeAbove = values.map { $0 > nearUpper && $0 <= upper }
        let closeBelow = values.map { $0 < nearLower && $0 >= lower }
        var twoOfThreeAbove = [Bool](repeating: false, count: n), twoOfThreeBelow = twoOfThreeAbove
        if n >= 3 {
            for start in 0...(n - 3) {
                let window = start..<(start + 3)
                if window.allSatisfy({ values[$0] > mean }) && window.filter({ closeAbove[$0] }).count >= 2 {
                    for j in window where closeAbove[j] { twoOfThreeAbove[j] = true }
                }
                if window.allSatisfy({ values[$0] < mean }) && window.filter({ closeBelow[$0] }).count >= 2 {
                    for j in window where closeBelow[j] { twoOfThreeBelow[j] = true }
                }
            }
        }

        var points: [Point] = []
        for i in 0..<n {
            let x = values[i]
            let cause: String
            var higher: Bool?
            if x > upper { cause = "Above UCL"; higher = true }
            else if x < lower { cause = "Below LCL"; higher = false }
            else if trendUp[i] || trendDown[i] {
                // The step to the next point when it is in a trend too, else the step from the
                // previous one: a turn shared by two trends takes the one to its right. A flat step
                // (a tie joining two trends) reads as decreasing, as in NHSRplotthedots.
                let nextInTrend = i + 1 < n && (trendUp[i + 1] || trendDown[i + 1])
                let step = nextInTrend ? values[i + 1] - x : (i > 0 ? x - values[i - 1] : 0)
                higher = step > 0
                cause = step > 0 ? "7 Point Trend (Increasing)" : "7 Point Trend (Decreasing)"
            }
            else if twoOfThreeAbove[i] { cause = "2 in 3 Above CL"; higher = true }
            else if twoOfThreeBelow[i] { cause = "2 in 3 Below CL"; higher = false }
            else if sevenAbove[i] { cause = "7 Points Above CL"; higher = true }
            else if sevenBelow[i] { cause = "7 Points Below CL"; higher = false }
            else { cause = "Common Cause" }
            let type: PointType
            if let higher {
                type = higher == (improvement == .increase) ? .specialCauseImprovement : .specialCauseConcern
            } else {
                type = .commonCause
            }
            points.append(Point(value: x, movingRange: i == 0 ? nil : abs(x - values[i - 1]), specialCause: cause, type: type))
        }
        self.points = points
    }

    /// Whether the process can be relied on to meet `target`: `consistent_pass` when the whole
    /// band between the limits is on the better side of it, `consistent_fail` when it is all on
    /// the worse side, else `inconsistent`.
    public func assurance(target: Double, improvement: Improvement) -> String {
        switch improvement {
        case .increase:
            if lowerLimit > target { return "consistent_pass" }
            if upperLimit < target { return "consistent_fail" }
        case .decrease:
            if upperLimit < target { return "consistent_pass" }
            if lowerLimit > target { return "consistent_fail" }
        }
        return "inconsistent"
    }
}
