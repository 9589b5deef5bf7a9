import Foundation

/// The NHS Standard Contract limit in force for each letter type, by event date.
///
/// Limits are data, not code: the defaults follow Service Condition 11 as docs/product.md gives
/// it, and `--limits FILE` replaces them with a JSON file of the same shape as `json`.
public struct ContractLimits: Sendable, Equatable {
    /// One period: from this Europe/London local day on, letters must arrive within `seconds`.
    public struct Period: Sendable, Equatable, Codable {
        public var from: String
        public var hours: Double

        public init(from: String, hours: Double) {
            self.from = from
            self.hours = hours
        }
    }

    /// Per letter type, periods sorted by start day.
    public private(set) var periods: [LetterType: [Period]]
    /// Flattened for the hot path, with no nested arrays to retain per row: type `t`'s periods,
    /// sorted by start day, are entries `first[t]..<first[t + 1]`.
    private var first: [Int] = [0]
    private var days: [Int] = []
    private var seconds: [Int64] = []

    public static let standard = try! ContractLimits(periods: [
        .dischargeSummary: [Period(from: "2016-04-01", hours: 24)],
        .aeDischarge: [Period(from: "2016-04-01", hours: 24)],
        .clinicLetter: [Period(from: "2016-04-01", hours: 14 * 24), Period(from: "2017-04-01", hours: 10 * 24),
                        Period(from: "2018-04-01", hours: 7 * 24)],
        .dnaNotification: [Period(from: "2016-04-01", hours: 14 * 24), Period(from: "2017-04-01", hours: 10 * 24),
                           Period(from: "2018-04-01", hours: 7 * 24)],
    ])

    public init(periods: [LetterType: [Period]]) throws {
        self.periods = [:]
        for type in LetterType.allCases {
            var list: [(Int, Period)] = []
            for p in periods[type] ?? [] {
                guard let day = CivilDate.parse(isoDate: p.from), p.hours >= 0, p.hours.isFinite else {
                    throw LetterlagError.badLimits("limit for \(type.name) from '\(p.from)' is not a date and a non-negative number of hours")
                }
                list.append((day, p))
            }
            list.sort { $0.0 < $1.0 }
            self.periods[type] = list.map(\.1)
            days.append(contentsOf: list.map(\.0))
            seconds.append(contentsOf: list.map { Int64(($0.1.hours * 3600).rounded()) })
            first.append(days.count)
        }
    }

    /// Reads limits from JSON: `{"clinic_letter": [{"from": "2016-04-01", "hours": 336}], ...}`.
    public init(json data: Data) throws {
        let raw: [String: [Period]]
        do { raw = try JSONDecoder().decode([String: [Period]].self, from: data) } catch {
            throw LetterlagError.badLimits("the limits file is not JSON of the documented shape: \(error)")
        }
        var map: [LetterType: [Period]] = [:]
        for (name, list) in raw {
            guard let type = LetterType(name: name) else {
                throw LetterlagError.badLimits("the limits file names an unknown letter type '\(name)'")
            }
            map[type] = list
        }
        try self.init(periods: map)
    }

    /// The JSON form, for storing beside a run.
    public var json: String {
        var object: [String: [Period]] = [:]
        for (t, p) in periods { object[t.name] = p }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(object), as: UTF8.self)
    }

    /// The limit in seconds for a letter of `type` whose event fell on local day `day`, or -1 when none applies.
    @inline(__always)
    public func limitSeconds(type: Int, eventDay day: Int) -> Int64 {
        let start = first[type]
        var i = first[type + 1] - 1
        while i >= start {
            if day >= days[i] { return seconds[i] }
            i -= 1
        }
        return -1
    }
}
