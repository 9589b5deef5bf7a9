/// The SQLite C functions the histogram functions call, as a table of function pointers.
///
/// A loadable extension must reach SQLite only through the `sqlite3_api_routines` table its
/// loader hands over, while letterlag's own connections use the SQLite it links; this table lets
/// one body of code serve both. SQLite's handles are opaque here (`OpaquePointer`), so this
/// module needs no SQLite header.
public struct SQLiteRoutines: Sendable {
    public typealias Destructor = @convention(c) (UnsafeMutableRawPointer?) -> Void
    /// `xFunc`, `xStep` and `xInverse`: context, argument count, arguments.
    public typealias Step = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void
    /// `xFinal` and `xValue`.
    public typealias Final = @convention(c) (OpaquePointer?) -> Void

    public var createFunction: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?,
                                               Step?, Step?, Final?, Destructor?) -> Int32
    public var createWindowFunction: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?,
                                                     Step?, Final?, Final?, Step?, Destructor?) -> Int32
    public var aggregateContext: @convention(c) (OpaquePointer?, Int32) -> UnsafeMutableRawPointer?
    public var valueType: @convention(c) (OpaquePointer?) -> Int32
    public var valueBlob: @convention(c) (OpaquePointer?) -> UnsafeRawPointer?
    public var valueBytes: @convention(c) (OpaquePointer?) -> Int32
    public var valueDouble: @convention(c) (OpaquePointer?) -> Double
    public var resultBlob: @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int32, Destructor?) -> Void
    public var resultZeroBlob: @convention(c) (OpaquePointer?, Int32) -> Void
    public var resultText: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, Destructor?) -> Void
    public var resultDouble: @convention(c) (OpaquePointer?, Double) -> Void
    public var resultInt64: @convention(c) (OpaquePointer?, Int64) -> Void
    public var resultNull: @convention(c) (OpaquePointer?) -> Void
    public var resultError: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Void

    public init(createFunction: @escaping @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?,
                                                          Step?, Step?, Final?, Destructor?) -> Int32,
                createWindowFunction: @escaping @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?,
                                                                Step?, Final?, Final?, Step?, Destructor?) -> Int32,
                aggregateContext: @escaping @convention(c) (OpaquePointer?, Int32) -> UnsafeMutableRawPointer?,
                valueType: @escaping @convention(c) (OpaquePointer?) -> Int32,
                valueBlob: @escaping @convention(c) (OpaquePointer?) -> UnsafeRawPointer?,
                valueBytes: @escaping @convention(c) (OpaquePointer?) -> Int32,
                valueDouble: @escaping @convention(c) (OpaquePointer?) -> Double,
                resultBlob: @escaping @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int32, Destructor?) -> Void,
                resultZeroBlob: @escaping @convention(c) (OpaquePointer?, Int32) -> Void,
                resultText: @escaping @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32, Destructor?) -> Void,
                resultDouble: @escaping @convention(c) (OpaquePointer?, Double) -> Void,
                resultInt64: @escaping @convention(c) (OpaquePointer?, Int64) -> Void,
                resultNull: @escaping @convention(c) (OpaquePointer?) -> Void,
                resultError: @escaping @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Void) {
        self.createFunction = createFunction
        self.createWindowFunction = createWindowFunction
        self.aggregateContext = aggregateContext
        self.valueType = valueType
        self.valueBlob = valueBlob
        self.valueBytes = valueBytes
        self.valueDouble = valueDouble
        self.resultBlob = resultBlob
        self.resultZeroBlob = resultZeroBlob
        self.resultText = resultText
        self.resultDouble = resultDouble
        self.resultInt64 = resultInt64
        self.resultNull = resultNull
        self.resultError = resultError
    }

    // SQLite's stable constants (sqlite3.h), which this header-free module cannot import.
    static let ok: Int32 = 0
    static let integer: Int32 = 1
    static let float: Int32 = 2
    static let text: Int32 = 3
    static let blob: Int32 = 4
    static let null: Int32 = 5
    static let utf8: Int32 = 1
    static let deterministic: Int32 = 0x800
    static let innocuous: Int32 = 0x20_0000
    /// SQLITE_TRANSIENT: SQLite copies the result before the call returns.
    static let transient = unsafeBitCast(-1, to: Destructor.self)
}
