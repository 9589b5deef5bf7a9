import Foundation

/// Writes realistic canonical v1 extracts for demos, tests and benchmarks.
///
/// Each trust has its own delay distribution per letter type (log-normal with a heavy
/// Pareto tail), weekends slow letters down, about 3% of letters are unsent and 2% sent but
/// not received, and sends or receipts after the as-of time are blank. Rows are made in
/// blocks with their own seeds, so the same seed gives the same file whatever the thread count.
public struct ExtractGenerator: Sendable {
    public struct Options: Sendable {
        public var rows: Int
        public var trusts: Int = 20
        public var seed: UInt64 = 1
        /// First local day of events, as a day number.
        public var startDay: Int = CivilDate.days(year: 2024, month: 1, day: 1)
        public var days: Int = 365
        /// Sends and receipts after this UTC instant are blank; default: midnight after the last event day.
        public var asOf: Int64?
        /// The share of letters, in percent, that go to a practice anywhere in England rather
        /// than one near their trust: A&E visits away from home and specialist trusts.
        public var anywherePercent: Double = ExtractGenerator.defaultAnywherePercent
        public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
        public var gzipLevel: Int32 = 6

        public init(rows: Int) { self.rows = rows }

        public var effectiveAsOf: Int64 {
            asOf ?? LondonClock.shared.utc(fromLocal: Int64(startDay + days) * 86_400, year: CivilDate.civil(days: startDay + days).year)
        }
    }

    /// A tenth of a practice's letters from trusts anywhere, the national mix the practice view
    /// is sized for (docs/product.md, "Breakdowns"; docs/schema.md gives the sizes it makes).
    public static let defaultAnywherePercent = 10.0

    public static let header = "letter_id,trust_code,site_code,practice_code,specialty_code,letter_type,event_at,sent_at,received_at,channel\n"
    static let blockRows = 50_000

    struct TrustProfile {
        var code: [UInt8]
        var sites: Int
        /// Per letter type: median delay in hours and log-normal sigma.
        var medianHours: [Double]
        var sigma: [Double]
        var tailShare: Double
        var channelElectronic: Double
        var channelPost: Double
        var weekendDays: Double
    }

    public let options: Options
    let profiles: [TrustProfile]
    let trustWeights: [Double]

    public init(options: Options) {
        self.options = options
        var rng = SplitMix64(seed: options.seed ^ 0x5EED_7A57)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        var used = Set<[UInt8]>()
        var profiles: [TrustProfile] = []
        var weights: [Double] = []
        for k in 0..<max(1, options.trusts) {
            var code: [UInt8]
            repeat {
                let first: UInt8 = k < 1000 ? UInt8(ascii: "R") : alphabet[10 + Int(rng.next() % 26)]
                code = [first, alphabet[10 + Int(rng.next() % 26)], alphabet[Int(rng.next() % 36)]]
            } while used.contains(code)
            used.insert(code)
            let slow = exp(rng.normal() * 0.45)
            profiles.append(TrustProfile(
                code: code, sites: 1 + Int(rng.next() % 5),
                medianHours: [14 * slow, 5 * slow, 24 * 8 * slow, 24 * 5 * slow],
                sigma: [1.0 + rng.unit() * 0.4, 1.0 + rng.unit() * 0.5, 0.7 + rng.unit() * 0.4, 0.8 + rng.unit() * 0.4],
                tailShare: 0.02 + rng.unit() * 0.04,
                channelElectronic: 0.6 + rng.unit() * 0.35, channelPost: 0.03 + rng.unit() * 0.1,
                weekendDays: 1 + rng.unit()))
            weights.append(1 / pow(Double(k) + 4, 0.7) * (0.6 + rng.unit() * 0.8))
        }
        var cumulative: [Double] = []
        var sum = 0.0
        for w in weights { sum += w; cumulative.append(sum) }
        self.profiles = profiles
        self.trustWeights = cumulative.map { $0 / sum }
    }

    /// Writes the extract to `path` (gzip when it ends in `.gz`).
    public func write(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw LetterlagError.cannotWrite(path: path, reason: "cannot create the file")
        }
        defer { try? handle.close() }
        let gzip = path.hasSuffix(".gz")
        let blocks = (options.rows + Self.blockRows - 1) / Self.blockRows
        let batch = max(1, options.workers) * 2
        var first = true
        var start = 0
        repeat {
            let count = min(batch, blocks - start)
            let outputs = BlockSlots(count: count)
            let base = start
            DispatchQueue.concurrentPerform(iterations: count) { i in
                var bytes = block(base + i)
                if base + i == 0 { bytes.insert(contentsOf: Array(Self.header.utf8), at: 0) }
                outputs.slots[i] = gzip ? GzipWriter.member(bytes, level: options.gzipLevel) : bytes
            }
            if first && count == 0 {
                let headerBytes = Array(Self.header.utf8)
                try handle.write(contentsOf: gzip ? GzipWriter.member(headerBytes) : headerBytes)
            }
            for i in 0..<count { try handle.write(contentsOf: outputs.slots[i]) }
            first = false
            start += count
        } while start < blocks
    }

    /// The CSV bytes of rows `[index × blockRows, …)`.
    func block(_ index: Int) -> [UInt8] {
        let first = index * Self.blockRows
        let count = min(Self.blockRows, options.rows - first)
        var rng = SplitMix64(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        var out: [UInt8] = []
        out.reserveCapacity(count * 120)
        let clock = LondonClock.shared
        let asOf = options.effectiveAsOf
        let anywhereCut = Self.anywhereCut(percent: options.anywherePercent)
        for r in 0..<count {
            let u = rng.unit()
            var lo = 0, hi = trustWeights.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if trustWeights[mid] < u { lo = mid + 1 } else { hi = mid } }
            let trust = profiles[lo]
            let t = rng.unit()
            let type = t < 0.15 ? 0 : t < 0.33 ? 1 : t < 0.93 ? 2 : 3
            // Event: a local day, at a time of day that suits the kind of event.
            var day = options.startDay + Int(rng.next() % UInt64(max(1, options.days)))
            let weekday = CivilDate.isoWeekday(days: day)
            if (type == 2 || type == 3) && weekday >= 6 && rng.unit() < 0.9 { day -= weekday - 5 }
            if day < options.startDay { day += 7 }
            let secondOfDay: Int64
            switch type {
            case 1: secondOfDay = Int64(rng.next() % 86_400)
            case 0: secondOfDay = 36_000 + Int64(rng.next() % 39_600)
            default: secondOfDay = 30_600 + Int64(rng.next() % 32_400)
            }
            let eventLocal = Int64(day) * 86_400 + secondOfDay
            let eventUTC = clock.utc(fromLocal: eventLocal, year: CivilDate.civil(days: day).year)
            // Delay: log-normal body, Pareto tail, weekend slow-down.
            var hours = trust.medianHours[type] * exp(rng.normal() * trust.sigma[type])
            if rng.unit() < trust.tailShare { hours *= 1 + 4 / pow(max(rng.unit(), 1e-6), 0.6) }
            let eventWeekday = CivilDate.isoWeekday(days: day)
            if eventWeekday >= 5 && rng.unit() < 0.6 { hours += trust.weekendDays * 24 * Double(8 - eventWeekday) / 3 }
            hours = min(hours, 24 * 400)
            let c = rng.unit()
            let channel = c < trust.channelElectronic ? 0 : c < trust.channelElectronic + trust.channelPost ? 1 : 2
            let transit: Double
            switch channel {
            case 0: transit = 60 + rng.unit() * 1_800
            case 1: transit = 86_400 * (1 + rng.unit() * 3)
            default: transit = 300 + rng.unit() * 21_600
            }
            let total = max(hours * 3600, transit + 60)
            let sentUTC = eventUTC + Int64(total - transit)
            let receivedUTC = eventUTC + Int64(total)
            let fate = rng.unit()
            let sent = fate >= 0.03 && sentUTC <= asOf
            let received = sent && fate >= 0.05 && receivedUTC <= asOf
            // Row.
            Self.append(&out, "L")
            Self.appendNumber(&out, first + r + 1, width: 10)
            out.append(0x2C)
            out.append(contentsOf: trust.code)
            out.append(0x2C)
            if rng.unit() < 0.9 {
                out.append(contentsOf: trust.code)
                Self.appendNumber(&out, 1 + Int(rng.next() % UInt64(trust.sites)), width: 2)
            }
            out.append(0x2C)
            let practice = Self.practice(draw: rng.next(), trust: lo, trusts: profiles.count, anywhere: anywhereCut)
            out.append(UInt8(ascii: "A") + UInt8(practice % 25))
            Self.appendNumber(&out, 81_000 + practice, width: 5)
            out.append(0x2C)
            Self.append(&out, Self.specialties[type == 2 || type == 3 ? Int(rng.next() % UInt64(Self.specialties.count)) : Int(rng.next() % 4)])
            out.append(0x2C)
            Self.append(&out, LetterType(rawValue: type)!.name)
            out.append(0x2C)
            Self.appendTimestamp(&out, eventUTC, clock)
            out.append(0x2C)
            if sent { Self.appendTimestamp(&out, sentUTC, clock) }
            out.append(0x2C)
            if received { Self.appendTimestamp(&out, receivedUTC, clock) }
            out.append(0x2C)
            if sent { Self.append(&out, ["electronic", "post", "email"][channel]) }
            out.append(0x0A)
        }
        return out
    }

    /// England's practices (docs/product.md, "Scale"), each the home of trust `p mod trusts`.
    static let practices = 6_300

    /// The 10-bit share draw from which a letter goes anywhere: `percent` of the 1,024 values.
    static func anywhereCut(percent: Double) -> Int { 1_024 - Int((min(max(percent, 0), 100) * 10.24).rounded()) }

    /// The receiving practice from one random draw: a letter whose 10-bit share is `anywhere`
    /// or more goes to any of England's practices; of the rest, 87% go to the trust's own
    /// practices and 13% to those of the two trusts beside it. So each practice takes most of
    /// its letters from its local trust, some from its neighbours, and a long tail from trusts
    /// anywhere, of one or two letters each, as in England.
    static func practice(draw: UInt64, trust: Int, trusts: Int, anywhere: Int) -> Int {
        let share = Int(draw >> 54), pick = Int(draw & 0xFFFF_FFFF)
        guard trusts > 1, trusts < practices else { return pick % practices }
        var home = trust
        if share >= anywhere { return pick % practices }
        if share >= anywhere * 87 / 100 { home = (trust + (share & 1 == 0 ? 1 : trusts - 1)) % trusts }
        let own = (practices - home + trusts - 1) / trusts
        return home + trusts * (pick % own)
    }

    static let specialties = ["300", "100", "110", "120", "130", "301", "320", "330", "340", "400", "410", "420", "430", "501", "502", "800"]

    @inline(__always)
    static func append(_ out: inout [UInt8], _ s: String) { out.append(contentsOf: s.utf8) }

    @inline(__always)
    static func appendNumber(_ out: inout [UInt8], _ value: Int, width: Int) {
        var digits = [UInt8](repeating: 0x30, count: width)
        var v = value
        var i = width - 1
        while i >= 0 { digits[i] = UInt8(0x30 + v % 10); v /= 10; i -= 1 }
        out.append(contentsOf: digits)
    }

    /// Writes Europe/London wall time; the repeated October hour's second pass gets an explicit `+00:00`
    /// so that reading it back (which prefers BST there) gives the same instant.
    static func appendTimestamp(_ out: inout [UInt8], _ utc: Int64, _ clock: LondonClock) {
        let local = clock.local(fromUTC: utc)
        let days = Int(local / 86_400)
        let rest = Int(local % 86_400)
        let (y, m, d) = CivilDate.civil(days: days)
        appendNumber(&out, y, width: 4); out.append(0x2D)
        appendNumber(&out, m, width: 2); out.append(0x2D)
        appendNumber(&out, d, width: 2); out.append(0x20)
        appendNumber(&out, rest / 3600, width: 2); out.append(0x3A)
        appendNumber(&out, rest / 60 % 60, width: 2); out.append(0x3A)
        appendNumber(&out, rest % 60, width: 2)
        if clock.utc(fromLocal: local, year: y) != utc { append(&out, "+00:00") }
    }
}

/// One output slot per block of a batch; each worker writes only its own index.
final class BlockSlots: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<[UInt8]>

    init(count: Int) {
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: [])
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}
