import Foundation
import Testing
@testable import LetterlagKit

@Suite struct TimestampParserTests {
    let parser = TimestampParser()

    func utc(_ text: String) -> Int64? {
        let p = parser.parse(text)
        return p.status == .ok ? p.utc : nil
    }

    /// Seconds since 1970 of a UTC wall time, computed independently of the parser.
    func instant(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
        var c = DateComponents()
        (c.year, c.month, c.day, c.hour, c.minute, c.second) = (y, m, d, h, mi, s)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return Int64(cal.date(from: c)!.timeIntervalSince1970)
    }

    @Test(arguments: [
        ("2020-01-14 09:32:00", "GMT, space"),
        ("2020-01-14T09:32:00", "GMT, T"),
        ("2020-01-14 09:32", "no seconds"),
        ("2020-01-14T09:32:00.123", "fraction"),
        ("2020-01-14 09:32:00.5", "short fraction"),
        ("2020-01-14T09:32:00Z", "Z"),
        ("2020-01-14T09:32:00+00:00", "zero offset"),
        ("2020-01-14T10:32:00+01:00", "plus offset"),
        ("2020-01-14T08:32:00-01:00", "minus offset"),
        ("2020-01-14T10:32:00+0100", "offset without colon"),
        ("14/01/2020 09:32", "UK form"),
        ("14/01/2020 09:32:00", "UK form with seconds"),
        ("14/1/2020 9:32", "UK form, single digits"),
        (" 2020-01-14 09:32:00 ", "padded"),
    ])
    func everyAcceptedFormReadsTheSameWinterInstant(text: String, form: String) {
        #expect(utc(text) == instant(2020, 1, 14, 9, 32), "\(form)")
    }

    @Test func summerLocalTimeIsBST() {
        #expect(utc("2020-07-14 09:32:00") == instant(2020, 7, 14, 8, 32))
        #expect(utc("14/07/2020 09:32") == instant(2020, 7, 14, 8, 32))
        #expect(utc("2020-07-14T09:32:00Z") == instant(2020, 7, 14, 9, 32))
        #expect(utc("2020-07-14 09:32:00z") == instant(2020, 7, 14, 9, 32))
        // A UTC instant in summer is 10:32 on London clocks, which decides its local day and week.
        #expect(parser.parse("2020-07-14T23:32:00Z").local == instant(2020, 7, 15, 0, 32))
    }

    @Test func springGapTimeIsShiftedForwardAnHour() {
        // 2021-03-28: clocks go from 01:00 GMT to 02:00 BST; 01:30 does not exist and reads as 02:30 BST.
        #expect(utc("2021-03-28 01:30:00") == instant(2021, 3, 28, 1, 30))
        #expect(utc("2021-03-28 02:30:00") == instant(2021, 3, 28, 1, 30))
        #expect(utc("2021-03-28 00:59:59") == instant(2021, 3, 28, 0, 59, 59))
        #expect(utc("2021-03-28 03:00:00") == instant(2021, 3, 28, 2, 0))
    }

    @Test func autumnRepeatedHourTakesTheEarlierOffset() {
        // 2021-10-31: 01:00–01:59 happens twice; the first pass is BST (UTC+1).
        #expect(utc("2021-10-31 01:30:00") == instant(2021, 10, 31, 0, 30))
        #expect(utc("2021-10-31 00:59:00") == instant(2021, 10, 30, 23, 59))
        #expect(utc("2021-10-31 02:00:00") == instant(2021, 10, 31, 2, 0))
    }

    @Test func aLetterSpanningTheOctoberChangeTookAnHourLongerThanItsClocks() throws {
        let sent = try #require(utc("2021-10-30 12:00:00"))
        let received = try #require(utc("2021-10-31 12:00:00"))
        #expect(received - sent == 25 * 3600)
        let spring = try #require(utc("2021-03-28 12:00:00"))
        let before = try #require(utc("2021-03-27 12:00:00"))
        #expect(spring - before == 23 * 3600)
    }

    @Test(arguments: ["2021-02-29 10:00:00", "2020-13-01 10:00:00", "2020-04-31 10:00", "2020-01-01 24:00:00",
                      "2020-01-01 10:60:00", "31/02/2020 10:00", "2020-01-01 10:00:61", "2021-02-29T10:00:00Z"])
    func impossibleDatesAreImpossibleNotNumbers(text: String) {
        #expect(parser.parse(text).status == .impossible)
    }

    @Test(arguments: ["yesterday", "2020-01-01", "2020/01/01 10:00", "2020-01-01 10", "2020-1-01 10:00:00",
                      "2020-01-01 10:00:00 GMT", "01-01-2020 10:00", "2020-01-01T10:00:00+1", "20200101 1000",
                      "2020-01-01T10:00:0xZ", "2020-01-01T10:00:00X", "2020-01-01T10:00:00ZZ"])
    func unreadableFormsAreUnreadable(text: String) {
        #expect(parser.parse(text).status == .unreadable)
    }

    @Test func theEightBytesAtATimeFormAgreesWithTheGeneralReaderOnEveryOneByteDamage() {
        // With a fraction appended a field takes the general path, which drops the fraction; so each
        // field must read the same with and without it, whatever single byte is damaged.
        var rng = SplitMix64(seed: 11)
        func next(_ bound: UInt64) -> Int { Int(rng.next() % bound) }
        for _ in 0..<12 {
            let text = String(format: "%04d-%02d-%02d%@%02d:%02d:%02d", 1900 + next(300), 1 + next(12), 1 + next(31),
                              next(2) == 0 ? " " : "T", next(24), next(60), next(60))
            let bytes = Array(text.utf8)
            for position in bytes.indices {
                // A sign in place of the seconds' colon makes an offset, which no fraction may follow.
                for value in 0...255 where value != 0x2E && !(position == 16 && (value == 0x2B || value == 0x2D)) {
                    var damaged = bytes
                    damaged[position] = UInt8(value)
                    let fast = damaged.withUnsafeBufferPointer { parser.parse($0.baseAddress!, 0, 19) }
                    let general = (damaged + Array(".0".utf8)).withUnsafeBufferPointer { parser.parse($0.baseAddress!, 0, 21) }
                    #expect(fast == general, "\(damaged)")
                }
            }
        }
    }

    @Test func emptyAndBlankFieldsAreEmpty() {
        #expect(parser.parse("").status == .empty)
        #expect(parser.parse("   ").status == .empty)
    }

    @Test func londonClockAgreesWithTheSystemTimeZoneDatabase() throws {
        // tzdata's Europe/London follows the spec's rule from 1996 on; check random instants and every transition.
        let london = try #require(TimeZone(identifier: "Europe/London"))
        var rng = SplitMix64(seed: 42)
        let from = instant(1997, 1, 1), to = instant(2037, 12, 31)
        var instants = (0..<20_000).map { _ in from + Int64(rng.next() % UInt64(to - from)) }
        for year in 1997...2037 {
            let (s, e) = LondonClock.transitions(year: year)
            instants += [s - 1, s, s + 1, e - 1, e, e + 1]
        }
        for t in instants {
            let offset = Int64(london.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
            #expect(LondonClock.shared.local(fromUTC: t) == t + offset)
        }
    }

    @Test func localTimeFromUTCMatchesTheRuleForTheExactYearAroundEveryNewYearAndTransition() {
        // The year is estimated, not computed; the estimate may be a year off only where both give GMT.
        func reference(_ t: Int64) -> Int64 {
            let days = Int(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
            let (start, end) = LondonClock.transitions(year: CivilDate.civil(days: days).year)
            return t >= start && t < end ? t + 3_600 : t
        }
        for year in 1850...2250 {
            let newYear = Int64(CivilDate.days(year: year, month: 1, day: 1)) * 86_400
            for hour in -72...72 { #expect(LondonClock.shared.local(fromUTC: newYear + Int64(hour) * 3_600) == reference(newYear + Int64(hour) * 3_600)) }
            let (s, e) = LondonClock.transitions(year: year)
            for t in [s - 1, s, s + 1, e - 1, e, e + 1] { #expect(LondonClock.shared.local(fromUTC: t) == reference(t)) }
        }
    }

    @Test func isoWeeksFollowISO8601AcrossYearEnds() {
        func label(_ y: Int, _ m: Int, _ d: Int) -> String {
            CivilDate.isoWeekLabel(ofWeek: CivilDate.weekIndex(days: CivilDate.days(year: y, month: m, day: d)))
        }
        #expect(label(2020, 2, 14) == "2020-W07")
        #expect(label(2021, 1, 3) == "2020-W53")
        #expect(label(2021, 1, 4) == "2021-W01")
        #expect(label(2024, 12, 30) == "2025-W01")
        #expect(label(2019, 12, 29) == "2019-W52")
        #expect(label(2019, 12, 30) == "2020-W01")
    }
}
