/// One step of a gzip inflater: what `GzipStream` needs from ISA-L or zlib.
protocol InflateEngine: AnyObject {
    /// Prepares for a new member; `first` is true for the file's first.
    func startMember(first: Bool)
    /// Inflates from `input` into `output`; returns bytes consumed, bytes produced and whether
    /// the member ended. Throws the reason for corrupt data, without the place.
    func inflate(_ input: UnsafeMutableRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                 memberStart: Int) throws(InflateFailure) -> (consumed: Int, produced: Int, memberEnded: Bool)
}

/// Why an engine could not inflate; `GzipStream` adds the file and byte offset.
struct InflateFailure: Error {
    var reason: String
}

/// A gzip file as a stream of bytes: several concatenated members, any engine.
///
/// It owns what both engines share: reading the file, starting members, and telling a
/// truncated stream (input ends inside a member) from an empty file.
final class GzipStream<Engine: InflateEngine>: ByteSource {
    let file: FileInput
    let engine: Engine
    private var inMember = false
    private var members = 0
    private var finished = false
    private var memberStart = 0

    var bytesConsumed: Int { file.position }
    var contentKey: String? { file.contentKey }

    init(file: FileInput, engine: Engine) {
        self.file = file
        self.engine = engine
    }

    func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished { return 0 }
        var written = 0
        while written < out.count {
            if file.consumed == file.filled {
                guard try file.refill() else {
                    if inMember {
                        throw LetterlagError.unreadableFile(path: file.path, place: "byte \(file.position)",
                            reason: "gzip stream is truncated (member \(members + 1) starting at byte \(memberStart) has no end)")
                    }
                    if members == 0 {
                        throw LetterlagError.unreadableFile(path: file.path, place: "byte 0", reason: "file is empty")
                    }
                    finished = true
                    return written
                }
            }
            if !inMember {
                inMember = true
                memberStart = file.position
                engine.startMember(first: members == 0)
            }
            let step: (consumed: Int, produced: Int, memberEnded: Bool)
            do {
                step = try engine.inflate(file.pending, into: UnsafeMutableRawBufferPointer(rebasing: out[written...]),
                                          memberStart: memberStart)
            } catch {
                throw LetterlagError.unreadableFile(path: file.path, place: "byte \(file.position)", reason: error.reason)
            }
            file.consumed += step.consumed
            written += step.produced
            if step.memberEnded {
                inMember = false
                members += 1
            }
        }
        return written
    }
}
