/// Which runs to keep, by the rules of restic's `forget` (docs/product.md, "History across
/// runs"): runs newest first by as-of time; `last` keeps the N newest; `daily`, `weekly`,
/// `monthly` and `yearly` each keep the newest run of each of the N newest days, ISO weeks,
/// months or years (of the as-of time in Europe/London) that have runs. A run kept by any rule stays.
public struct RetentionPolicy: Sendable, Equatable {
    /// A rule of the policy, as `prune` names it in its flags and its report.
    public enum Rule: String, CaseIterable, Sendable {
        case last, daily, weekly, monthly, yearly

        /// The period a run falls in under this rule; runs with the same value share it.
        func period(ofLocalDay day: Int, run: Int64) -> Int {
            switch self {
            case .last: return Int(run)
            case .daily: return day
            case .weekly: return CivilDate.weekIndex(days: day)
            case .monthly: return CivilDate.monthIndex(days: day)
            case .yearly: return CivilDate.civil(days: day).year
            }
        }
    }

    /// How many periods each rule keeps; a rule absent or 0 keeps none.
    public var counts: [Rule: Int]

    public init(counts: [Rule: Int]) { self.counts = counts.filter { $0.value > 0 } }

    /// Whether the policy keeps anything at all: an empty one would remove every run, so `prune` refuses it.
    public var isEmpty: Bool { counts.isEmpty }

    /// A run as the policy sees it.
    public struct Candidate: Sendable, Equatable {
        public var id: Int64
        /// The as-of instant, UTC seconds.
        public var asOf: Int64

        public init(id: Int64, asOf: Int64) {
            self.id = id
            self.asOf = asOf
        }
    }

    /// One run's fate: the rules that keep it, none when it is removed.
    public struct Decision: Sendable, Equatable {
        public var id: Int64
        public var asOf: Int64
        public var keptBy: [Rule]
        public var kept: Bool { !keptBy.isEmpty }
    }

    /// The decision for each run, newest first. Costs a sort of the runs.
    public func decide(_ runs: [Candidate]) -> [Decision] {
        let newestFirst = runs.sorted { ($0.asOf, $0.id) > ($1.asOf, $1.id) }
        var remaining = counts
        var lastPeriod: [Rule: Int] = [:]
        return newestFirst.map { run in
            let day = LondonClock.shared.localDay(fromUTC: run.asOf)
            var keptBy: [Rule] = []
            for rule in Rule.allCases {
                guard let left = remaining[rule], left > 0 else { continue }
                let period = rule.period(ofLocalDay: day, run: run.id)
                if lastPeriod[rule] != period {
                    lastPeriod[rule] = period
                    remaining[rule] = left - 1
                    keptBy.append(rule)
                }
            }
            return Decision(id: run.id, asOf: run.asOf, keptBy: keptBy)
        }
    }
}
