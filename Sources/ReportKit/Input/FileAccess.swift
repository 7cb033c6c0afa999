import Foundation

/// Reading the files a run uses: only regular files, text files up to a size, data files
/// memory-mapped so memory follows the parsed values, not the file's size.
struct FileAccess {
  /// The largest experiment file or template read (they are read whole).
  static let textLimit = 64 << 20

  /// The file's bytes, for a regular file of at most `limit` bytes.
  /// - Throws: ``FileProblem`` saying why the file cannot be read.
  func readBytes(_ path: String, limit: Int = FileAccess.textLimit) throws(FileProblem) -> [UInt8] {
    try withMappedFile(path) { (bytes, _) throws(FileProblem) -> [UInt8] in
      guard bytes.count <= limit else {
        throw FileProblem("it is larger than \(limit >> 20) MiB (\(bytes.count) bytes); is it the right file?")
      }
      return Array(bytes)
    }.get()
  }

  /// Calls `body` with the bytes of the regular file at `path`, mapped read-only, and a
  /// function that hands the pages before an offset back to the system (a forward reader
  /// calls it with increasing offsets as it goes, so a file of any size costs a window of
  /// memory; a smaller offset than the last starts a new pass).
  /// - Throws: ``FileProblem`` when the file cannot be opened or is not a regular file
  ///   (a folder, a FIFO, a device), or what `body` throws.
  func withMappedFile<T, E: Error>(
    _ path: String, _ body: (UnsafeBufferPointer<UInt8>, _ release: (Int) -> Void) throws(E) -> T
  ) throws(FileProblem) -> Result<T, E> {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      switch errno {
      case ENOENT: throw FileProblem("no such file")
      case EACCES: throw FileProblem("permission denied")
      case ENOTDIR: throw FileProblem("a part of the path is not a folder")
      default: throw FileProblem(String(cString: strerror(errno)))
      }
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileProblem(String(cString: strerror(errno))) }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw FileProblem("it is a folder")
    case S_IFIFO: throw FileProblem("it is not a regular file (a FIFO)")
    case S_IFCHR, S_IFBLK: throw FileProblem("it is not a regular file (a device)")
    default: throw FileProblem("it is not a regular file")
    }
    let size = Int(info.st_size)
    guard size > 0 else {
      return Result { () throws(E) in try body(UnsafeBufferPointer(start: nil, count: 0), { _ in }) }
    }
    guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
      throw FileProblem("cannot map it into memory: \(String(cString: strerror(errno)))")
    }
    defer { munmap(mapped, size) }
    madvise(mapped, size, MADV_SEQUENTIAL)
    let base = mapped.assumingMemoryBound(to: UInt8.self)
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    var released = 0
    let release: (Int) -> Void = { offset in
      let end = Swift.min(offset, size) / page * page
      // An offset below the last one starts a new pass over the file (a check, then the
      // reading): its pages are touched afresh from the start.
      if end < released { released = 0 }
      if end > released {
        madvise(mapped + released, end - released, MADV_DONTNEED)
        released = end
      }
    }
    return Result { () throws(E) in try body(UnsafeBufferPointer(start: base, count: size), release) }
  }

  /// The file as UTF-8 text.
  /// - Throws: ``FileProblem`` for a file that cannot be read or is not UTF-8 text (with the
  ///   line, column and byte of the first bad byte).
  func readText(_ path: String) throws(FileProblem) -> String {
    let bytes = try readBytes(path)
    if let problem = bytes.withUnsafeBufferPointer({ TextCheck.firstProblem(in: $0) }) {
      throw FileProblem("\(problem.position): \(problem.message)")
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// A short reason a file could not be used.
struct FileProblem: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
