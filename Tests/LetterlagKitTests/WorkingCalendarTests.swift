import Testing
@testable import LetterlagKit

@Suite struct WorkingCalendarTests {
    let calendar = WorkingCalendar.shared
    func day(_ s: String) -> Int { CivilDate.parse(isoDate: s)! }

    @Test(arguments: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26",
                      "2021-12-27", "2021-12-28", "2022-01-03", "2020-05-08", "2022-06-02", "2022-06-03", "2022-09-19", "2023-05-08",
                      "2019-04-19", "2019-04-22", "2025-04-18", "2025-04-21", "2026-12-28"])
    func bankHolidaysAreNotWorkingDays(date: String) {
        #expect(!calendar.isWorkingDay(day(date)), "\(date)")
    }

    @Test(arguments: ["2020-05-04", "2022-05-30", "2024-05-07", "2024-12-27", "2021-12-29"])
    func movedHolidaysAndOrdinaryWeekdaysAreWorkingDays(date: String) {
        #expect(calendar.isWorkingDay(day(date)), "\(date)")
    }

    @Test func easterFollowsTheComputus() {
        #expect(CivilDate.isoDate(days: WorkingCalendar.easter(2024)) == "2024-03-31")
        #expect(CivilDate.isoDate(days: WorkingCalendar.easter(2025)) == "2025-04-20")
        #expect(CivilDate.isoDate(days: WorkingCalendar.easter(2038)) == "2038-04-25")
    }

    @Test func englandAndWalesHaveEightBankHolidaysInAnOrdinaryYear() {
        for year in [2019, 2021, 2024, 2025, 2030] {
            let days = CivilDate.days(year: year, month: 1, day: 1)..<CivilDate.days(year: year + 1, month: 1, day: 1)
            let holidays = days.filter { CivilDate.isoWeekday(days: $0) <= 5 && !calendar.isWorkingDay($0) }
            #expect(holidays.count == 8, "\(year): \(holidays.map(CivilDate.isoDate))")
        }
    }

    @Test func aFridayLetterReceivedOnMondayTookOneWorkingDay() {
        #expect(calendar.workingDays(from: day("2024-03-01"), to: day("2024-03-04")) == 1)
        #expect(calendar.workingDays(from: day("2024-03-28"), to: day("2024-04-02")) == 1)  // over Easter
        #expect(calendar.workingDays(from: day("2024-03-04"), to: day("2024-03-04")) == 0)
        #expect(calendar.workingDays(from: day("2024-03-04"), to: day("2024-03-11")) == 5)
    }
}
