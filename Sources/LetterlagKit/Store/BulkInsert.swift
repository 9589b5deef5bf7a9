import GRDB
import GRDBSQLite

/// Binds values straight onto a prepared GRDB statement for inserts of tens of thousands of rows.
///
/// GRDB's `StatementArguments` boxes every value in an existential, which cost more than
/// SQLite itself for the weekly table; binding with the C API removes that, while GRDB still
/// owns the statement, the transaction and the errors.
final class BulkInsert {
    let statement: Statement
    private var index: Int32 = 1

    init(_ statement: Statement) { self.statement = statement }

    private var handle: OpaquePointer { statement.sqliteStatement }

    func bind(_ value: Int64) { sqlite3_bind_int64(handle, next(), value) }
    func bind(_ value: Int) { sqlite3_bind_int64(handle, next(), Int64(value)) }

    func bind(_ value: Double?) {
        let i = next()
        if let value { sqlite3_bind_double(handle, i, value) } else { sqlite3_bind_null(handle, i) }
    }

    func bind(_ value: String) {
        let i = next()
        _ = value.withCString { sqlite3_bind_text(handle, i, $0, -1, Self.transient) }
    }

    func bind(_ bytes: [UInt8]) {
        let i = next()
        bytes.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(handle, i, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), Self.transient)
        }
    }

    /// The counts and hours columns shared by `weekly` and `summary`, in table order.
    func bind(figuresOf r: SummaryRow) {
        for count in [r.letters, r.received, r.outstanding, r.due, r.withinLimit, r.due3d, r.within3d, r.due4d, r.within4d] {
            bind(count)
        }
        for hours in [r.p50Hours, r.p90Hours, r.p95Hours, r.p99Hours, r.maxHours, r.oldestOutstandingHours] { bind(hours) }
    }

    /// Runs the insert with the values bound since the last step, then resets for the next row.
    func step(_ db: Database) throws {
        let rc = sqlite3_step(handle)
        index = 1
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }

    private func next() -> Int32 {
        defer { index += 1 }
        return index
    }

    /// SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
