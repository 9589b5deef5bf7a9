import Testing
@testable import LetterlagKit

@Suite struct DisclosureControlTests {
    @Test(arguments: [(0, "0"), (1, "*"), (7, "*"), (8, "10"), (12, "10"), (13, "15"), (15, "15"), (17, "15"), (18, "20"), (1_002, "1000")])
    func countsAreSuppressedOrRoundedToFive(n: Int, shown: String) {
        #expect(DisclosureControl.count(n) == shown)
    }

    @Test func everyPublishedCountIsAStarOrAMultipleOfFive() {
        for n in 0...500 {
            let shown = DisclosureControl.count(n)
            #expect(shown == "*" || Int(shown)! % 5 == 0)
            #expect(shown != "*" || (1...7).contains(n))
            if let v = Int(shown) { #expect(abs(v - n) <= 2) }
        }
    }

    @Test func percentagesComeFromRoundedCounts() {
        #expect(DisclosureControl.percent(12, of: 18) == 50)      // 10 of 20
        #expect(DisclosureControl.percent(0, of: 9) == 0)
        #expect(DisclosureControl.percent(3, of: 40) == nil)      // numerator suppressed
        #expect(DisclosureControl.percent(3, of: 5) == nil)       // denominator suppressed
        #expect(DisclosureControl.statistic(12.5, base: 7) == nil)
        #expect(DisclosureControl.statistic(12.5, base: 8) == 12.5)
    }
}
