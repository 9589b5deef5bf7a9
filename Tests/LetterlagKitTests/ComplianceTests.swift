import Testing
@testable import LetterlagKit

@Suite struct ComplianceTests {
    @Test func outstandingLettersCountAsBreachesOnlyOnceTheirDeadlinePasses() throws {
        let dir = try ScratchDirectory()
        // As of 2024-03-20 12:00 GMT; clinic letters have a 7-day limit.
        let lines = [canonicalHeader,
                     row("L1", event: "2024-03-01 12:00:00", sent: "2024-03-02 12:00:00", received: "2024-03-03 12:00:00"), // 2 d: in limit, ≤3d
                     row("L2", event: "2024-03-01 12:00:00", received: "2024-03-05 00:00:00"),   // 3.5 d: in limit, ≤4d only
                     row("L3", event: "2024-03-01 12:00:00", received: "2024-03-11 12:00:00"),   // 10 d: breach
                     row("L4", event: "2024-03-05 12:00:00"),                                     // outstanding 15 d: breach
                     row("L5", event: "2024-03-16 12:00:00", sent: "2024-03-17 12:00:00"),        // outstanding 4 d: not yet due; 3d and 4d due
                     row("L6", event: "2024-03-19 12:00:00"),                                     // outstanding 1 d: due nowhere
        ]
        let result = try ingest([try dir.write("c.csv", lines.joined(separator: "\n") + "\n")], asOf: "2024-03-20 12:00:00")
        let s = try #require(try wholeRun(result)["RJ1/clinic_letter"])
        #expect(s.letters == 6)
        #expect(s.received == 3)
        #expect(s.outstanding == 3)
        #expect(s.due == 4)
        #expect(s.withinLimit == 2)
        #expect(s.withinLimitPercent == 50)
        #expect(s.due3d == 5)
        #expect(s.within3d == 1)
        #expect(s.due4d == 5)
        #expect(s.within4d == 2)
        #expect(s.oldestOutstandingHours == 360.0)
        // The median, 3.5 days, comes from a histogram bucket: within 1% by contract, not exact.
        #expect(abs(try #require(s.p50Hours) - 84) <= 0.84)
    }

    @Test func theLimitInForceDependsOnTheEventDate() throws {
        let limits = ContractLimits.standard
        let clinic = LetterType.clinicLetter.rawValue
        func day(_ s: String) -> Int { CivilDate.parse(isoDate: s)! }
        #expect(limits.limitSeconds(type: clinic, eventDay: day("2016-03-31")) == -1)
        #expect(limits.limitSeconds(type: clinic, eventDay: day("2016-04-01")) == 14 * 86_400)
        #expect(limits.limitSeconds(type: clinic, eventDay: day("2017-04-01")) == 10 * 86_400)
        #expect(limits.limitSeconds(type: clinic, eventDay: day("2018-03-31")) == 10 * 86_400)
        #expect(limits.limitSeconds(type: clinic, eventDay: day("2018-04-01")) == 7 * 86_400)
        #expect(limits.limitSeconds(type: LetterType.aeDischarge.rawValue, eventDay: day("2020-01-01")) == 86_400)
        #expect(limits.limitSeconds(type: LetterType.dnaNotification.rawValue, eventDay: day("2019-01-01")) == 7 * 86_400)
    }

    @Test func limitsAreReadFromJSON() throws {
        let json = #"{"clinic_letter": [{"from": "2016-04-01", "hours": 48}], "discharge_summary": []}"#
        let limits = try ContractLimits(json: Data(json.utf8))
        #expect(limits.limitSeconds(type: LetterType.clinicLetter.rawValue, eventDay: CivilDate.parse(isoDate: "2020-01-01")!) == 48 * 3600)
        #expect(limits.limitSeconds(type: LetterType.dischargeSummary.rawValue, eventDay: 20_000) == -1)
        let unknown = #expect(throws: LetterlagError.self) { try ContractLimits(json: Data(#"{"memo": []}"#.utf8)) }
        if case .badLimits? = unknown {} else { Issue.record("expected a limits error, got \(String(describing: unknown))") }
    }
}

import Foundation

@Suite struct KaplanMeierTests {
    func histogram(_ values: [Int64]) -> LatencyHistogram {
        var h = LatencyHistogram()
        values.forEach { h.record($0) }
        return h
    }

    @Test func outstandingLettersRaiseTheMedianAsCensoredObservations() {
        // Events at 10, 20, 30, 40 s; two letters outstanding at 25 s. S(10)=5/6, S(20)=4/6, S(30)=4/6·1/2=1/3.
        let km = KaplanMeier.median(delays: histogram([10, 20, 30, 40]), censored: histogram([25, 25]))
        #expect(km == 30)
        #expect(histogram([10, 20, 30, 40]).percentile(perMille: 500) == 20)
    }

    @Test func withoutOutstandingLettersItIsThePlainMedian() {
        var rng = SplitMix64(seed: 8)
        let values = (0..<5_001).map { _ in Int64(rng.next() % 2_000_000) }
        let h = histogram(values)
        #expect(KaplanMeier.median(delays: h, censored: LatencyHistogram()) == h.percentile(perMille: 500))
    }

    @Test func whenMostLettersAreMissingTheMedianIsNotReached() {
        #expect(KaplanMeier.median(delays: histogram([10, 20]), censored: histogram([30, 40, 50])) == nil)
    }
}

@Suite struct WorkingDayDelayTests {
    @Test func delaysAreCountedInWorkingDaysLeavingOutWeekendsAndBankHolidays() throws {
        let dir = try ScratchDirectory()
        let lines = [canonicalHeader,
                     row("L1", event: "2024-03-01 16:00:00", received: "2024-03-04 09:00:00"),   // Fri → Mon: 1
                     row("L2", event: "2024-03-28 16:00:00", received: "2024-04-02 09:00:00"),   // over Easter: 1
                     row("L3", event: "2024-03-04 09:00:00", received: "2024-03-11 09:00:00")]   // a week: 5
        let result = try ingest([try dir.write("w.csv", lines.joined(separator: "\n") + "\n")])
        var merged = CellSummary()
        for (_, cell) in try result.cells { merged.merge(cell) }
        #expect(merged.workingDays.percentile(perMille: 500) == 1)
        #expect(merged.workingDays.maximum == 5)
        #expect(merged.workingDays.total == 3)
    }
}
