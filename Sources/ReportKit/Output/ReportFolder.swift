import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A report folder that a run replaces as a whole, and that only ever loses files an
/// earlier run of the tool wrote.
///
/// Files go into a hidden staging folder beside the destination (`.NAME.partial-PID`);
/// ``commit()`` swaps it in with two renames (the old report moved aside, then removed), so a
/// failed run never leaves a half-written or missing report. For the whole run the folder is
/// locked (``FolderLock``, `.NAME.lock` beside it), so concurrent runs take turns.
///
/// The rules, checked under the lock before any work and again just before the swap:
/// - an existing destination must be empty or a report whose `results.json` lists (key
///   `files`) every file in it; the first other file is named and the run refused;
/// - no input (experiment file, data file, template) may lie inside the destination;
/// - a destination that is a symbolic link to a folder is written through: the report
///   replaces the link's target and the link stays; a dangling link is refused;
/// - staging folders left by runs that were killed are removed, and a report that a killed
///   run had moved aside (`.NAME.previous-PID`) is put back first.
final class ReportFolder {
  /// The destination as the user gave it, for messages.
  let shown: String
  /// The destination's absolute path, symbolic links resolved.
  let destination: String
  private let staging: String
  private let previous: String
  private let lock: FolderLock
  private let cleanupToken: Int
  /// The folders above the destination this run made (outermost first).
  private let createdFolders: [String]
  /// Paths written so far, relative to the folder.
  private(set) var written: Set<String> = []
  /// The SHA-256 of every file written so far, by path (for `results.json`'s `fileHashes`).
  private(set) var hashes: [String: String] = [:]
  /// The size of every file written so far, by path.
  private(set) var sizes: [String: Int] = [:]
  /// The folders below the staging folder made so far (`figures`, `data`).
  private var folders: Set<String> = []
  private var committed = false

  /// The manifest's key in `results.json`.
  static let manifestKey = "files"

  /// Locks and checks `path` and makes its staging folder.
  /// - Parameters:
  ///   - path: The `--output` folder as given.
  ///   - inputs: The files the run reads, each with how a message names it ("the experiment
  ///     file q.json").
  ///   - waiting: Called once when another run holds the folder's lock (this run then waits).
  /// - Throws: ``ReportError/io(_:)`` naming the folder, the file in the way and what to do.
  init(destination path: String, inputs: [(what: String, path: String)], waiting: (String) -> Void) throws(ReportError) {
    shown = path
    var created: [String] = []
    let (parent, name) = try Self.resolve(path, created: &created)
    createdFolders = created
    destination = parent == "/" ? "/\(name)" : "\(parent)/\(name)"
    let pid = getpid()
    staging = "\(parent)/.\(name).partial-\(pid)"
    previous = "\(parent)/.\(name).previous-\(pid)"
    let lockPath = "\(parent)/.\(name).lock"
    do {
      lock = try FolderLock(path: lockPath) { waiting(path) }
    } catch {
      Self.removeEmpty(created)
      throw error
    }
    let staging = self.staging
    let previous = self.previous
    let destination = self.destination
    let createdFolders = created
    cleanupToken = Interruption.register {
      // Put back a report moved aside by a swap that did not finish, drop the staging
      // folder, and the lock file (held, so no other run is using it).
      if access(destination, F_OK) != 0 && access(previous, F_OK) == 0 { rename(previous, destination) }
      try? FileManager.default.removeItem(atPath: staging)
      unlink(lockPath)
      ReportFolder.removeEmpty(createdFolders)
    }

    Self.recoverAndClean(parent: parent, name: name, destination: destination)
    if let foreign = Self.foreignFile(in: destination) { throw Self.refusal(foreign, shown: path) }
    let inside = destination + "/"
    for input in inputs {
      guard let real = Self.realPath(input.path) else { continue }
      if real.hasPrefix(inside) {
        throw .io(
          "\(input.what) is inside the output folder \(path), which a run replaces; move it out of the folder or choose another --output")
      }
    }
    do {
      try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
    } catch {
      // Fully initialised: deinit unregisters the cleanup and lets go of the lock.
      throw .io("cannot create the folder \(staging): \(error.localizedDescription)")
    }
  }

  deinit {
    if !committed {
      let staging = self.staging
      Interruption.critical { try? FileManager.default.removeItem(atPath: staging) }
    }
    Interruption.unregister(cleanupToken)
    lock.release()
    if !committed { Self.removeEmpty(createdFolders) }
  }

  /// Writes `bytes` to `relativePath` inside the report.
  ///
  /// Not synced here: ``commit()`` makes every file's data durable, all at once, before the
  /// report is moved into place.
  func write(_ bytes: [UInt8], to relativePath: String, sha256: String? = nil) throws(ReportError) {
    let components = relativePath.split(separator: "/")
    guard !relativePath.hasPrefix("/"), !components.isEmpty, !components.contains(where: { $0 == ".." || $0 == "." }) else {
      throw .internal("refusing to write \(relativePath) outside the output folder")
    }
    let folder = components.dropLast().joined(separator: "/")
    let staging = self.staging
    try Interruption.critical { () throws(ReportError) in
      if !folder.isEmpty && !folders.contains(folder) {
        do {
          try FileManager.default.createDirectory(atPath: staging + "/" + folder, withIntermediateDirectories: true)
        } catch {
          throw .io("cannot write \(relativePath) in \(staging): \(error.localizedDescription)")
        }
        // Each folder on the way, for commit's sync of the folders' entries.
        for end in components.indices.dropLast() { folders.insert(components[...end].joined(separator: "/")) }
      }
      if let problem = Self.writeFile(staging + "/" + relativePath, bytes) {
        throw .io("cannot write \(relativePath) in \(staging): \(problem)")
      }
    }
    written.insert(relativePath)
    hashes[relativePath] = sha256 ?? SHA256.hexDigest(bytes)
    sizes[relativePath] = bytes.count
  }

  /// Creates (or truncates) the file at `path` with `bytes`, mode 0666 less the umask as
  /// Foundation's writes make it; the reason on failure.
  private static func writeFile(_ path: String, _ bytes: [UInt8]) -> String? {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    guard fd >= 0 else { return String(cString: strerror(errno)) }
    var problem: String?
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let n = Glibc.write(fd, base + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          problem = String(cString: strerror(errno))
          return
        }
        offset += n
      }
    }
    if close(fd) != 0 && problem == nil { problem = String(cString: strerror(errno)) }
    return problem
  }

  /// The bytes written to `relativePath` (read back from the staging folder).
  func contents(of relativePath: String) -> [UInt8]? {
    guard written.contains(relativePath), let data = FileManager.default.contents(atPath: staging + "/" + relativePath) else { return nil }
    return [UInt8](data)
  }

  /// Writes UTF-8 `text` to `relativePath` inside the report.
  func write(_ text: String, to relativePath: String) throws(ReportError) {
    try write(Array(text.utf8), to: relativePath)
  }

  /// The manifest for `results.json`: every file this run writes, `results.json` included,
  /// sorted.
  func manifest(adding last: String) -> [String] {
    written.union([last]).sorted()
  }

  /// Moves the finished report into place, replacing a previous one.
  ///
  /// The previous report is first moved aside and checked there for files added during
  /// the run (a writer into the old path now finds no folder, so nothing can slip in
  /// between the check and the swap); with any, it is moved back and the run refused.
  ///
  /// Crash safety: before the first rename, every file's data and every staged folder's
  /// entries are on disk (``syncStaged()``, all in parallel); so whatever prefix of the
  /// renames a crash keeps, the destination is the previous report, the new complete one,
  /// or missing with the previous one beside it as `.NAME.previous-PID`, which the next run
  /// puts back. After the swap and the removal of the previous report the parent folder is
  /// synced, so a run that returned has its report on disk.
  func commit() throws(ReportError) {
    let destination = self.destination
    let staging = self.staging
    let previous = self.previous
    let shown = self.shown
    if let problem = syncStaged() {
      throw .io("cannot write the report in \(staging) to disk: \(problem)")
    }
    try Interruption.critical { () throws(ReportError) in
      let hadPrevious = access(destination, F_OK) == 0
      if hadPrevious {
        try? FileManager.default.removeItem(atPath: previous)
        guard rename(destination, previous) == 0 else {
          throw .io("cannot move the previous report \(destination) aside: \(String(cString: strerror(errno)))")
        }
        if let foreign = Self.foreignFile(in: previous) {
          rename(previous, destination)
          throw Self.refusal(foreign, shown: shown, duringRun: true)
        }
      }
      guard rename(staging, destination) == 0 else {
        let reason = String(cString: strerror(errno))
        if hadPrevious { rename(previous, destination) }
        throw .io("cannot move the report into \(destination): \(reason)")
      }
      committed = true
      if hadPrevious { try? FileManager.default.removeItem(atPath: previous) }
      Self.sync((destination as NSString).deletingLastPathComponent)
    }
  }

  /// fsyncs every staged file and folder (the folders for their entries), each on a thread
  /// of its own: the file system then commits them together (on ext4 one journal commit
  /// for all, where one fsync after another waits for a commit each: 2–6 ms against 60–80 ms
  /// for 17 files, scripts in BENCHMARKS.md). The first failure's reason, or nil.
  func syncStaged() -> String? {
    let paths = written.sorted().map { staging + "/" + $0 } + folders.sorted().map { staging + "/" + $0 } + [staging]
    let problems = Problems()
    let group = DispatchGroup()
    // At most 64 at a time, so that a report of thousands of files does not start as
    // many threads.
    for start in stride(from: 0, to: paths.count, by: 64) {
      for path in paths[start..<min(start + 64, paths.count)] {
        group.enter()
        let thread = Thread {
          if let problem = Self.sync(path) { problems.list.withLock { $0.append(problem) } }
          group.leave()
        }
        thread.start()
      }
      group.wait()
    }
    return problems.list.withLock { $0.sorted().first }
  }

  /// What the syncing threads report.
  private final class Problems: Sendable {
    let list = Mutex<[String]>([])
  }

  /// fsyncs the file or folder at `path`; the reason on failure.
  @discardableResult
  static func sync(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "\(path): \(String(cString: strerror(errno)))" }
    defer { close(fd) }
    while fsync(fd) != 0 {
      if errno != EINTR { return "\(path): \(String(cString: strerror(errno)))" }
    }
    return nil
  }

  // MARK: - Rules

  /// The folder holding the destination (made when missing, links resolved) and its name.
  private static func resolve(_ path: String, created: inout [String]) throws(ReportError) -> (parent: String, name: String) {
    // Made absolute by hand: URL(fileURLWithPath:) would expand a leading "~", which no
    // other path of the tool does.
    let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    let absolute = URL(fileURLWithPath: joined).standardizedFileURL.path
    var info = stat()
    if lstat(absolute, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
      guard let target = realPath(absolute) else {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: absolute)) ?? "?"
        throw .io(
          "the output path \(path) is a symbolic link to \(link), which does not exist; create that folder, remove the link, or choose another --output")
      }
      return try split(target, shown: path)
    }
    let parentPath = (absolute as NSString).deletingLastPathComponent
    // The folders above the destination that do not exist yet, outermost first: made now,
    // and removed again (if still empty) when the run fails.
    var missing: [String] = []
    var folder = parentPath
    while access(folder, F_OK) != 0, folder != "/", !folder.isEmpty {
      missing.insert(folder, at: 0)
      folder = (folder as NSString).deletingLastPathComponent
    }
    for folder in missing {
      guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
        let reason = String(cString: strerror(errno))
        removeEmpty(created)
        throw .io("cannot create the folder \(folder) for --output \(path): \(reason)")
      }
      created.append(folder)
    }
    guard let parent = realPath(parentPath) else {
      removeEmpty(created)
      throw .io("cannot use the folder \(parentPath) for --output \(path): \(String(cString: strerror(errno)))")
    }
    do {
      return try split(parent == "/" ? "/" + (absolute as NSString).lastPathComponent : parent + "/" + (absolute as NSString).lastPathComponent, shown: path)
    } catch {
      removeEmpty(created)
      throw error
    }
  }

  /// Removes `folders` (outermost first) from the innermost out, each only if empty.
  static func removeEmpty(_ folders: [String]) {
    for folder in folders.reversed() { rmdir(folder) }
  }

  private static func split(_ absolute: String, shown: String) throws(ReportError) -> (parent: String, name: String) {
    let name = (absolute as NSString).lastPathComponent
    guard !name.isEmpty, name != "/", name != ".", name != ".." else {
      throw .io("the output folder \(shown) is the root folder; choose a folder of its own with --output")
    }
    var info = stat()
    if stat(absolute, &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR {
      throw .io("the output path \(shown) is a file, not a folder; choose another --output")
    }
    return ((absolute as NSString).deletingLastPathComponent, name)
  }

  /// The path with every symbolic link resolved, or nil when it does not exist.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Puts back a report a killed run had moved aside, and removes staging folders of runs
  /// that are gone (under the lock, no other run into this folder is active).
  private static func recoverAndClean(parent: String, name: String, destination: String) {
    let prefixes = [".\(name).previous-", ".\(name).partial-"]
    // Only the names with these prefixes: the parent may be a large folder (/tmp, a docs
    // tree), and making a string of every name cost about 12 ms a run for 8 500 of them.
    let entries = names(in: parent, startingWith: prefixes) ?? []
    for prefix in prefixes {
      for entry in entries.filter({ $0.hasPrefix(prefix) }).sorted() {
        let pid = entry.dropFirst(prefix.count)
        // Even one with this process's number: this run has made none yet.
        guard !pid.isEmpty, pid.allSatisfy(\.isASCII), pid.allSatisfy(\.isNumber) else { continue }
        let path = "\(parent)/\(entry)"
        if prefix.hasSuffix("previous-") && access(destination, F_OK) != 0 && rename(path, destination) == 0 { continue }
        try? FileManager.default.removeItem(atPath: path)
      }
    }
  }

  /// A file or folder in the destination that no run of the tool wrote.
  struct Foreign: Equatable {
    /// Relative to the folder; a folder ends in "/".
    var path: String
    /// Whether the folder has no `results.json` at all.
    var notAReport: Bool
  }

  /// The message refusing `foreign`.
  private static func refusal(_ foreign: Foreign, shown: String, duringRun: Bool = false) -> ReportError {
    if foreign.notAReport {
      return .io(
        "the output folder \(shown) already holds files (first: \(foreign.path)) but no results.json, so it is not a generate-report report; choose an empty or new folder with --output")
    }
    if duringRun {
      return .io(
        "the output folder \(shown) gained \(foreign.path) during the run, which generate-report did not write; nothing was replaced: move it out of the folder and run again")
    }
    return .io(
      "the output folder \(shown) holds \(foreign.path), which generate-report did not write; a run replaces the whole folder, so move it out or choose another --output")
  }

  /// The first file or folder (in sorted order) in `folder` that no run of the tool wrote,
  /// or nil.
  static func foreignFile(in folder: String) -> Foreign? {
    var info = stat()
    guard stat(folder, &info) == 0 else { return nil }
    let entries = listing(folder, prefix: "") ?? []
    guard !entries.isEmpty else { return nil }
    guard entries.contains(where: { $0.path == "results.json" && !$0.isFolder }) else {
      let first = entries.first { !$0.isFolder || $0.isEmptyFolder } ?? entries[0]
      return Foreign(path: first.path + (first.isFolder ? "/" : ""), notAReport: true)
    }
    guard let allowed = manifest(of: folder) else { return Foreign(path: "results.json", notAReport: false) }
    for entry in entries {
      if entry.isUnreadable { return Foreign(path: entry.path + "/ (which cannot be listed)", notAReport: false) }
      // Not the tool's whatever the manifest says: its name is not the one shown (a legacy
      // report would otherwise take `figures/caf\u{FFFD}.png` for one of its figures).
      if entry.cannotBeLookedAt { return Foreign(path: entry.path, notAReport: false) }
      if entry.isFolder {
        if entry.isEmptyFolder && !["figures", "data"].contains(entry.path) { return Foreign(path: entry.path + "/", notAReport: false) }
        continue
      }
      if entry.path == "results.json" { continue }
      switch allowed {
      case .files(let files): if !files.contains(entry.path) { return Foreign(path: entry.path, notAReport: false) }
      case .legacy: if !isLegacyOutput(entry.path) { return Foreign(path: entry.path, notAReport: false) }
      }
    }
    return nil
  }

  /// What a report's `results.json` says may be in the folder.
  private enum Manifest {
    /// The files it lists.
    case files(Set<String>)
    /// Written before there was a list: judged by ``isLegacyOutput(_:)``.
    case legacy
  }

  /// The manifest of the report in `folder`, or nil when its `results.json` is not one
  /// generate-report wrote (not JSON, or no `generator.name` of ours): then that file is
  /// the user's.
  private static func manifest(of folder: String) -> Manifest? {
    guard let data = FileManager.default.contents(atPath: folder + "/results.json"),
      let text = String(data: data, encoding: .utf8),
      let root = try? JSONParser.parse(text), case .object(let members) = root.kind,
      let generator = members.first(where: { $0.key == "generator" })?.value, case .object(let about) = generator.kind,
      let name = about.first(where: { $0.key == "name" })?.value, name.kind == .string(Generator.name)
    else { return nil }
    guard let files = members.first(where: { $0.key == manifestKey })?.value, case .array(let items) = files.kind else {
      return .legacy
    }
    var paths: Set<String> = []
    for item in items {
      if case .string(let path) = item.kind { paths.insert(path) }
    }
    return .files(paths)
  }

  /// What versions before the manifest wrote: `index.html`, `figures/*.png|pdf|svg`,
  /// `data/*.csv`.
  private static func isLegacyOutput(_ path: String) -> Bool {
    if path == "index.html" { return true }
    let parts = path.split(separator: "/")
    guard parts.count == 2 else { return false }
    switch parts[0] {
    case "figures": return [".png", ".pdf", ".svg"].contains { parts[1].hasSuffix($0) }
    case "data": return parts[1].hasSuffix(".csv")
    default: return false
    }
  }

  private struct Entry {
    var path: String
    var isFolder: Bool
    var isEmptyFolder: Bool
    /// A folder whose contents cannot be listed (so cannot be judged).
    var isUnreadable = false
    /// An entry `lstat` cannot find under its name as listed (a name that is not UTF-8).
    var cannotBeLookedAt = false
  }

  /// The names in `folder` (not `.` or `..`) that start with one of `prefixes` (every name
  /// when empty), in the order the folder lists them; nil when it cannot be read. Names are
  /// compared as bytes before any string is made of them.
  static func names(in folder: String, startingWith prefixes: [String] = []) -> [String]? {
    guard let directory = opendir(folder) else { return nil }
    defer { closedir(directory) }
    let wanted = prefixes.map { Array($0.utf8) }
    var names: [String] = []
    while true {
      // readdir returns NULL at the end and on an error, which only errno tells apart: a
      // listing cut short by an error is no listing (it could hide a file of the user's).
      errno = 0
      guard let entry = readdir(directory) else {
        if errno != 0 { return nil }
        break
      }
      let name: String? = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
        let bytes = raw.prefix { $0 != 0 }
        if bytes.elementsEqual(".".utf8) || bytes.elementsEqual("..".utf8) { return nil }
        guard wanted.isEmpty || wanted.contains(where: { bytes.starts(with: $0) }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
      }
      if let name { names.append(name) }
    }
    return names
  }

  /// Every entry below `folder`, depth first, sorted; symbolic links are not followed
  /// (a link is an entry like a file). Nil when `folder` cannot be listed.
  private static func listing(_ folder: String, prefix: String) -> [Entry]? {
    guard let names = names(in: folder) else { return nil }
    var result: [Entry] = []
    for name in names.sorted() {
      let path = "\(folder)/\(name)"
      let relative = prefix + name
      var info = stat()
      // One that cannot be looked at (a name that is not UTF-8, shown with U+FFFD and so not
      // found under it) is still there: listed as a file, it is in no manifest, so the run
      // refuses rather than deleting it with the previous report.
      guard lstat(path, &info) == 0 else {
        result.append(Entry(path: relative, isFolder: false, isEmptyFolder: false, cannotBeLookedAt: true))
        continue
      }
      if (info.st_mode & S_IFMT) == S_IFDIR {
        // Listed once: a folder that cannot be is not judged empty.
        guard let inner = listing(path, prefix: relative + "/") else {
          result.append(Entry(path: relative, isFolder: true, isEmptyFolder: false, isUnreadable: true))
          continue
        }
        result.append(Entry(path: relative, isFolder: true, isEmptyFolder: inner.isEmpty))
        result += inner
      } else {
        result.append(Entry(path: relative, isFolder: false, isEmptyFolder: false))
      }
    }
    return result
  }
}
