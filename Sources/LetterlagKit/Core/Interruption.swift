import Foundation
import Synchronization
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
public final class Interruption: Sendable {
    public static let shared = Interruption()

    /// What a stop must know, held while a commit is made and from a stop to the exit.
    private struct State {
        var storedRun: Int64?
        var unfinished: Set<String> = []
        var installed = false
    }
    private let state = Mutex(State())

    private init() {}

    public func install() {
        let first = state.withLock { s in
            defer { s.installed = true }
            return !s.installed
        }
        guard first else { return }
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
    public func committing(_ body: () throws -> Int64) throws -> Int64 {
        try state.withLock { s in
            let run = try body()
            s.storedRun = run
            return run
        }
    }

    /// A file being written that a stop must remove.
    func begin(writing path: String) { state.withLock { _ = $0.unfinished.insert(path) } }

    func end(writing path: String) { state.withLock { _ = $0.unfinished.remove(path) } }

    /// The line a stop prints, without the `letterlag: ` prefix.
    static func message(signal: Int32, storedRun: Int64?) -> String {
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
        if let storedRun { return "interrupted by \(name) after run \(storedRun) was stored" }
        return "interrupted by \(name); nothing was stored"
    }

    private func stop(_ signal: Int32) {
        // Held from here to the exit, so no commit can start or be half done.
        state.withLock { s in
            for path in s.unfinished { unlink(path) }
            let line = "letterlag: \(Self.message(signal: signal, storedRun: s.storedRun))\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            _exit(128 + signal)
        }
    }
}
