import GRDB
import Testing
@testable import LetterlagKit

@Suite struct StoredFiguresTests {
    /// A row whose every figure differs from every other, so a column bound or read out of order shows.
    static func distinctRow() -> SummaryRow {
        var c = CellSummary()
        c.letters = 101; c.received = 102; c.outstanding = 103; c.due = 104; c.withinLimit = 105
        c.due3d = 106; c.within3d = 107; c.due4d = 108; c.within4d = 109
        var row = SummaryRow(trust: "RAA", type: .dischargeSummary, counts: c, hours: (1.5, 2.5, 3.5, 4.5, 5.5, 6.5),
                             kmP50Hours: 7.5, p50WorkingDays: 8.5, complete: true)
        row.stages = StageFigures(sent: 201, delivered: 202, inTransit: 203, writingDue: 204, writingWithinLimit: 205,
                                  hours: (9.5, 10.5, 11.5, 12.5, 13.5))
        return row
    }

    @Test func everyFigureIsReadBackFromTheColumnItsBinderWroteItTo() throws {
        let columns = ["trust_code", "letter_type"] + StoredFigures.columns + ["km_p50_hours", "p50_working_days", "complete"]
            + StoredFigures.stageColumns
        let queue = try DatabaseQueue()
        let read = try queue.write { db -> [SummaryRow] in
            try db.execute(sql: "CREATE TABLE t (\(columns.joined(separator: ", ")))")
            var insert = try BulkInsert(db, into: "t", columns)
            let row = Self.distinctRow()
            insert.bind(row.trust)
            insert.bind(row.type.name)
            insert.bind(figuresOf: row)
            insert.bind(row.kmP50Hours)
            insert.bind(row.p50WorkingDays)
            insert.bind(1)
            insert.bind(stagesOf: row)
            try insert.step(db)
            try insert.finish(db)
            // Read back in another column order, as a query naming them differently would.
            let reversed = Array(columns.reversed())
            var rows: [SummaryRow] = []
            try StatementRow.forEach(in: db, "SELECT \(reversed.joined(separator: ", ")) FROM t") {
                rows.append(try SummaryRow(reading: $0, at: StoredFigures.Positions(reversed), table: "t", path: ":memory:"))
            }
            return rows
        }
        #expect(read == [Self.distinctRow()])
    }

    @Test func aRowWithoutStagesReadsBackWithoutThem() throws {
        let columns = ["trust_code", "letter_type"] + StoredFigures.columns + ["km_p50_hours"] + StoredFigures.stageColumns
        let queue = try DatabaseQueue()
        var row = Self.distinctRow()
        row.stages = nil
        row.p50WorkingDays = nil
        row.complete = nil
        let read = try queue.write { db -> [SummaryRow] in
            try db.execute(sql: "CREATE TABLE t (\(columns.joined(separator: ", ")))")
            var insert = try BulkInsert(db, into: "t", columns)
            insert.bind(row.trust)
            insert.bind(row.type.name)
            insert.bind(figuresOf: row)
            insert.bind(row.kmP50Hours)
            insert.bind(stagesOf: row)
            try insert.step(db)
            try insert.finish(db)
            var rows: [SummaryRow] = []
            try StatementRow.forEach(in: db, "SELECT \(columns.joined(separator: ", ")) FROM t") {
                rows.append(try SummaryRow(reading: $0, at: StoredFigures.Positions(columns), table: "t", path: ":memory:"))
            }
            return rows
        }
        #expect(read == [row])
    }

    /// With 4 rows to a statement (20 parameters of 5 columns).
    @Test(arguments: [0, 1, 3, 4, 5, 17])
    func everyRowLandsWithItsValuesWhateverItsPlaceInAStatement(rows: Int) throws {
        let queue = try DatabaseQueue()
        let read = try queue.write { db -> [[String]] in
            try db.execute(sql: "CREATE TABLE t (i INTEGER, d REAL, n INTEGER, s TEXT, b BLOB)")
            var insert = try BulkInsert(db, into: "t", ["i", "d", "n", "s", "b"], parameters: 20)
            #expect(insert.rowsPerStatement == 4)
            for r in 0..<rows {
                insert.bind(r)
                insert.bind(Double(r) / 4)
                insert.bind(r % 3 == 0 ? nil : Optional(r) as Int?)
                insert.bind("row \(r) ✓")
                insert.bind(ArraySlice(Array(repeating: UInt8(r & 0xFF), count: r % 5)))
                try insert.step(db)
            }
            try insert.finish(db)
            var got: [[String]] = []
            try StatementRow.forEach(in: db, "SELECT i, d, quote(n), s, hex(b) FROM t ORDER BY rowid") {
                got.append([String($0.int(0)), String($0.real(1) ?? -1), $0.text(2), $0.text(3), $0.text(4)])
            }
            return got
        }
        let expected = (0..<rows).map { r in
            [String(r), String(Double(r) / 4), r % 3 == 0 ? "NULL" : String(r), "row \(r) ✓",
             String(repeating: String(format: "%02X", r & 0xFF), count: r % 5)]
        }
        #expect(read == expected)
    }

    @Test func aRowThatBreaksAConstraintFailsItsStatementAndTheRollbackLeavesNothing() throws {
        let queue = try DatabaseQueue()
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID")
            try db.beginTransaction()
            var insert = try BulkInsert(db, into: "t", ["k", "v"], parameters: 8)
            #expect(insert.rowsPerStatement == 4)
            var failure: DatabaseError?
            do {
                // The third row repeats the first's key, inside the first statement of four rows.
                for k in [1, 2, 1, 4, 5] {
                    insert.bind(k)
                    insert.bind("row \(k)")
                    try insert.step(db)
                }
                try insert.finish(db)
            } catch let error as DatabaseError {
                failure = error
            }
            #expect(failure?.resultCode == .SQLITE_CONSTRAINT)
            try db.rollback()
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 0)
        }
    }
}
