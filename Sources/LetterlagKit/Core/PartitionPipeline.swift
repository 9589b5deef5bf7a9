import Foundation

/// Produces partitions' batches on `workers` threads while the calling thread consumes them,
/// at most `workers + 1` batches waiting at once: the shape of every assembly after the pass,
/// where the calling thread is left only the part that cannot run in parallel (SQLite writes).
enum PartitionPipeline {
    /// Calls `produce` for partitions `0..<count` on the workers, each thread with its own
    /// `State` from `makeState`; each batch `produce` hands to its `emit` reaches `consume` on
    /// the calling thread, in the order they are emitted, and `emit` waits while `workers + 1`
    /// are waiting, so a partition of any size can be handed on in bounded pieces. `finished`
    /// runs on a worker once every batch is produced, before the last is consumed. The first
    /// error from either side stops the rest and is thrown.
    static func run<State, Batch: Sendable>(count: Int, workers: Int, makeState: @escaping @Sendable () throws -> State,
                                  produce: @escaping @Sendable (Int, inout State, _ emit: (Batch) -> Void) throws -> Void,
                                  finished: @escaping @Sendable () -> Void = {},
                                  consume: (Batch) throws -> Void) throws {
        let results = WorkQueue<Result<Batch, Error>>()
        let slots = DispatchSemaphore(value: workers + 1)
        let next = PartitionCounter(0)
        DispatchQueue.global().async {
            WorkerThreads.run(max(1, workers)) { _ in
                func push(_ result: Result<Batch, Error>) {
                    slots.wait()
                    results.push(result)
                }
                var state: State
                do { state = try makeState() } catch {
                    push(.failure(error))
                    return
                }
                while case let p = next.take(), p < count {
                    do { try produce(p, &state) { push(.success($0)) } } catch { push(.failure(error)) }
                }
            }
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
