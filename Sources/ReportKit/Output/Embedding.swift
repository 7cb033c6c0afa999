import Foundation

/// `"embed": true`: the page's every image and link to a file of the report becomes a
/// `data:` URI, so `index.html` alone is the whole report (mail it, attach it, open it
/// from anywhere). The files are still written beside it.
enum Embedding {
  /// The MIME type of a report file, by extension.
  static func mimeType(_ path: String) -> String {
    switch path.split(separator: ".").last.map(String.init) ?? "" {
    case "png": "image/png"
    case "svg": "image/svg+xml"
    case "pdf": "application/pdf"
    case "csv": "text/csv;charset=utf-8"
    case "json": "application/json"
    default: "application/octet-stream"
    }
  }

  static func dataURI(_ bytes: [UInt8], path: String) -> String {
    "data:\(mimeType(path));base64,\(Data(bytes).base64EncodedString())"
  }

  /// The experiments' contexts with every figure image, format link and data-file link
  /// inlined; image sets (scales, dark) are dropped, the one image being the page's.
  static func inline(_ contexts: [[String: Any]], contents: (String) -> [UInt8]?) -> [[String: Any]] {
    func uri(_ path: String) -> String { contents(path).map { dataURI($0, path: path) } ?? path }
    func figures(_ list: Any?) -> [[String: Any]] {
      (list as? [[String: Any]] ?? []).map { f in
        var f = f
        if let image = f["image"] as? String, !image.isEmpty { f["image"] = uri(image) }
        f["hasSrcset"] = false
        f["hasDark"] = false
        f["links"] = (f["links"] as? [[String: Any]] ?? []).map { link in
          var link = link
          if let href = link["href"] as? String { link["href"] = uri(href) }
          return link
        }
        return f
      }
    }
    return contexts.map { c in
      var c = c
      c["figures"] = figures(c["figures"])
      c["selectionFigure"] = figures(c["selectionFigure"])
      // The link text stays the file's path; its target is the file itself.
      c["dataFiles"] = (c["dataFiles"] as? [[String: Any]] ?? []).map { d in
        var d = d
        if let href = d["href"] as? String { d["href"] = uri(href) }
        return d
      }
      return c
    }
  }
}
