import GRDB
import GRDBSQLite

/// Binds values straight onto a prepared GRDB statement for inserts of tens of thousands of rows.
///
/// GRDB's `StatementArguments` boxes every value in an existential, which cost more than
/// SQLite itself for the weekly table; binding with the C API removes that, while GRDB still
/// owns the statement, the transaction and the errors. Text and blobs are copied into one
/// reused buffer and bound in place at `step`, so SQLite makes no copy of its own: bound as
/// transient, they were seven of SQLite's thirteen allocations per weekly row. A struct, so its
/// buffers are checked for exclusive access when compiled, not on every bind at run time.
struct BulkInsert {
    let statement: Statement
    private var index: Int32 = 1
    /// This row's text and blob bytes, and where each goes; bound when the row is stepped.
    private var arena: [UInt8] = []
    private var pending: [(index: Int32, start: Int, count: Int, isText: Bool)] = []

    /// The statement's parameters, every one of which each row binds, so no binding is cleared between rows.
    private let parameters: Int32

    init(_ statement: Statement) {
        self.statement = statement
        parameters = sqlite3_bind_parameter_count(statement.sqliteStatement)
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    mutating func bind(_ value: Int64) { sqlite3_bind_int64(handle, next(), value) }
    mutating func bind(_ value: Int) { sqlite3_bind_int64(handle, next(), Int64(value)) }

    mutating func bind(_ value: Int?) {
        let i = next()
        if let value { sqlite3_bind_int64(handle, i, Int64(value)) } else { sqlite3_bind_null(handle, i) }
    }

    mutating func bind(_ value: Double?) {
        let i = next()
        if let value { sqlite3_bind_double(handle, i, value) } else { sqlite3_bind_null(handle, i) }
    }

    mutating func bind(_ value: String) {
        let start = arena.count
        arena.append(contentsOf: value.utf8)
        pending.append((next(), start, arena.count - start, true))
    }

    mutating func bind(_ bytes: ArraySlice<UInt8>) {
        let start = arena.count
        arena.append(contentsOf: bytes)
        pending.append((next(), start, bytes.count, false))
    }

    /// Runs the insert with the values bound since the last step, then resets for the next row.
    mutating func step(_ db: Database) throws {
        precondition(index == parameters + 1, "a row binds every parameter of \(statement.sql), in order")
        let rc = arena.withUnsafeBytes { raw -> Int32 in
            // The arena no longer grows, so its bytes stay put until the statement is reset; a nil
            // destructor is SQLITE_STATIC, which tells SQLite to read them in place.
            let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            for v in pending {
                if v.isText {
                    sqlite3_bind_text(handle, v.index, (base + v.start).assumingMemoryBound(to: CChar.self), Int32(v.count), nil)
                } else {
                    sqlite3_bind_blob(handle, v.index, base + v.start, Int32(v.count), nil)
                }
            }
            let rc = sqlite3_step(handle)
            sqlite3_reset(handle)
            return rc
        }
        index = 1
        arena.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }

    private mutating func next() -> Int32 {
        defer { index += 1 }
        return index
    }
}
