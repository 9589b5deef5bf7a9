import GRDB
import GRDBSQLite

/// Inserts tens of thousands of rows into one table, `rowsPerStatement` rows to a statement.
///
/// GRDB's `StatementArguments` boxes every value in an existential, which cost more than
/// SQLite itself for the weekly table; binding with the C API removes that, while GRDB still
/// owns the statements, the transaction and the errors. A row's values are held until its
/// statement runs: text and blobs in one reused buffer, bound in place, so SQLite makes no copy
/// of its own (bound as transient, they were seven of SQLite's thirteen allocations per weekly
/// row). A statement of many rows keeps its table's cursor open from row to row, where a
/// statement a row opened it and sought each row's place from the root; on the practice view's
/// months, rows in key order, that was about a third of SQLite's time. The last rows, fewer than
/// a statement's, go in one by one at `finish`, which must be called before anything reads the
/// table. A struct, so its buffers are checked for exclusive access when compiled.
struct BulkInsert {
    /// Rows a full statement inserts.
    let rowsPerStatement: Int
    /// The statement of one row, for the rows left at `finish`.
    let statement: Statement
    private let many: Statement
    /// The parameters of one row, every one of which each row binds.
    private let parameters: Int
    private var values: [Value] = []
    /// The held rows' text and blob bytes.
    private var arena: [UInt8] = []
    private var rows = 0

    private enum Value {
        case integer(Int64)
        case real(Double)
        case null
        case text(start: Int, count: Int)
        case blob(start: Int, count: Int)
    }

    /// Prepares the inserts into `table` of `columns` (`SummarySchema.insert`), as many rows to a
    /// statement as `parameters` parameters allow, at least one. A prepared statement holds a
    /// few hundred bytes a parameter, so the budget is what bounds the memory this takes.
    init(_ db: Database, into table: String, _ columns: [String], parameters budget: Int = 1) throws {
        parameters = columns.count
        rowsPerStatement = max(1, budget / columns.count)
        statement = try db.makeStatement(sql: SummarySchema.insert(into: table, columns))
        many = rowsPerStatement == 1 ? statement
            : try db.makeStatement(sql: SummarySchema.insert(into: table, columns, rows: rowsPerStatement))
        values.reserveCapacity(parameters * rowsPerStatement)
    }

    mutating func bind(_ value: Int64) { values.append(.integer(value)) }
    mutating func bind(_ value: Int) { values.append(.integer(Int64(value))) }
    mutating func bind(_ value: Int?) { values.append(value.map { .integer(Int64($0)) } ?? .null) }
    mutating func bind(_ value: Double?) { values.append(value.map { .real($0) } ?? .null) }

    mutating func bind(_ value: String) {
        let start = arena.count
        arena.append(contentsOf: value.utf8)
        values.append(.text(start: start, count: arena.count - start))
    }

    /// A code's bytes, as text.
    mutating func bind(_ code: PackedCode) {
        let start = arena.count
        for i in 0..<code.count { arena.append(code[i]) }
        values.append(.text(start: start, count: code.count))
    }

    mutating func bind(_ bytes: ArraySlice<UInt8>) {
        let start = arena.count
        arena.append(contentsOf: bytes)
        values.append(.blob(start: start, count: bytes.count))
    }

    /// Ends a row: its values are all bound. Runs the statement of many rows once it has its rows.
    mutating func step(_ db: Database) throws {
        rows += 1
        precondition(values.count == rows * parameters, "a row binds every parameter of \(statement.sql), in order")
        if rows == rowsPerStatement {
            try run(many, rows: 0..<rows, db)
            clear()
        }
    }

    /// Inserts the rows still held, one statement each.
    mutating func finish(_ db: Database) throws {
        for row in 0..<rows { try run(statement, rows: row..<(row + 1), db) }
        clear()
    }

    private mutating func clear() {
        rows = 0
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }

    /// Binds the held `rows` to `statement`'s parameters in order, and steps it once.
    private func run(_ statement: Statement, rows: Range<Int>, _ db: Database) throws {
        let handle = statement.sqliteStatement
        let rc = arena.withUnsafeBytes { raw -> Int32 in
            // The arena does not change until the statement is reset, so its bytes stay put; a nil
            // destructor is SQLITE_STATIC, which tells SQLite to read them in place.
            let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            var index: Int32 = 1
            for value in values[(rows.lowerBound * parameters)..<(rows.upperBound * parameters)] {
                switch value {
                case let .integer(v): sqlite3_bind_int64(handle, index, v)
                case let .real(v): sqlite3_bind_double(handle, index, v)
                case .null: sqlite3_bind_null(handle, index)
                case let .text(start, count):
                    sqlite3_bind_text(handle, index, (base + start).assumingMemoryBound(to: CChar.self), Int32(count), nil)
                case let .blob(start, count): sqlite3_bind_blob(handle, index, base + start, Int32(count), nil)
                }
                index += 1
            }
            let rc = sqlite3_step(handle)
            sqlite3_reset(handle)
            return rc
        }
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }
}
