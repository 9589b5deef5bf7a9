import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT and SIGTERM into a prompt stop that loses nothing: one line on standard error,
/// then exit status 130 or 143.
///
/// Nothing needs undoing. A run is stored in one transaction, so an uncommitted one vanishes;
/// spill files are unlinked as they are made; the kernel drops the ingest lock with the process;
/// and output files still being written (`OutputSink`) are removed here. The one moment that
/// matters is a run's commit: it is made inside `committing`, which the stop waits for, so the
/// line never says "nothing was stored" of a run that was.
///
/// The signals are blocked in every thread and taken by one thread in `sigwait`, so they are
/// handled at once even while every worker is busy. Call `install` first thing in `main`,
/// before any thread starts, so that every thread inherits the mask.
public final class Interruption: @unchecked Sendable {
    public static let shared = Interruption()

    private let lock = NSLock()
    private var storedRun: Int64?
    private var unfinished: Set<String> = []
    private var installed = false

    private init() {}

    public func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        var set = Self.signals
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let waiter = Thread {
            var set = Self.signals
            var signal: Int32 = 0
            while sigwait(&set, &signal) != 0 {}
            Interruption.shared.stop(signal)
        }
        waiter.name = "letterlag signals"
        waiter.start()
    }

    private static var signals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    /// Runs `body`, a run's commit, so that a stop waits for it and then says the run was stored.
    public func committing(_ body: () throws -> Int64) rethrows -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        let run = try body()
        storedRun = run
        return run
    }

    /// A file being written that a stop must remove.
    func begin(writing path: String) { lock.withLock { _ = unfinished.insert(path) } }

    func end(writing path: String) { lock.withLock { _ = unfinished.remove(path) } }

    /// The line a stop prints, without the `letterlag: ` prefix.
    static func message(signal: Int32, storedRun: Int64?) -> String {
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
        if let storedRun { return "interrupted by \(name) after run \(storedRun) was stored" }
        return "interrupted by \(name); nothing was stored"
    }

    private func stop(_ signal: Int32) {
        // Held from here to the exit, so no commit can start or be half done.
        lock.lock()
        for path in unfinished { unlink(path) }
        let line = "letterlag: \(Self.message(signal: signal, storedRun: storedRun))\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        _exit(128 + signal)
    }
}
