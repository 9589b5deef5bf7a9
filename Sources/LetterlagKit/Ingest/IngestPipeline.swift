import Foundation

/// Streams extracts through inflate → split → parse → aggregate on concurrent workers.
///
/// One thread reads and inflates into a fixed pool of large buffers and cuts them at row
/// boundaries; `workers` Dispatch workers parse and aggregate chunks into private tallies,
/// which merge once at the end. Memory is the buffer pool plus the tallies, whatever the
/// file size.
public struct IngestPipeline {
    public let options: IngestOptions

    public init(options: IngestOptions) { self.options = options }

    struct Chunk {
        var buffer: Int
        var length: Int
        var seq: Int
        var layout: ExtractLayout
    }

    /// Per chunk: physical lines and rows, recorded by the worker that parsed it.
    struct ChunkCount {
        var seq: Int
        var lines: Int
        var rows: Int
        var rejected: Int
    }

    /// One slot per worker for its summaries, each written by one thread only.
    final class SummaryParts: @unchecked Sendable {
        private let lock = NSLock()
        private var maps: [[CellID: CellSummary]]
        init(count: Int) { maps = Array(repeating: [:], count: count) }
        func set(_ i: Int, _ map: [CellID: CellSummary]) { lock.withLock { maps[i] = map } }
        var all: [[CellID: CellSummary]] { lock.withLock { maps } }
    }

    /// The fixed set of chunk buffers; an index into it is handed between threads, never a copy.
    final class BufferPool: @unchecked Sendable {
        let buffers: [UnsafeMutableRawBufferPointer]
        init(count: Int, size: Int) {
            buffers = (0..<count).map { _ in .allocate(byteCount: size, alignment: 64) }
        }
        deinit { buffers.forEach { $0.deallocate() } }
    }

    final class Shared: @unchecked Sendable {
        let lock = NSLock()
        var failure: Error?
        var tallies: [WorkerTally] = []
        var counts: [ChunkCount] = []
        var chunkFile: [Int] = []
        var layouts: [ExtractLayout] = []
        var fileBytes: [Int] = []
        /// Rows parsed so far, for progress; updated once per chunk.
        var rowsSoFar = 0
    }

    /// Reads the files; when letter ids repeat, reads them again holding those rows back, so that
    /// the first in file order counts and the others are set aside as duplicates.
    public func run() throws -> IngestResult {
        var clock = PhaseClock()
        var shared = try pass(heldBack: nil)
        clock.mark("read and parse")
        let repeated = DuplicateFinder.repeated(in: shared.tallies.map(\.fingerprints))
        clock.mark("duplicate check")
        if !repeated.isEmpty {
            // Free the first pass's tables before the second builds its own.
            shared.tallies.removeAll()
            shared = try pass(heldBack: repeated)
            clock.mark("second pass for duplicates")
        }
        var result = try finish(shared)
        clock.mark("merge")
        result.phases = clock.phases
        return result
    }

    private func pass(heldBack: Set<UInt64>?) throws -> Shared {
        let options = self.options
        let poolSize = options.workers + 2
        let pool = BufferPool(count: poolSize, size: options.chunkSize)
        let free = WorkQueue<Int>()
        for i in 0..<poolSize { free.push(i) }
        let work = WorkQueue<Chunk>()
        let shared = Shared()
        let producerDone = DispatchSemaphore(value: 0)

        let producer = Thread {
            do {
                try Self.produce(options: options, pool: pool, free: free, work: work, shared: shared)
            } catch {
                shared.lock.lock()
                shared.failure = error
                shared.lock.unlock()
            }
            work.close()
            producerDone.signal()
        }
        producer.stackSize = 1 << 20
        producer.start()

        DispatchQueue.concurrentPerform(iterations: options.workers) { _ in
            var tally = WorkerTally(limits: options.limits, heldBack: heldBack)
            var counts: [ChunkCount] = []
            while let chunk = work.pop() {
                tally.chunk = chunk.seq
                let before = (tally.accepted, tally.rejects.total)
                let parser = RowParser(layout: chunk.layout, asOf: options.asOf)
                let buffer = UnsafeRawBufferPointer(rebasing: pool.buffers[chunk.buffer][0..<chunk.length])
                let lines = parser.parse(buffer.bindMemory(to: UInt8.self), into: &tally)
                let rejected = tally.rejects.total - before.1
                let rows = tally.accepted - before.0 + rejected
                counts.append(ChunkCount(seq: chunk.seq, lines: lines, rows: rows, rejected: rejected))
                if options.progress != nil { shared.lock.withLock { shared.rowsSoFar += rows } }
                free.push(chunk.buffer)
            }
            shared.lock.lock()
            shared.tallies.append(tally)
            shared.counts.append(contentsOf: counts)
            shared.lock.unlock()
        }
        producerDone.wait()
        if let failure = shared.failure { throw failure }
        return shared
    }

    private static func produce(options: IngestOptions, pool: BufferPool, free: WorkQueue<Int>,
                                work: WorkQueue<Chunk>, shared: Shared) throws {
        var seq = 0
        var current = free.pop()!
        let started = DispatchTime.now().uptimeNanoseconds
        var nextReport = started
        var bytesBefore = 0
        let bytesTotal = options.progress == nil ? 0
            : options.files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        for (fileIndex, path) in options.files.enumerated() {
            var source = try ExtractReader.open(path: path, inflater: options.inflater)
            var layout: ExtractLayout?
            var filled = 0
            var decompressed = 0
            func emit(_ length: Int) {
                shared.lock.lock()
                shared.chunkFile.append(fileIndex)
                shared.lock.unlock()
                work.push(Chunk(buffer: current, length: length, seq: seq, layout: layout!))
                seq += 1
            }
            while true {
                if let progress = options.progress, case let now = DispatchTime.now().uptimeNanoseconds, now >= nextReport {
                    nextReport = now + UInt64(options.progressInterval * 1e9)
                    progress(IngestProgress(bytesRead: bytesBefore + source.bytesConsumed, bytesTotal: bytesTotal,
                                            rows: shared.lock.withLock { shared.rowsSoFar }, seconds: Double(now - started) / 1e9))
                }
                let buffer = pool.buffers[current]
                let room = buffer.count - filled
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                filled += n
                decompressed += n
                let atEnd = n < room
                if layout == nil {
                    let head = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
                    let newline = head.firstIndex(of: 0x0A)
                    if newline == nil && !atEnd {
                        throw LetterlagError.unreadableFile(path: path, place: "line 1", reason: "header line is longer than \(buffer.count) bytes")
                    }
                    let headerEnd = newline.map { $0 + 1 } ?? filled
                    let fields = RowBoundary.headerFields(UnsafeRawBufferPointer(rebasing: buffer[0..<headerEnd]))
                    if filled == 0 || (fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
                        throw LetterlagError.unreadableFile(path: path, place: "line 1", reason: "file is empty: there is no header line")
                    }
                    layout = try ExtractLayout(header: fields, mapping: options.mapping, path: path)
                    shared.lock.lock()
                    shared.layouts.append(layout!)
                    shared.lock.unlock()
                    buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + headerEnd, byteCount: filled - headerEnd)
                    filled -= headerEnd
                    // Fill the room the header left before looking for a cut.
                    if !atEnd { continue }
                }
                if atEnd {
                    if filled > 0 {
                        emit(filled)
                        current = free.pop()!
                    }
                    break
                }
                let cut = RowBoundary.wholeRows(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
                if cut == 0 {
                    throw LetterlagError.unreadableFile(path: path, place: "decompressed byte \(decompressed - filled)",
                        reason: "a row is longer than \(buffer.count) bytes (an unclosed quote?)")
                }
                let next = free.pop()!
                pool.buffers[next].baseAddress!.copyMemory(from: buffer.baseAddress! + cut, byteCount: filled - cut)
                emit(cut)
                current = next
                filled -= cut
            }
            shared.lock.lock()
            shared.fileBytes.append(source.bytesConsumed)
            shared.lock.unlock()
            bytesBefore += source.bytesConsumed
        }
        free.push(current)
    }

    private func finish(_ shared: Shared) throws -> IngestResult {
        let layouts = shared.layouts
        let delayTo: String
        if layouts.allSatisfy(\.hasReceived) { delayTo = "received" }
        else if layouts.allSatisfy({ !$0.hasReceived }) { delayTo = "sent" }
        else {
            throw LetterlagError.badArgument("some files have a received_at column and some do not; ingest them as separate runs")
        }
        let counts = shared.counts.sorted { $0.seq < $1.seq }
        // The first line of each chunk: line 1 is the header, so a file's first chunk starts at line 2.
        var firstLine = [Int](repeating: 0, count: counts.count)
        var files = options.files.enumerated().map { i, path in
            IngestResult.FileStats(path: path, bytes: i < shared.fileBytes.count ? shared.fileBytes[i] : 0, rowsRead: 0, rowsRejected: 0)
        }
        var previousFile = -1
        var line = 0
        for c in counts {
            let file = shared.chunkFile[c.seq]
            if file != previousFile { line = 2; previousFile = file }
            firstLine[c.seq] = line
            line += c.lines
            files[file].rowsRead += c.rows
            files[file].rowsRejected += c.rejected
        }
        var tallies = shared.tallies
        var rejects = RejectTally()
        var latest = Int64.min
        for t in tallies {
            rejects.merge(t.rejects)
            latest = max(latest, t.latest)
        }
        // Held rows: the first with each letter id counts, in file order; the rest are duplicates.
        let held = tallies.flatMap(\.held).sorted { $0.place < $1.place }
        if !held.isEmpty {
            var resolved = WorkerTally(limits: options.limits)
            var seen = Set<[UInt8]>()
            for row in held {
                if seen.insert(row.id).inserted {
                    resolved.aggregate(row)
                } else {
                    rejects.add(.duplicateLetterID, at: row.place)
                    files[shared.chunkFile[row.place.chunk]].rowsRejected += 1
                }
            }
            latest = max(latest, resolved.latest)
            tallies.append(resolved)
        }
        let rowsRead = files.reduce(0) { $0 + $1.rowsRead }
        if rowsRead > 0 && Double(rejects.total) * 100 > options.maxRejectedPercent * Double(rowsRead) {
            throw LetterlagError.tooManyRejected(rejected: rejects.total, rows: rowsRead, limitPercent: options.maxRejectedPercent)
        }
        let asOf = options.asOf ?? (latest == .min ? Int64(Date().timeIntervalSince1970) : latest)
        // Each worker's cells are summarised on its own core, then merged into the largest.
        let parts = SummaryParts(count: tallies.count)
        let frozen = tallies
        DispatchQueue.concurrentPerform(iterations: frozen.count) { i in
            parts.set(i, frozen[i].summaries(asOf: asOf))
        }
        var maps = parts.all.sorted { $0.count > $1.count }
        var cells = maps.isEmpty ? [:] : maps.removeFirst()
        for map in maps {
            for (id, s) in map { cells[id, default: CellSummary()].merge(s) }
        }
        var examples: [IngestResult.RejectExample] = []
        var rejectCounts: [RejectReason: Int] = [:]
        for reason in RejectReason.allCases where rejects.counts[reason.rawValue] > 0 {
            rejectCounts[reason] = rejects.counts[reason.rawValue]
            for place in rejects.examples[reason.rawValue] {
                examples.append(.init(reason: reason, file: options.files[shared.chunkFile[place.chunk]],
                                      line: firstLine[place.chunk] + place.line))
            }
        }
        return IngestResult(cells: cells, asOf: asOf, asOfFromExtract: options.asOf == nil, delayTo: delayTo, files: files,
                            rejectCounts: rejectCounts, rejectExamples: examples, limits: options.limits)
    }
}
