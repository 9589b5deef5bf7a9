import CMalloc
import Foundation
import Synchronization

/// Streams extracts through inflate → split → parse → aggregate on concurrent workers.
///
/// Reading threads (one per file, up to the worker count) inflate into a fixed pool of large
/// buffers and cut them at row boundaries; `workers` Dispatch workers parse and aggregate
/// chunks into private tallies that spill per-row records to temporary files. Memory is the
/// buffer pool, the spill blocks and a few bytes per trust × type × week cell, whatever the file size.
public struct IngestPipeline {
    public let options: IngestOptions
    /// Fixed once per run, so every spill file agrees on them.
    let recordPartitions: Int
    let keyPartitions: Int

    public init(options: IngestOptions) {
        self.options = options
        recordPartitions = options.recordPartitions
        keyPartitions = options.keyPartitions
    }

    /// A chunk's id is its file's index in the high 32 bits and its place in the file below,
    /// so ids sort in file order however the reading threads interleave.
    struct Chunk {
        var buffer: Int
        var length: Int
        var id: Int
        var layout: ExtractLayout
    }

    static func file(ofChunk id: Int) -> Int { ChunkID.file(id) }

    /// Per chunk: physical lines and rows, recorded by the worker that parsed it.
    struct ChunkCount {
        var id: Int
        var lines: Int
        var rows: Int
        var rejected: Int
    }

    /// The fixed set of chunk buffers; an index into it is handed between threads, never a copy.
    /// Unchecked `Sendable`: a buffer belongs to whichever thread holds its index (`WorkQueue`).
    final class BufferPool: @unchecked Sendable {
        let buffers: [UnsafeMutableRawBufferPointer]
        init(count: Int, size: Int) {
            buffers = (0..<count).map { _ in .allocate(byteCount: size, alignment: 64) }
        }
        deinit { buffers.forEach { $0.deallocate() } }
    }

    /// What the reading pass hands on: the workers' tallies and each chunk's and file's counts.
    struct Pass {
        var failure: Error?
        var tallies: [WorkerTally] = []
        var counts: [ChunkCount] = []
        /// By file, its layout once its header is read.
        var layouts: [ExtractLayout?]
        var fileBytes: [Int]
        var contentKeys: [String?]
        let registry: CellRegistry
        /// Compressed bytes and rows read so far, for progress.
        var bytesSoFar = 0
        var rowsSoFar = 0
        var nextReport: UInt64 = 0
    }

    /// The pass's state while the readers and workers share it.
    final class Shared: Sendable {
        let registry: CellRegistry
        let state: Mutex<Pass>

        init(files: Int, partitions: Int) {
            let registry = CellRegistry(partitions: partitions)
            self.registry = registry
            state = Mutex(Pass(layouts: Array(repeating: nil, count: files), fileBytes: Array(repeating: 0, count: files),
                               contentKeys: Array(repeating: nil, count: files), registry: registry))
        }

        func fail(_ error: Error) { state.withLock { if $0.failure == nil { $0.failure = error } } }
    }

    /// Reads the files once; then finds the rows that repeat a letter (the first row of each
    /// trust and letter id in file order counts), whose records the cells then leave out.
    public func run() throws -> IngestResult {
        Self.returnFreedMemoryPromptly()
        guard options.chunkSize <= LetterKey.lineLimit else {
            throw LetterlagError.badArgument("chunks are at most \(LetterKey.lineLimit) bytes")
        }
        guard options.workers <= LetterKey.workerLimit else {
            throw LetterlagError.badArgument("at most \(LetterKey.workerLimit) workers")
        }
        var clock = PhaseClock()
        var read = try pass()
        clock.mark("read and parse")
        read.tallies.sort { $0.worker < $1.worker }
        let resolved = try DuplicateResolver.resolve(read.tallies, threads: options.workers)
        // The keys are done with: their pages can go while the cells are assembled.
        for t in read.tallies { t.discardKeys() }
        Self.giveBackFreedMemory()
        clock.mark("duplicate check")
        var result = try finish(read, resolved)
        clock.mark("rejects counted")
        result.phases = clock.phases
        return result
    }

    /// glibc raises its mmap threshold each time a large block is freed, after which the run's
    /// multi-megabyte buffers come from arenas that are never given back; a fixed 128 KiB
    /// threshold returns them at once. Measured: peak 74 → 63 MiB at 100M rows, no slower.
    /// The heap's free top is kept up to `trimThreshold`.
    static func returnFreedMemoryPromptly() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, Int32(mmapThreshold))
        _ = mallopt(M_TRIM_THRESHOLD, Int32(trimThreshold))
        #endif
    }

    /// Free bytes at a heap's top that glibc keeps rather than return with `brk`: at 128 KiB the
    /// writing thread shrank and regrew its heap with every batch (2% of a national run's CPU in
    /// `brk` and its unmapping); at 2 MiB the 10M national ingest took 0.96 × the time over 6
    /// alternated pairs, at the same peak (45 MiB, and 61 MiB at 100M).
    static let trimThreshold = 2 << 20

    /// Returns to the system what the pass's threads freed in their own malloc arenas, which
    /// glibc keeps for them otherwise, before the assembly's threads allocate afresh.
    static func giveBackFreedMemory() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }

    /// Bytes from which an allocation is mapped on its own and unmapped when freed, so that
    /// memory allocated and freed often should stay below it (`CellAssembler.Batch`).
    static let mmapThreshold = 128 << 10

    private func pass() throws -> Pass {
        let options = self.options
        let recordPartitions = self.recordPartitions, keyPartitions = self.keyPartitions
        let readers = min(options.files.count, options.workers)
        let poolSize = options.workers + readers + 1
        let pool = BufferPool(count: poolSize, size: options.chunkSize)
        let free = WorkQueue<Int>()
        for i in 0..<poolSize { free.push(i) }
        let work = WorkQueue<Chunk>()
        let shared = Shared(files: options.files.count, partitions: recordPartitions)
        let nextFile = PartitionCounter(0)
        let readersDone = DispatchGroup()
        let started = DispatchTime.now().uptimeNanoseconds
        let bytesTotal = options.progress == nil ? 0 : options.files.reduce(0) { $0 + IngestOptions.sizeOnDisk($1) }

        for _ in 0..<readers {
            readersDone.enter()
            let reader = Thread {
                while case let file = nextFile.take(), file < options.files.count {
                    do {
                        try Self.read(file: file, options: options, pool: pool, free: free, work: work, shared: shared,
                                      started: started, bytesTotal: bytesTotal)
                    } catch {
                        shared.fail(error)
                        nextFile.stop()
                    }
                }
                readersDone.leave()
            }
            reader.stackSize = 1 << 20
            reader.start()
        }
        DispatchQueue.global().async {
            readersDone.wait()
            work.close()
        }

        WorkerThreads.run(options.workers) { worker in
            var tally: WorkerTally
            do {
                tally = WorkerTally(limits: options.limits, registry: shared.registry,
                                    spill: try SpillFile(partitions: recordPartitions, stride: CellRecord.words),
                                    keys: try SpillFile(partitions: keyPartitions, stride: 2, columns: true), longIDs: ByteLog(), worker: worker)
            } catch {
                shared.fail(error)
                while let chunk = work.pop() { free.push(chunk.buffer) }
                return
            }
            var counts: [ChunkCount] = []
            while let chunk = work.pop() {
                tally.chunk = chunk.id
                let before = (tally.accepted, tally.rejects.total)
                let parser = RowParser(layout: chunk.layout, asOf: options.asOf, clockSkew: options.clockSkew)
                let buffer = UnsafeRawBufferPointer(rebasing: pool.buffers[chunk.buffer][0..<chunk.length])
                let lines = parser.parse(buffer.bindMemory(to: UInt8.self), into: &tally)
                let rejected = tally.rejects.total - before.1
                let rows = tally.accepted - before.0 + rejected
                counts.append(ChunkCount(id: chunk.id, lines: lines, rows: rows, rejected: rejected))
                if options.progress != nil { shared.state.withLock { $0.rowsSoFar += rows } }
                free.push(chunk.buffer)
            }
            do { try tally.finish() } catch { shared.fail(error) }
            if let failure = tally.failure { shared.fail(failure) }
            shared.state.withLock { [tally] in
                $0.tallies.append(tally)
                $0.counts.append(contentsOf: counts)
            }
        }
        readersDone.wait()
        let read = shared.state.withLock { $0 }
        if let failure = read.failure { throw failure }
        try Self.checkLetterCount(read.tallies.reduce(0) { $0 + $1.accepted })
        return read
    }

    /// Refuses a run of more letters than a fold's 32-bit counts hold (`DenseBuckets.countLimit`):
    /// about 30 years of England's letters, so an extract that large is not one night's.
    static func checkLetterCount(_ letters: Int) throws {
        guard letters > DenseBuckets.countLimit else { return }
        throw LetterlagError.implausibleExtract("\(letters) letters in one run, more than the \(DenseBuckets.countLimit) a run may hold; ingest the extract in parts")
    }

    /// Inflates one file into chunks of whole rows (`WholeRowReader`) and queues them for the workers.
    private static func read(file fileIndex: Int, options: IngestOptions, pool: BufferPool, free: WorkQueue<Int>,
                             work: WorkQueue<Chunk>, shared: Shared, started: UInt64, bytesTotal: Int) throws {
        let path = options.files[fileIndex]
        var current = free.pop()!
        defer { free.push(current) }
        var index = 0
        var reader = WholeRowReader(source: try ExtractReader.open(path: path, inflater: options.inflater), path: path,
                                    mapping: options.mapping)
        var pending = 0
        var reported = 0
        func emit(_ length: Int, next: Int) {
            work.push(Chunk(buffer: current, length: length, id: ChunkID.make(file: fileIndex, index: index), layout: reader.layout!))
            index += 1
            current = next
        }
        while true {
            if let progress = options.progress {
                let now = DispatchTime.now().uptimeNanoseconds
                let consumed = reader.bytesConsumed
                let report: IngestProgress? = shared.state.withLock { s in
                    s.bytesSoFar += consumed - reported
                    guard now >= s.nextReport else { return nil }
                    s.nextReport = now + UInt64(options.progressInterval * 1e9)
                    return IngestProgress(bytesRead: s.bytesSoFar, bytesTotal: bytesTotal, rows: s.rowsSoFar,
                                          seconds: Double(now - started) / 1e9)
                }
                reported = reader.bytesConsumed
                if let report { progress(report) }
            }
            let hadLayout = reader.layout != nil
            let step = try reader.fill(pool.buffers[current], holding: pending)
            if !hadLayout, let layout = reader.layout { shared.state.withLock { $0.layouts[fileIndex] = layout } }
            switch step {
            case .last(let length):
                if length > 0 { emit(length, next: free.pop()!) }
                let (consumed, key) = (reader.bytesConsumed, reader.contentKey)
                shared.state.withLock { s in
                    s.fileBytes[fileIndex] = consumed
                    s.contentKeys[fileIndex] = key
                    s.bytesSoFar += consumed - reported
                }
                return
            case .rows(let length, let tail):
                let next = free.pop()!
                pool.buffers[next].baseAddress!.copyMemory(from: pool.buffers[current].baseAddress! + length, byteCount: tail)
                emit(length, next: next)
                pending = tail
            }
        }
    }

    /// The pass's results as a run: its figures stay in the spills until the store asks for them.
    private func finish(_ shared: Pass, _ resolved: DuplicateResolver.Outcome) throws -> IngestResult {
        let delayTo = try Self.delayTarget(files: options.files, layouts: shared.layouts.compactMap { $0 })
        let (firstLine, files) = numberLines(shared, resolved)
        var rejects = resolved.rejects
        for t in shared.tallies { rejects.merge(t.rejects) }
        let lineOf = { (place: RejectTally.Place) in firstLine[place.chunk, default: 2] + place.line }
        try checkRejectThreshold(rejects, files: files, lineOf: lineOf)
        let asOf = options.asOf ?? Self.defaultAsOf(shared.tallies)
        let windowStart = options.windowStart ?? Self.defaultWindowStart(shared.tallies, asOf: asOf)
        guard windowStart <= asOf else {
            throw LetterlagError.badArgument("the window start \(Timestamps.iso(windowStart)) is after the as-of time \(Timestamps.iso(asOf))")
        }
        let cells = CellAssembler(registry: shared.registry, tallies: shared.tallies, dropped: resolved.dropped, asOf: asOf,
                                  limits: options.limits, workers: options.workers)
        var examples: [IngestResult.RejectExample] = []
        var rejectCounts: [RejectReason: Int] = [:]
        let examplesByReason = rejects.examples
        for reason in RejectReason.allCases where rejects.counts[reason.rawValue] > 0 {
            rejectCounts[reason] = rejects.counts[reason.rawValue]
            for place in examplesByReason[reason.rawValue] {
                examples.append(.init(reason: reason, file: options.files[Self.file(ofChunk: place.chunk)], line: lineOf(place)))
            }
        }
        let record = RunRecord(asOf: asOf, asOfFromExtract: options.asOf == nil,
                               window: RunWindow(start: windowStart, asOf: asOf), windowFromExtract: options.windowStart == nil,
                               clockSkew: options.clockSkew, delayTo: delayTo, files: files,
                               rejectCounts: rejectCounts, rejectExamples: examples, limits: options.limits)
        return IngestResult(record: record, assembler: cells)
    }

    /// What delay runs to: `received` when every file has `received_at`, `sent` when none has;
    /// files that differ cannot be one run.
    static func delayTarget(files: [String], layouts: [ExtractLayout]) throws -> DelayTarget {
        if layouts.allSatisfy(\.hasReceived) { return .received }
        if layouts.allSatisfy({ !$0.hasReceived }) { return .sent }
        let with = zip(files, layouts).filter { $0.1.hasReceived }.map(\.0)
        let without = zip(files, layouts).filter { !$0.1.hasReceived }.map(\.0)
        throw LetterlagError.incompatibleFiles("\(without.first ?? "?"): has no received_at column, but \(with.first ?? "?") has one; ingest them as separate runs")
    }

    /// The first line of each chunk (line 1 is the header, so a file's first chunk starts at
    /// line 2), and each file's rows read and set aside, repeats included.
    private func numberLines(_ shared: Pass, _ resolved: DuplicateResolver.Outcome) -> ([Int: Int], [IngestResult.FileStats]) {
        let counts = shared.counts.sorted { $0.id < $1.id }
        var firstLine: [Int: Int] = [:]
        firstLine.reserveCapacity(counts.count)
        var files = options.files.enumerated().map { i, path in
            IngestResult.FileStats(path: path, bytes: shared.fileBytes[i], rowsRead: 0, rowsRejected: 0, contentKey: shared.contentKeys[i])
        }
        var previousFile = -1
        var line = 0
        for c in counts {
            let file = Self.file(ofChunk: c.id)
            if file != previousFile { line = 2; previousFile = file }
            firstLine[c.id] = line
            line += c.lines
            files[file].rowsRead += c.rows
            files[file].rowsRejected += c.rejected
        }
        for (file, reasons) in resolved.rejects.byFile {
            for r in reasons { files[file].rowsRejected += r.count }
        }
        return (firstLine, files)
    }

    /// Fails the run when more than `maxRejectedPercent` of its rows were set aside, naming each
    /// file's share, reasons and first line.
    private func checkRejectThreshold(_ rejects: RejectTally, files: [IngestResult.FileStats],
                                      lineOf: (RejectTally.Place) -> Int) throws {
        let rowsRead = files.reduce(0) { $0 + $1.rowsRead }
        guard rowsRead > 0 && Double(rejects.total) * 100 > options.maxRejectedPercent * Double(rowsRead) else { return }
        let perFile = rejects.byFile.map { file, reasons in
            RejectedRows(path: files[file].path, rows: files[file].rowsRead, rejected: files[file].rowsRejected,
                         reasons: reasons.map { .init(name: $0.reason.name, count: $0.count, firstLine: lineOf($0.first)) }
                             .sorted { $0.firstLine < $1.firstLine })
        }
        throw LetterlagError.tooManyRejected(files: perFile, rejected: rejects.total, rows: rowsRead, limitPercent: options.maxRejectedPercent)
    }

    /// The as-of time when none is given: the latest timestamp in any accepted row, or now for
    /// an extract without one (docs/product.md, "Outstanding").
    static func defaultAsOf(_ tallies: [WorkerTally]) -> Int64 {
        let latest = tallies.reduce(Int64.min) { max($0, $1.latest) }
        return latest == .min ? Int64(Date().timeIntervalSince1970) : latest
    }

    /// The window start when none is given: the earliest event in any accepted row, or the
    /// as-of time for an extract without one (docs/product.md, "History across runs").
    static func defaultWindowStart(_ tallies: [WorkerTally], asOf: Int64) -> Int64 {
        let earliest = tallies.reduce(Int64.max) { min($0, $1.earliestEvent) }
        return earliest == .max ? asOf : earliest
    }
}
