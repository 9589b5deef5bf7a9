@_exported import LetterlagHistogram
import GRDB
import GRDBSQLite

/// The histogram SQL functions on letterlag's own connections, registered with the SQLite that
/// letterlag links: the same code as the loadable extension, so `report` and an analyst's
/// `hist_quantile` agree to the digit.
enum HistogramSQL {
    static let linkedRoutines = SQLiteRoutines(
        createFunction: sqlite3_create_function_v2, createWindowFunction: sqlite3_create_window_function,
        aggregateContext: sqlite3_aggregate_context, valueType: sqlite3_value_type, valueBlob: sqlite3_value_blob,
        valueBytes: sqlite3_value_bytes, valueDouble: sqlite3_value_double, resultBlob: sqlite3_result_blob,
        resultZeroBlob: sqlite3_result_zeroblob, resultText: sqlite3_result_text, resultDouble: sqlite3_result_double,
        resultInt64: sqlite3_result_int64, resultNull: sqlite3_result_null, resultError: sqlite3_result_error)

    /// Registers the functions on `db`; a failure is a database error naming the first function.
    static func register(on db: Database) throws {
        let code = HistogramFunctions.register(on: db.sqliteConnection, using: linkedRoutines)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot register the histogram functions")
        }
    }
}
