/// A row's two stages (docs/product.md, "Stages"), the second word of its spilled record:
///
/// | bits | field |
/// | --- | --- |
/// | 63–61 | 0 |
/// | 60 | delivered at sending: received up to the clock tolerance before it was sent |
/// | 59 | writing within the contract limit |
/// | 58 | a contract limit applies to the letter |
/// | 57 | delivered: `sent_at` and `received_at` both known |
/// | 56 | sent: `sent_at` known |
/// | 55–28 | delivery (sent → received) in seconds, or `long` + its bucket |
/// | 27–0 | writing (event → sent) in seconds, or `long` + its bucket |
///
/// A stage of `long` seconds (about 8.5 years) or more keeps only its bucket, so its histogram
/// stays within 1% and only an extreme that long is rounded to its bucket's lower bound.
enum StageRecord {
    static let sent: UInt64 = 1 << 56
    /// A letter not sent (or whose stages are not wanted): no stage figure counts it.
    static let unsent: UInt64 = 0
    static let delivered: UInt64 = 1 << 57
    static let due: UInt64 = 1 << 58
    static let writingWithinLimit: UInt64 = 1 << 59
    static let deliveredAtSending: UInt64 = 1 << 60
    static let long: Int64 = (1 << 28) - 4_096
    private static let fieldMask: UInt64 = (1 << 28) - 1

    @inline(__always)
    static func field(_ seconds: Int64) -> UInt64 {
        seconds < long ? UInt64(seconds) : UInt64(long) + UInt64(LatencyHistogram.bucket(of: seconds))
    }

    /// The word for a letter sent after `writing` seconds, and delivered `delivery` seconds after that when not nil.
    /// A negative delivery, a receipt the parser let through within the clock tolerance, is
    /// delivery at the moment of sending: 0, and flagged so the run can count it.
    @inline(__always)
    static func make(writing: Int64, delivery: Int64?, limit: Int64) -> UInt64 {
        var word = sent | field(writing)
        if let delivery {
            word |= delivery < 0 ? delivered | deliveredAtSending : delivered | field(delivery) << 28
        }
        if limit >= 0 {
            word |= due
            if writing <= limit { word |= writingWithinLimit }
        }
        return word
    }

    @inline(__always) static func isSent(_ w: UInt64) -> Bool { w & sent != 0 }
    @inline(__always) static func isDelivered(_ w: UInt64) -> Bool { w & delivered != 0 }

    @inline(__always) static func writingField(_ w: UInt64) -> Int64 { Int64(w & fieldMask) }
    @inline(__always) static func deliveryField(_ w: UInt64) -> Int64 { Int64((w >> 28) & fieldMask) }

    /// A field's exact seconds, or -1 when it holds only a bucket.
    @inline(__always) static func exact(_ field: Int64) -> Int64 { field < long ? field : -1 }

    @inline(__always)
    static func bucket(_ field: Int64) -> Int { field < long ? LatencyHistogram.bucket(of: field) : Int(field - long) }

    /// The smallest number of seconds a field can stand for: exact, or its bucket's lower bound.
    @inline(__always)
    static func atLeast(_ field: Int64) -> Int64 { field < long ? field : LatencyHistogram.range(of: Int(field - long)).lower }
}
