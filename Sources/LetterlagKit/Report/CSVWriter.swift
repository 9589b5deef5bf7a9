import Foundation

/// The one writer of every CSV letterlag prints or exports: RFC 4180, streamed to an
/// `OutputSink` row by row, with text cells guarded against spreadsheet formulas.
///
/// - A field holding a comma, a quote, a CR or an LF is quoted, its quotes doubled.
/// - A text cell that begins with `=`, `+`, `-`, `@`, a tab or a CR and is not a number gets a
///   leading apostrophe, as OWASP's CSV-injection advice has it, so a spreadsheet shows it as
///   text instead of running it; numbers, negative ones too, are written as they are.
/// - Numbers are formatted here, without `String(format:)`, to two or four decimals exactly as `%.2f` or `%.4f`.
///
/// Rows end in LF. Nothing is held but the sink's buffer, so a CSV of any length streams.
public struct CSVWriter {
    public let sink: OutputSink
    private var atRowStart = true

    public init(sink: OutputSink) { self.sink = sink }

    /// A header or any row of text cells.
    public mutating func row(_ cells: [String]) throws {
        for c in cells { try text(c) }
        try endRow()
    }

    @inline(__always)
    private mutating func separator() throws {
        if atRowStart { atRowStart = false } else { try sink.write(0x2C) }
    }

    /// A text cell, quoted when it must be and guarded when it could start a formula.
    public mutating func text(_ value: String) throws {
        try separator()
        var value = value
        try value.withUTF8 { bytes in
            guard let first = bytes.first else { return }
            let guarded = Self.startsFormula(first) && !Self.isNumber(bytes)
            let quoted = bytes.contains(where: Self.needsQuotes)
            if !guarded && !quoted { return try sink.write(UnsafeRawBufferPointer(bytes)) }
            if quoted { try sink.write(0x22) }
            if guarded { try sink.write(0x27) }
            for b in bytes {
                if b == 0x22 { try sink.write(0x22) }
                try sink.write(b)
            }
            if quoted { try sink.write(0x22) }
        }
    }

    /// A whole number.
    public mutating func integer(_ value: Int) throws {
        try separator()
        try Self.writeInteger(value, to: sink)
    }

    /// A number with two decimals, or an empty cell for nil, infinity or NaN.
    public mutating func fixed(_ value: Double?) throws {
        try separator()
        guard let value, value.isFinite else { return }
        try Self.writeFixed(value, to: sink)
    }

    /// An empty cell.
    public mutating func empty() throws { try separator() }

    /// A renderer's cell, numbers written without making strings.
    @inline(__always)
    public mutating func cell(_ value: FigureCell) throws {
        switch value {
        case .integer(let n): try integer(n)
        case .fixed(let v): try fixed(v)
        case .precise(let v):
            try separator()
            if let v, v.isFinite { try Self.writeFixed(v, decimals: 4, to: sink) }
        case .text(let t): try text(t)
        case .suppressed: try separator(); try sink.write(0x2A)
        }
    }

    public mutating func endRow() throws {
        try sink.write(0x0A)
        atRowStart = true
    }

    @inline(__always)
    static func needsQuotes(_ b: UInt8) -> Bool {
        b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D
    }

    @inline(__always)
    static func startsFormula(_ b: UInt8) -> Bool {
        b == 0x3D || b == 0x2B || b == 0x2D || b == 0x40 || b == 0x09 || b == 0x0D
    }

    /// A plain decimal number: an optional sign, digits, and at most one point among them.
    static func isNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if i < bytes.count && (bytes[i] == 0x2D || bytes[i] == 0x2B) { i += 1 }
        var digits = 0, points = 0
        while i < bytes.count {
            let b = bytes[i]
            if b &- 0x30 < 10 { digits += 1 } else if b == 0x2E { points += 1 } else { return false }
            i += 1
        }
        return digits > 0 && points <= 1
    }

    static func writeInteger(_ value: Int, to sink: OutputSink) throws {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        try withUnsafeMutableBytes(of: &digits) { buffer in
            var i = buffer.count
            var v = value.magnitude
            repeat {
                i -= 1
                buffer[i] = UInt8(v % 10) + 0x30
                v /= 10
            } while v > 0
            if value < 0 {
                i -= 1
                buffer[i] = 0x2D
            }
            try sink.write(UnsafeRawBufferPointer(rebasing: buffer[i...]))
        }
    }

    /// `value` to `decimals` decimals (2 or 4) as `String(format: "%.2f")` writes it: the nearest
    /// hundredth (or ten-thousandth) of the exact binary value. Below 10^12 such units the product
    /// `value * 10^decimals` is off by under 10^-4, so it rounds the same way unless it lies within
    /// 10^-3 of a tie; such a value, a negative one or a larger one goes to `String(format:)` itself.
    static func writeFixed(_ value: Double, decimals: Int = 2, to sink: OutputSink) throws {
        guard let m = units(value, decimals) else { return try sink.write(String(format: "%.\(decimals)f", value)) }
        let scale = scales[decimals]
        try writeInteger(Int(m / scale), to: sink)
        try sink.write(0x2E)
        var place = scale / 10
        while place > 0 {
            try sink.write(UInt8(m / place % 10) + 0x30)
            place /= 10
        }
    }

    /// `value` to `decimals` decimals as text, by the rule of `writeFixed`.
    static func fixedText(_ value: Double, decimals: Int = 2) -> String {
        guard let m = units(value, decimals) else { return String(format: "%.\(decimals)f", value) }
        let fraction = String(m % scales[decimals])
        return "\(m / scales[decimals])." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    private static let scales: [UInt64] = [1, 10, 100, 1_000, 10_000]

    /// `value` in whole units of 10^-decimals when the fast rule holds for it, else nil.
    @inline(__always)
    private static func units(_ value: Double, _ decimals: Int) -> UInt64? {
        let scaled = value * Double(scales[decimals])
        let rounded = scaled.rounded()
        guard value.sign == .plus, scaled < 1e12, abs(abs(scaled - rounded) - 0.5) > 1e-3 else { return nil }
        return UInt64(rounded)
    }
}
