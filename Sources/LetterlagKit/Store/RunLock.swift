#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An exclusive lock beside the database, so two ingests never run against it at once.
///
/// `flock` on `DB.lock`: the kernel drops it when the process dies, even under `kill -9`,
/// so a crashed run never leaves a stale lock behind.
public final class RunLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock, waiting up to `wait` seconds for another run to finish.
    public init(databasePath: String, wait: TimeInterval) throws {
        path = databasePath + ".lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LetterlagError.database(path: path, reason: "cannot open the lock file: \(String(cString: strerror(errno)))", statement: nil)
        }
        let deadline = Date().addingTimeInterval(wait)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if Date() >= deadline {
                close(fd)
                throw LetterlagError.busy("another letterlag ingest is using \(databasePath) (lock \(path)); waited \(Int(wait)) s. Try again later or raise --wait")
            }
            usleep(100_000)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
