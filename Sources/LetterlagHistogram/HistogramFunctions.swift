/// SQL functions over stored histograms (`delay_hist`, `outstanding_hist`, `working_days_hist`):
/// `hist_merge`, `hist_quantile`, `hist_count`, `hist_min`, `hist_max`, `hist_count_le`, `hist_json`.
///
/// The same code serves the loadable extension and letterlag's own connections; each registers
/// with the routines of the SQLite it runs in. Every figure comes from `LatencyHistogram`, so a
/// quantile in SQL equals the one `report` prints. Documented for analysts in docs/schema.md.
public enum HistogramFunctions {
    /// Registers every function on the connection `db`, all DETERMINISTIC and INNOCUOUS; SQLite's
    /// result code, 0 when all were registered. `hist_merge` is an aggregate and a window function.
    public static func register(on db: OpaquePointer?, using routines: SQLiteRoutines) -> Int32 {
        sqlite = routines
        let flags = SQLiteRoutines.utf8 | SQLiteRoutines.deterministic | SQLiteRoutines.innocuous
        var code = routines.createWindowFunction(db, "hist_merge", 1, flags, nil, mergeStep, mergeFinal, mergeValue, mergeInverse, nil)
        let scalars: [(String, Int32, SQLiteRoutines.Step)] = [
            ("hist_quantile", 2, quantile), ("hist_count", 1, count), ("hist_min", 1, minimum), ("hist_max", 1, maximum),
            ("hist_count_le", 2, countAtMost), ("hist_json", 1, json),
        ]
        for (name, arguments, body) in scalars where code == SQLiteRoutines.ok {
            code = routines.createFunction(db, name, arguments, flags, nil, body, nil, nil, nil)
        }
        return code
    }

    /// The routines of the SQLite that registered the functions, as an extension's
    /// `SQLITE_EXTENSION_INIT2` keeps them: set before any function can be called.
    nonisolated(unsafe) private static var sqlite: SQLiteRoutines!

    // MARK: Arguments and results

    /// An argument read as a histogram: SQL NULL, the histogram, or an error already set.
    private enum Argument {
        case null
        case histogram(LatencyHistogram)
        case failed
    }

    private static func histogram(_ ctx: OpaquePointer?, _ value: OpaquePointer?, _ function: String) -> Argument {
        switch sqlite.valueType(value) {
        case SQLiteRoutines.null: return .null
        case SQLiteRoutines.blob:
            let start = sqlite.valueBlob(value)
            let bytes = UnsafeRawBufferPointer(start: start, count: Int(sqlite.valueBytes(value)))
            guard let h = LatencyHistogram(encodedBytes: bytes) else {
                fail(ctx, "\(function): the blob is not a letterlag histogram (\(bytes.count) bytes that do not decode)")
                return .failed
            }
            return .histogram(h)
        case let type:
            fail(ctx, "\(function): the argument is \(typeName(type)), not a letterlag histogram blob")
            return .failed
        }
    }

    /// A numeric argument, `.some(nil)` for SQL NULL; nil, with an error set, for any other type.
    private static func number(_ ctx: OpaquePointer?, _ value: OpaquePointer?, _ function: String, _ what: String) -> Double?? {
        switch sqlite.valueType(value) {
        case SQLiteRoutines.null: return .some(nil)
        case SQLiteRoutines.integer, SQLiteRoutines.float: return sqlite.valueDouble(value)
        case let type:
            fail(ctx, "\(function): \(what) is \(typeName(type)), not a number")
            return nil
        }
    }

    private static func typeName(_ type: Int32) -> String {
        switch type {
        case SQLiteRoutines.integer: "an integer"
        case SQLiteRoutines.float: "a real"
        case SQLiteRoutines.text: "text"
        default: "of SQLite type \(type)"
        }
    }

    private static func fail(_ ctx: OpaquePointer?, _ message: String) {
        message.withCString { sqlite.resultError(ctx, $0, -1) }
    }

    private static func result(_ ctx: OpaquePointer?, _ h: LatencyHistogram) {
        if h.isEmpty { return sqlite.resultZeroBlob(ctx, 0) }
        h.encoded().withUnsafeBytes { sqlite.resultBlob(ctx, $0.baseAddress, Int32($0.count), SQLiteRoutines.transient) }
    }

    private static func result(_ ctx: OpaquePointer?, _ value: Double?) {
        if let value { sqlite.resultDouble(ctx, value) } else { sqlite.resultNull(ctx) }
    }

    /// Runs `body` on the first argument's histogram, returning NULL for NULL.
    private static func withHistogram(_ ctx: OpaquePointer?, _ argv: UnsafeMutablePointer<OpaquePointer?>?, _ function: String,
                                      _ body: (LatencyHistogram) -> Void) {
        switch histogram(ctx, argv![0], function) {
        case .histogram(let h): body(h)
        case .null: sqlite.resultNull(ctx)
        case .failed: break
        }
    }

    // MARK: Scalar functions

    private static let quantile: SQLiteRoutines.Step = { ctx, _, argv in
        guard let p = number(ctx, argv![1], "hist_quantile", "p") else { return }
        if let p, !(p >= 0 && p <= 1) { return fail(ctx, "hist_quantile: p must be between 0 and 1, not \(p)") }
        withHistogram(ctx, argv, "hist_quantile") { h in
            guard let p else { return sqlite.resultNull(ctx) }
            result(ctx, h.quantile(p))
        }
    }

    private static let count: SQLiteRoutines.Step = { ctx, _, argv in
        withHistogram(ctx, argv, "hist_count") { sqlite.resultInt64(ctx, Int64(clamping: $0.total)) }
    }

    private static let minimum: SQLiteRoutines.Step = { ctx, _, argv in
        withHistogram(ctx, argv, "hist_min") { result(ctx, $0.isEmpty ? nil : Double($0.minimum)) }
    }

    private static let maximum: SQLiteRoutines.Step = { ctx, _, argv in
        withHistogram(ctx, argv, "hist_max") { result(ctx, $0.isEmpty ? nil : Double($0.maximum)) }
    }

    private static let countAtMost: SQLiteRoutines.Step = { ctx, _, argv in
        guard let x = number(ctx, argv![1], "hist_count_le", "x") else { return }
        withHistogram(ctx, argv, "hist_count_le") { h in
            guard let x, !x.isNaN else { return sqlite.resultNull(ctx) }
            sqlite.resultInt64(ctx, Int64(clamping: h.count(atMost: x)))
        }
    }

    private static let json: SQLiteRoutines.Step = { ctx, _, argv in
        withHistogram(ctx, argv, "hist_json") { h in
            var text = "["
            for (i, (bucket, c)) in zip(h.buckets, h.counts).enumerated() {
                let (lower, width) = LatencyHistogram.range(of: Int(bucket))
                text += "\(i == 0 ? "" : ","){\"lower\":\(lower),\"upper\":\(lower + width),\"count\":\(c)}"
            }
            text += "]"
            text.withCString { sqlite.resultText(ctx, $0, -1, SQLiteRoutines.transient) }
        }
    }

    // MARK: hist_merge, an aggregate and window function

    /// The running merge of a group or window. Its rows leave a window in the order they came
    /// (SQLite's frames slide forward), so the exact extremes of what is left are kept in two
    /// monotonic queues, and the buckets of a leaving row are subtracted.
    final class MergeState {
        var histogram = LatencyHistogram()
        var arrived = 0
        var left = 0
        var lows = ExtremeQueue(keepsLowest: true)
        var highs = ExtremeQueue(keepsLowest: false)
    }

    /// The extreme of a first-in, first-out window: candidates by arrival number, each better
    /// than every later one is not, so the front is the window's extreme. Amortised O(1).
    struct ExtremeQueue {
        let keepsLowest: Bool
        private var arrivals: [Int] = []
        private var values: [Int64] = []
        private var head = 0

        init(keepsLowest: Bool) { self.keepsLowest = keepsLowest }

        var extreme: Int64? { head < values.count ? values[head] : nil }

        mutating func push(_ arrival: Int, _ value: Int64) {
            while values.count > head, keepsLowest ? values[values.count - 1] >= value : values[values.count - 1] <= value {
                values.removeLast()
                arrivals.removeLast()
            }
            arrivals.append(arrival)
            values.append(value)
        }

        /// Takes out the row that arrived as number `arrival` with this extreme; false when it
        /// cannot have been in the window in arrival order.
        mutating func leave(_ arrival: Int, _ value: Int64) -> Bool {
            guard let front = extreme else { return false }
            if arrivals[head] == arrival {
                guard front == value else { return false }
                head += 1
                if head > 64 && head * 2 > values.count {
                    arrivals.removeFirst(head)
                    values.removeFirst(head)
                    head = 0
                }
                return true
            }
            return arrivals[head] > arrival && (keepsLowest ? value >= front : value <= front)
        }
    }

    /// The group's state, made on its first row; nil (with an error set) when SQLite has no memory.
    private static func state(_ ctx: OpaquePointer?, creating: Bool) -> MergeState? {
        let size = Int32(MemoryLayout<UnsafeMutableRawPointer?>.size)
        guard let slot = sqlite.aggregateContext(ctx, creating ? size : 0)?.assumingMemoryBound(to: UnsafeMutableRawPointer?.self) else {
            if creating { fail(ctx, "hist_merge: out of memory") }
            return nil
        }
        if let existing = slot.pointee { return Unmanaged<MergeState>.fromOpaque(existing).takeUnretainedValue() }
        guard creating else { return nil }
        let made = MergeState()
        slot.pointee = Unmanaged.passRetained(made).toOpaque()
        return made
    }

    private static let mergeStep: SQLiteRoutines.Step = { ctx, _, argv in
        guard let s = state(ctx, creating: true) else { return }
        guard case .histogram(let h) = histogram(ctx, argv![0], "hist_merge"), !h.isEmpty else { return }
        s.histogram.merge(h)
        s.lows.push(s.arrived, h.minimum)
        s.highs.push(s.arrived, h.maximum)
        s.arrived += 1
    }

    private static let mergeInverse: SQLiteRoutines.Step = { ctx, _, argv in
        guard let s = state(ctx, creating: true) else { return }
        guard case .histogram(let h) = histogram(ctx, argv![0], "hist_merge"), !h.isEmpty else { return }
        guard s.lows.leave(s.left, h.minimum), s.highs.leave(s.left, h.maximum), s.histogram.subtractCounts(h) else {
            return fail(ctx, "hist_merge: a row left the window that was not the earliest still in it")
        }
        s.left += 1
        if let lo = s.lows.extreme, let hi = s.highs.extreme, !s.histogram.isEmpty {
            s.histogram.setExtremes(minimum: lo, maximum: hi)
        }
    }

    private static let mergeValue: SQLiteRoutines.Final = { ctx in
        result(ctx, state(ctx, creating: false)?.histogram ?? LatencyHistogram())
    }

    private static let mergeFinal: SQLiteRoutines.Final = { ctx in
        let slot = sqlite.aggregateContext(ctx, 0)?.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        guard let slot, let pointer = slot.pointee else { return sqlite.resultZeroBlob(ctx, 0) }
        let s = Unmanaged<MergeState>.fromOpaque(pointer).takeRetainedValue()
        slot.pointee = nil
        result(ctx, s.histogram)
    }
}
