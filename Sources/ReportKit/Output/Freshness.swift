import Foundation

/// What a report is made from, recorded in `results.json` (`"inputs"`), so that a later
/// run, or `--check`, can tell whether the folder is what the same inputs would produce:
/// the SHA-256 of the experiment file, of every data file and of a custom template, the
/// generator's version, and the options that change the output (formats, the PDF date).
/// Every file the run wrote (but `results.json`) is recorded with its SHA-256 too, so a
/// figure edited or deleted by hand makes the report stale.
struct Provenance: Equatable {
  struct Input: Equatable {
    /// How messages name it: "the experiment file article.json",
    /// "experiments[0].data.csv \"data/x.csv\"", "the template t.html".
    var what: String
    /// As the config wrote it (relative), or the config's file name: never an absolute path.
    var shownPath: String
    var sha256: String
  }

  var inputs: [Input]
  var generatorVersion: String
  var formats: [String]
  var sourceDateEpoch: Int?

  /// The inputs' digest: changes when any input, the version or an option does.
  var fingerprint: String {
    var text = "generator \(generatorVersion)\nformats \(formats.joined(separator: ","))\n"
    text += "sourceDateEpoch \(sourceDateEpoch.map(String.init) ?? "-")\n"
    for input in inputs { text += "\(input.what)\t\(input.sha256)\n" }
    return SHA256.hexDigest(Array(text.utf8))
  }

  /// `results.json`'s `"inputs"` member.
  var json: JSONOutput {
    .object([
      ("fingerprint", .string(fingerprint)),
      ("generatorVersion", .string(generatorVersion)),
      ("formats", .array(formats.map(JSONOutput.string))),
      ("sourceDateEpoch", sourceDateEpoch.map { JSONOutput.int($0) } ?? .null),
      ("files", .array(inputs.map { .object([("what", .string($0.what)), ("path", .string($0.shownPath)), ("sha256", .string($0.sha256))]) })),
    ])
  }

  /// The SHA-256 of a file's bytes, read through a mapping (a data file of any size), or
  /// "unreadable": the run then goes on and reports the file as it always has, with the
  /// config's key and position.
  static func digest(of path: String, files: FileAccess) -> String {
    // Window by window, each handed back once hashed: memory stays a window, whatever the size.
    let window = 8 << 20
    guard
      let result = try? files.withMappedFile(
        path,
        { (bytes, release) -> String in
          var hasher = SHA256.Hasher()
          var offset = 0
          while offset < bytes.count {
            let end = Swift.min(offset + window, bytes.count)
            hasher.update(UnsafeBufferPointer(rebasing: bytes[offset..<end]))
            offset = end
            release(offset)
          }
          return SHA256.hex(hasher.finish())
        }),
      case .success(let digest) = result
    else { return unreadable }
    return digest
  }

  static let unreadable = "unreadable"
}

/// Whether an output folder is what the current inputs would produce.
enum Freshness: Equatable {
  case upToDate
  /// Why not, each a short clause ("the experiment file article.json changed").
  case stale([String])

  /// Compares the report in `folder` with `current`, reading only `results.json` and
  /// hashing the files it lists.
  static func check(folder: String, current: Provenance) -> Freshness {
    guard let data = FileManager.default.contents(atPath: folder + "/results.json") else {
      return .stale([FileManager.default.fileExists(atPath: folder) ? "\(folder) has no results.json" : "there is no report at \(folder)"])
    }
    guard let text = String(data: data, encoding: .utf8), let root = try? JSONParser.parse(text), case .object(let top) = root.kind
    else { return .stale(["\(folder)/results.json is not a report's"]) }
    func member(_ members: [JSONMember], _ key: String) -> JSONNode? { members.first { $0.key == key }?.value }
    guard let inputsNode = member(top, "inputs"), case .object(let inputs) = inputsNode.kind else {
      return .stale(["\(folder)/results.json records no inputs (written by an older version)"])
    }
    var reasons: [String] = []
    if case .string(let version) = member(inputs, "generatorVersion")?.kind, version != current.generatorVersion {
      reasons.append("it was made by \(Generator.name) \(version), this is \(current.generatorVersion)")
    }
    var recorded: [String: String] = [:]
    if case .array(let items) = member(inputs, "files")?.kind {
      for item in items {
        guard case .object(let fields) = item.kind, case .string(let what) = member(fields, "what")?.kind,
          case .string(let digest) = member(fields, "sha256")?.kind
        else { continue }
        recorded[what] = digest
      }
    }
    for input in current.inputs {
      switch recorded[input.what] {
      case nil: reasons.append("\(input.what) is new")
      case _ where input.sha256 == Provenance.unreadable: reasons.append("\(input.what) cannot be read")
      case let digest? where digest != input.sha256: reasons.append("\(input.what) changed")
      default: break
      }
    }
    let names = Set(current.inputs.map(\.what))
    for what in recorded.keys.sorted() where !names.contains(what) { reasons.append("\(what) is no longer read") }
    if case .array(let items) = member(inputs, "formats")?.kind {
      let formats = items.compactMap { if case .string(let s) = $0.kind { s } else { nil } }
      if formats != current.formats { reasons.append("the formats changed (\(formats.joined(separator: ", ")) → \(current.formats.joined(separator: ", ")))") }
    }
    let epoch: Int? = if case .number(let v, _) = member(inputs, "sourceDateEpoch")?.kind { Int(exactly: v) } else { nil }
    if epoch != current.sourceDateEpoch { reasons.append("SOURCE_DATE_EPOCH changed") }
    if reasons.isEmpty, case .string(let fingerprint) = member(inputs, "fingerprint")?.kind, fingerprint != current.fingerprint {
      reasons.append("the inputs' fingerprint differs")
    }
    // The files themselves: each one the report lists must be there with its size (a
    // size is read without reading the file; the SHA-256 in fileHashes is for readers).
    if case .object(let sizes) = member(top, "fileSizes")?.kind {
      for entry in sizes {
        guard case .number(let size, _) = entry.value.kind else { continue }
        let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + entry.key)
        guard let actual = (attributes?[.size] as? NSNumber)?.doubleValue else {
          reasons.append("\(entry.key) is missing")
          continue
        }
        if actual != size { reasons.append("\(entry.key) was modified") }
      }
    } else {
      reasons.append("\(folder)/results.json records no file sizes (written by an older version)")
    }
    // And nothing else: the rule a run uses before it replaces the folder.
    if let foreign = ReportFolder.foreignFile(in: folder) { reasons.append("\(foreign.path) is not part of the report") }
    return reasons.isEmpty ? .upToDate : .stale(reasons)
  }
}
