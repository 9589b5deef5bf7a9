import Foundation

/// Runs a fixed number of long-lived workers on threads of their own, each at the workers'
/// priority (`WorkerPriority`), and waits for all of them.
///
/// `DispatchQueue.concurrentPerform` gives no such promise: it runs iterations as wide as the
/// pool judges the machine free, and on a 100-million-letter run its second iteration waited for
/// the first, which had taken every partition, so the practice view was folded on one core for
/// 15 s. A thread per worker costs a thread start, nothing per partition.
enum WorkerThreads {
    /// Stack for each worker: their buffers live on the heap, a few KiB on the stack.
    static let stackSize = 4 << 20

    /// Calls `body(i)` for `i` in `0..<count` at once, each on its own thread, and returns when all have returned.
    static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchGroup()
        for i in 0..<max(1, count) {
            done.enter()
            let thread = Thread {
                WorkerPriority.asWorker { body(i) }
                done.leave()
            }
            thread.stackSize = stackSize
            thread.start()
        }
        done.wait()
    }
}
