import GRDB
import GRDBSQLite

/// The row a statement is stepped to, read by column position through SQLite's C API: the one
/// way the store reads rows, boxing no value, so reading is as fast as SQLite and memory stays
/// flat however many rows. Valid only until the statement steps again.
struct StatementRow {
    let statement: OpaquePointer

    /// Column `i` as text; an empty string when null.
    func text(_ i: Int32) -> String { sqlite3_column_text(statement, i).map { String(cString: $0) } ?? "" }
    /// Column `i` as text, or nil when null.
    func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }
    /// Column `i`'s text bytes, in place; empty when null.
    func textBytes(_ i: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: sqlite3_column_text(statement, i), count: Int(sqlite3_column_bytes(statement, i)))
    }
    /// Column `i` as an integer; 0 when null.
    func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(statement, i)) }
    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }
    /// Column `i` as a number, or nil when null.
    func real(_ i: Int32) -> Double? { isNull(i) ? nil : sqlite3_column_double(statement, i) }
    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }
    /// Column `i`'s blob bytes, in place.
    func blob(_ i: Int32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, i), count: Int(sqlite3_column_bytes(statement, i)))
    }

    /// Where `name` is among a query's `columns`, or -1 when it is not there.
    static func position(of name: String, in columns: [String]) -> Int32 {
        columns.firstIndex(of: name).map(Int32.init) ?? -1
    }

    /// Steps `sql` with `arguments` on `db`, calling `body` at each row.
    static func forEach(in db: Database, _ sql: String, _ arguments: [any DatabaseValueConvertible] = [],
                        _ body: (StatementRow) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(StatementArguments(arguments))
        let row = StatementRow(statement: statement.sqliteStatement)
        while true {
            let rc = sqlite3_step(row.statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            try body(row)
        }
    }
}
