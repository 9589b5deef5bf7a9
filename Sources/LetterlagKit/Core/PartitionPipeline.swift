import Foundation

/// Produces partitions' batches on `workers` threads while the calling thread consumes them,
/// at most `workers + 1` batches held at once: the shape of every assembly after the pass,
/// where the calling thread is left only the part that cannot run in parallel (SQLite writes).
enum PartitionPipeline {
    /// Calls `produce` for partitions `0..<count` on the workers, each thread with its own
    /// `State` from `makeState`, and `consume` with each batch on the calling thread, in the
    /// order they finish. `finished` runs on a worker once every batch is produced, before the
    /// last is consumed; `done` gets each thread's state back after its last partition. The
    /// first error from either side stops the rest and is thrown.
    static func run<State, Batch>(count: Int, workers: Int, makeState: @escaping @Sendable () throws -> State,
                                  produce: @escaping @Sendable (Int, inout State) throws -> Batch,
                                  done: @escaping @Sendable (State) -> Void = { _ in },
                                  finished: @escaping @Sendable () -> Void = {},
                                  consume: (Batch) throws -> Void) throws {
        let results = WorkQueue<Result<Batch, Error>>()
        let slots = DispatchSemaphore(value: workers + 1)
        let next = PartitionCounter(0)
        DispatchQueue.global().async {
            DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in WorkerPriority.asWorker {
                var state: State
                do { state = try makeState() } catch {
                    results.push(.failure(error))
                    return
                }
                while true {
                    slots.wait()
                    let p = next.take()
                    guard p < count else {
                        slots.signal()
                        break
                    }
                    results.push(Result { try produce(p, &state) })
                }
                done(state)
            } }
            finished()
            results.close()
        }
        var failure: Error?
        while let result = results.pop() {
            slots.signal()
            guard failure == nil else { continue }
            do {
                try consume(try result.get())
            } catch {
                failure = error
                next.stop()
            }
        }
        if let failure { throw failure }
    }
}
