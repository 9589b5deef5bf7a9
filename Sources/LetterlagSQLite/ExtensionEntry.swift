import CSQLiteExtension
import LetterlagHistogram

/// The entry point SQLite derives from the file name `libletterlag_sqlite.so` (its letters after
/// `lib`), so `.load PATH` needs no second argument. Registers the histogram functions through
/// the loader's routine table only, so the library links no SQLite of its own.
@_cdecl("sqlite3_letterlagsqlite_init")
public func sqlite3_letterlagsqlite_init(_ db: OpaquePointer?, _ errorMessage: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                         _ api: UnsafePointer<sqlite3_api_routines>?) -> Int32 {
    guard let api = api?.pointee, let createWindowFunction = api.create_window_function else {
        // SQLite before 3.25 has no window functions; its loader hands over a shorter table.
        return 1
    }
    let routines = SQLiteRoutines(
        createFunction: api.create_function_v2, createWindowFunction: createWindowFunction,
        aggregateContext: api.aggregate_context, valueType: api.value_type, valueBlob: api.value_blob,
        valueBytes: api.value_bytes, valueDouble: api.value_double, resultBlob: api.result_blob,
        resultZeroBlob: api.result_zeroblob, resultText: api.result_text, resultDouble: api.result_double,
        resultInt64: api.result_int64, resultNull: api.result_null, resultError: api.result_error)
    return HistogramFunctions.register(on: db, using: routines)
}
