/// A chunk's number across a run's files: the file's place in the run in the high 32 bits, the
/// chunk's place in its file below, so chunks sort in file order and each names its file.
enum ChunkID {
    private static let fileShift = 32

    @inline(__always)
    static func make(file: Int, index: Int) -> Int { file << fileShift | index }

    @inline(__always)
    static func file(_ id: Int) -> Int { id >> fileShift }
}
