import Foundation
import GRDB
import Testing
@testable import LetterlagKit

@Suite struct ClockSkewTests {
    /// Receipts stamped 3 minutes, exactly 5 minutes, 5 minutes and a second, and 20 minutes before their sending.
    static let skewed = ExtractGenerator.header
        + "L1,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-02 10:00:00,2024-03-02 09:57:00,electronic\n"
        + "L2,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-02 10:00:00,2024-03-02 09:55:00,electronic\n"
        + "L3,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-02 10:00:00,2024-03-02 09:54:59,electronic\n"
        + "L4,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-02 10:00:00,2024-03-02 09:40:00,electronic\n"
        + "L5,RJ1,,A81001,300,clinic_letter,2024-03-01 09:00:00,2024-03-02 10:00:00,2024-03-02 10:30:00,electronic\n"

    @Test func aReceiptUpToTheToleranceBeforeItsSendingCountsAsDeliveredAtSendingAndAnEarlierOneIsSetAside() throws {
        let dir = try ScratchDirectory()
        let result = try ingest([try dir.write("x.csv", Self.skewed)])
        #expect(result.rejectCounts == [.receivedBeforeSent: 2])
        let cell = try #require(try result.cells.values.first)
        #expect(cell.letters == 3 && cell.deliveredAtSending == 2)
        // Delivery 0 for the two within the tolerance, 30 minutes for the other; delay as stamped.
        #expect(cell.delivery.minimum == 0 && cell.delivery.maximum == 1_800 && cell.delivery.total == 3)
        #expect(cell.delay.minimum == 24 * 3_600 + 55 * 60 && cell.delay.maximum == 25 * 3_600 + 30 * 60)
        #expect(cell.writing.minimum == 25 * 3_600 && cell.writing.maximum == 25 * 3_600)
    }

    @Test func theToleranceIsAnOptionAndEachRunCountsPrintsAndStoresItsLettersDeliveredAtSending() throws {
        let dir = try ScratchDirectory()
        let file = try dir.write("x.csv", Self.skewed)
        let db = dir.path("s.sqlite")
        let out = try Binary.run(["ingest", file, "--db", db, "--max-rejected", "100"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("received up to 5 min before sending, counted as delivered at sending (clock skew): 2"), "\(out.stdout)")
        let strict = try Binary.run(["ingest", file, "--db", db, "--replace", "--clock-skew", "0", "--max-rejected", "100"])
        #expect(strict.status == 0, "\(strict.stderr)")
        #expect(strict.stdout.contains("(clock skew): 0") && strict.stdout.contains("set aside received_before_sent: 4"), "\(strict.stdout)")
        let wide = try Binary.run(["ingest", file, "--db", db, "--replace", "--clock-skew", "30", "--max-rejected", "100"])
        #expect(wide.stdout.contains("received up to 30 min before sending, counted as delivered at sending (clock skew): 4"), "\(wide.stdout)")
        let stored = try DatabaseQueue(path: db).read { db in
            try Row.fetchOne(db, sql: """
                SELECT r.clock_skew_minutes, r.delivered_at_sending, s.delivered_at_sending AS per_trust, s.letters
                FROM runs r JOIN summary s ON s.run_id = r.id
                """)
        }
        let row = try #require(stored)
        #expect(row["clock_skew_minutes"] as Double == 30 && row["delivered_at_sending"] as Int == 4)
        #expect(row["per_trust"] as Int == 4 && row["letters"] as Int == 5)
        #expect(try Binary.run(["ingest", file, "--db", db, "--clock-skew", "-1"]).status == 64)
    }

    @Test func aSlowReceivingClockStampingToTheMinuteLosesNoLettersAndMatchesTheRule() throws {
        // Receipts to the minute by a clock 3 minutes slow: the fast electronic ones read as
        // received before they were sent. A few stamped 20 minutes early are set aside.
        let dir = try ScratchDirectory()
        var lines = [ExtractGenerator.header.dropLast()]
        var expected: [Int64] = []
        var early = 0
        var rng = SplitMix64(seed: 9)
        for i in 0..<3_000 {
            let sentMinute = Int(rng.next() % 600), second = Int(rng.next() % 60), transit = Int(rng.next() % 400)
            let sent = 9 * 3_600 + sentMinute * 60 + second
            var received = (sent + transit - 180) / 60 * 60
            if i % 500 == 0 { received = sent - 20 * 60 }
            func stamp(_ s: Int) -> String { String(format: "2024-05-02 %02d:%02d:%02d", s / 3_600, s / 60 % 60, s % 60) }
            lines.append("L\(i),RJ1,,A81001,300,discharge_summary,2024-05-02 08:00:00,\(stamp(sent)),\(stamp(received)),electronic")
            if sent - received <= 300 { expected.append(Int64(max(0, received - sent))) }
            if received < sent && sent - received <= 300 { early += 1 }
        }
        let result = try ingest([try dir.write("m.csv", lines.joined(separator: "\n") + "\n")])
        #expect(result.rejectCounts == [.receivedBeforeSent: 6])
        let cell = try #require(try result.cells.values.first)
        #expect(cell.letters == expected.count && cell.deliveredAtSending == early && early > 300)
        let sorted = expected.sorted()
        for p in [0.5, 0.9] {
            let exact = Double(sorted[Int((p * Double(sorted.count)).rounded(.up)) - 1])
            let got = try #require(cell.delivery.percentile(perMille: Int(p * 1000)))
            #expect(abs(got - exact) <= max(0.01 * exact, 0.5), "delivery p\(Int(p * 100)): \(got) against \(exact)")
        }
    }
}
