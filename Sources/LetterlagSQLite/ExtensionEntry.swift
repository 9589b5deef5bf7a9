import CSQLiteExtension
import LetterlagHistogram

/// The entry point SQLite derives from the file name `libletterlag_sqlite.so` (its letters after
/// `lib`), so `.load PATH` needs no second argument. Registers the histogram functions through
/// the loader's routine table only, so the library links no SQLite of its own.
@_cdecl("sqlite3_letterlagsqlite_init")
public func sqlite3_letterlagsqlite_init(_ db: OpaquePointer?, _ errorMessage: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                         _ api: UnsafePointer<sqlite3_api_routines>?) -> Int32 {
    guard let api else { return 1 }
    // A loader older than 3.25 hands over a shorter table: read its version before any later field.
    guard let version = api.pointee.libversion_number, version() >= 3_025_000 else {
        if let errorMessage, let allocate = api.pointee.malloc {
            let text = Array("letterlag_sqlite needs SQLite 3.25 or later (window functions)".utf8CString)
            if let buffer = allocate(Int32(text.count))?.assumingMemoryBound(to: CChar.self) {
                text.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: text.count) }
                errorMessage.pointee = buffer
            }
        }
        return 1
    }
    let t = api.pointee
    let routines = SQLiteRoutines(
        createFunction: t.create_function_v2, createWindowFunction: t.create_window_function,
        aggregateContext: t.aggregate_context, valueType: t.value_type, valueBlob: t.value_blob,
        valueBytes: t.value_bytes, valueDouble: t.value_double, resultBlob: t.result_blob,
        resultZeroBlob: t.result_zeroblob, resultText: t.result_text, resultDouble: t.result_double,
        resultInt64: t.result_int64, resultNull: t.result_null, resultError: t.result_error)
    return HistogramFunctions.register(on: db, using: routines)
}
