import Foundation

/// How far an ingest has got, reported a few times a second while it reads.
public struct IngestProgress: Sendable {
    /// Compressed bytes read so far, of all files' total.
    public var bytesRead: Int
    public var bytesTotal: Int
    public var rows: Int
    public var seconds: Double

    public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }

    /// Seconds left at the rate so far, or nil before there is a rate.
    public var secondsLeft: Double? {
        guard bytesRead > 0, seconds > 0.2 else { return nil }
        return Double(bytesTotal - bytesRead) / (Double(bytesRead) / seconds)
    }

    /// One terminal line, such as `412 of 1,024 MB (40%), 3.1M rows/s, 2 s left`.
    public var line: String {
        let mb = { (b: Int) in String(format: "%.0f", Double(b) / 1e6) }
        let percent = bytesTotal > 0 ? Double(bytesRead) * 100 / Double(bytesTotal) : 0
        let left = secondsLeft.map { String(format: ", %.0f s left", $0) } ?? ""
        return "\(mb(bytesRead)) of \(mb(bytesTotal)) MB (\(Int(percent))%), "
            + String(format: "%.1fM rows/s", rowsPerSecond / 1e6) + left
    }
}
