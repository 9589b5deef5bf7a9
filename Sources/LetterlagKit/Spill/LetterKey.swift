/// How the duplicate check names a letter (its trust and letter id) and finds the row's cell
/// record again, in the words a worker spills per row beside that record.
///
/// Most ids have a short, regular shape, so a letter is usually named exactly in one word
/// (`compact`): no two different letters share it, and no fingerprint can collide. Any other
/// letter is a `wide` entry: a fingerprint, checked byte for byte against a log of its id.
///
/// Compact key, for a trust code of three characters from 0–9 and A–Z and an id of at most two
/// letters A–Z then at most ten digits (`L0000012345`, `12345`, `AB77`):
///
/// | bits | field |
/// | --- | --- |
/// | 63–48 | trust number (base 36 of the code, below 46,656) |
/// | 47–38 | letter prefix: 0 none, 1–26 one letter, 27–702 two |
/// | 37–34 | number of digits, 0–10 |
/// | 33–0 | the digits' value |
///
/// Locator, beside every key:
///
/// | bits | field |
/// | --- | --- |
/// | 63–38 | index of the row's cell record in its worker's cell partition |
/// | 37–32 | worker |
/// | 31–23 | cell partition |
/// | 22–0 | line within the chunk |
///
/// A worker starts each chunk's rows in a key partition with a marker, `marker` then the
/// chunk's id, so a row's place is its last marker's chunk and its locator's line.
enum LetterKey {
    /// A key word no letter has: trust numbers stop below 0xB640.
    static let marker = UInt64.max

    static let indexBits = 26
    static let workerBits = 6
    static let partitionBits = 9
    static let lineBits = 23
    /// Records one worker can spill to one cell partition, workers, cell partitions, and lines in a chunk.
    static let indexLimit = 1 << indexBits
    static let workerLimit = 1 << workerBits
    static let partitionLimit = 1 << partitionBits
    static let lineLimit = 1 << lineBits

    /// The compact key, or nil when the trust or id has another shape.
    @inline(__always)
    static func compact(trust: Int, id: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let n = id.count
        guard trust < CellRegistry.fastTrustCodes, let p = id.baseAddress, n > 0, n <= 12 else { return nil }
        guard n >= 9 else { return slowCompact(trust: trust, p, n) }
        var i = 0
        var prefix: UInt64 = 0
        if p[0] &- 0x41 < 26 {
            prefix = UInt64(p[0] &- 0x40)
            i = 1
            if p[1] &- 0x41 < 26 {
                prefix = prefix &* 26 &+ UInt64(p[1] &- 0x40)
                i = 2
            }
        }
        let digits = n &- i
        guard digits <= 10 else { return nil }
        guard digits >= 8 else { return slowCompact(trust: trust, p, n) }
        // The last eight digits at once, the one or two before them one by one.
        guard let last8 = eightDigits(UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self)) else { return nil }
        var head: UInt64 = 0
        while i < n &- 8 {
            let d = p[i] &- 0x30
            guard d < 10 else { return nil }
            head = head &* 10 &+ UInt64(d)
            i &+= 1
        }
        // At most ten digits, below 2^34: the fields cannot overlap.
        return UInt64(truncatingIfNeeded: trust) << 48 | prefix << 38 | UInt64(truncatingIfNeeded: digits) << 34
            | (head &* 100_000_000 &+ last8)
    }

    /// Ids with fewer than eight digits, a byte at a time.
    @inline(never)
    static func slowCompact(trust: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64? {
        var i = 0
        var prefix: UInt64 = 0
        while i < n && i < 2 && p[i] &- 0x41 < 26 {
            prefix = prefix * 26 + UInt64(p[i] &- 0x40)
            i += 1
        }
        var value: UInt64 = 0
        for j in i..<n {
            let d = p[j] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + UInt64(d)
        }
        return UInt64(trust) << 48 | prefix << 38 | UInt64(n - i) << 34 | value
    }

    /// The value of eight ASCII digits read as a little-endian word (first digit in the low byte),
    /// or nil when any byte is not a digit.
    @inline(__always)
    static func eightDigits(_ word: UInt64) -> UInt64? {
        let x = word &- 0x3030_3030_3030_3030
        // A byte below '0' wraps to 0x80 or more; one above '9' reaches 0x80 once 0x76 is added.
        guard (x | (x &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 == 0 else { return nil }
        var v = (x &* 2_561) >> 8 & 0x00FF_00FF_00FF_00FF
        v = (v &* 6_553_601) >> 16 & 0x0000_FFFF_0000_FFFF
        return (v &* 42_949_672_960_001) >> 32
    }

    @inline(__always)
    static func locator(index: Int, worker: Int, partition: Int, line: Int) -> UInt64 {
        locator(index: index, workerTag: workerTag(worker), partition: partition, line: line)
    }

    /// A worker's bits of its locators, made once.
    static func workerTag(_ worker: Int) -> UInt64 { UInt64(worker) << 32 }

    @inline(__always)
    static func locator(index: Int, workerTag: UInt64, partition: Int, line: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: index) << 38 | workerTag | UInt64(truncatingIfNeeded: partition) << 23
            | UInt64(truncatingIfNeeded: line)
    }

    @inline(__always)
    static func line(_ locator: UInt64) -> Int { Int(locator & UInt64(lineLimit - 1)) }

    @inline(__always)
    static func partition(_ locator: UInt64) -> Int { Int((locator >> 23) & UInt64(partitionLimit - 1)) }

    /// The worker and index, as the assembler's list of dropped records names them.
    @inline(__always)
    static func record(_ locator: UInt64) -> UInt64 { locator >> 32 }

    @inline(__always)
    static func worker(ofRecord record: UInt64) -> Int { Int(record & UInt64(workerLimit - 1)) }

    @inline(__always)
    static func index(ofRecord record: UInt64) -> Int { Int(record >> UInt64(workerBits)) }

    /// The key partition of a compact key: the top bits of one multiply by 2^64 / φ (Fibonacci
    /// hashing), which spreads consecutive ids evenly at a multiply's cost on the row path.
    @inline(__always)
    static func partition(ofCompact key: UInt64, shift: UInt64) -> Int { Int((key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// A well-mixed hash of a key, whose low bits pick a table slot.
    @inline(__always)
    static func mix(_ key: UInt64) -> UInt64 {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }

    /// A wide letter's fingerprint: its id's bytes eight at a time (the last word overlapping the
    /// one before), mixed by multiply and rotate with the length and trust, then a MurmurHash3
    /// finaliser so the top bits are well mixed. Equal fingerprints are only candidates.
    @inline(__always)
    static func fingerprint(trust: Int, id bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(n) ^ UInt64(trust) << 32
        @inline(__always) func mix(_ word: UInt64) {
            h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
            h = (h << 29) | (h >> 35)
        }
        if n >= 8, let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 < n {
                mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            mix(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        } else {
            var word: UInt64 = 0
            for (i, b) in bytes.enumerated() { word |= UInt64(b) << UInt64(8 * i) }
            mix(word)
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }
}
