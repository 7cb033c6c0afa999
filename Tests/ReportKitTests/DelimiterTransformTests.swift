import Foundation
import MixtureModels
import Plotting
import Testing

@testable import ReportKit

/// `data.delimiter`: the reader splits at a comma, semicolon or tab, sniffed from the header
/// by default, and says which delimiter a file likely has when the given one does not fit.
@Suite struct CSVDelimiterTests {
  /// The header's names and the first column's values of `text` read with `delimiter`.
  static func names(_ text: String, delimiter: CSVDelimiter = .auto) throws -> [String] {
    var names: [String] = []
    for k in 0..<10 {
      guard let read = try? CSVReader.column(.index(k), of: text, delimiter: delimiter, file: "data.csv") else { break }
      names.append(read.name)
    }
    return names
  }

  static func message(_ body: () throws(InputError) -> Any) -> String? {
    do {
      let value = try body()
      Issue.record("expected an error, got \(value)")
      return nil
    } catch {
      return error.description
    }
  }

  @Test(arguments: [
    // One delimiter each.
    ("a,b,c\n1,2,3\n", ["a", "b", "c"]),
    ("a;b;c\n1;2;3\n", ["a", "b", "c"]),
    ("a\tb\tc\n1\t2\t3\n", ["a", "b", "c"]),
    // Quoted headers holding other delimiters: only delimiters outside quotes count.
    ("\"a,b\";c\n1;2\n", ["a,b", "c"]),
    ("\"a;b\",c\n1,2\n", ["a;b", "c"]),
    ("\"a\tb\";\"c,d\"\n1;2\n", ["a\tb", "c,d"]),
    ("\"a;b\"\t\"c,d\"\tx\n1\t2\t3\n", ["a;b", "c,d", "x"]),
    ("\"x\"\"; y\",z\n1,2\n", ["x\"; y", "z"]),
    // Several outside quotes: the one giving the most fields.
    ("a;b;c,d\n1;2;3\n", ["a", "b", "c,d"]),
    ("a,b,c;d\n1,2,3\n", ["a", "b", "c;d"]),
    ("a\tb\tc\td;e\n1\t2\t3\t4\n", ["a", "b", "c", "d;e"]),
    // A tie goes to comma, then semicolon.
    ("a,b;c\n1,2\n", ["a", "b;c"]),
    ("a;b\tc\n1;2\n", ["a", "b\tc"]),
    // None: one column.
    ("x\n1\n", ["x"]),
    ("\"a;b,c\"\n1\n", ["a;b,c"]),
    // After a byte-order mark and blank lines; a quoted line end stays in the header.
    ("\u{FEFF}\n\r\na;b\n1;2\n", ["a", "b"]),
    ("\"a\nb;c\";d\n1;2\n", ["a\nb;c", "d"]),
  ])
  func theHeaderGivesTheDelimiter(text: String, expected: [String]) throws {
    #expect(try Self.names(text) == expected)
  }

  @Test func sniffingPicksTheMostFrequentWithCommaThenSemicolonOnATie() {
    #expect(CSVReader.sniffed([0, 0, 0]) == .comma)
    #expect(CSVReader.sniffed([0, 2, 0]) == .semicolon)
    #expect(CSVReader.sniffed([0, 0, 1]) == .tab)
    #expect(CSVReader.sniffed([2, 2, 2]) == .comma)
    #expect(CSVReader.sniffed([1, 2, 2]) == .semicolon)
    #expect(CSVReader.sniffed([1, 2, 3]) == .tab)
  }

  @Test func semicolonFilesReadTheirValuesAsCommaFilesDo() throws {
    let comma = "id,x,\"y, z\"\r\n1,2.5,-3e2\r\n2,\" 4 \",5\r\n3,NA,6\r\n"
    let semicolon = "id;x;\"y; z\"\r\n1;2.5;-3e2\r\n2;\" 4 \";5\r\n3;NA;6\r\n"
    for column in [ColumnReference.name("x"), .index(2)] {
      let a = try CSVReader.column(column, of: comma, missing: .drop, file: "data.csv")
      let b = try CSVReader.column(column, of: semicolon, missing: .drop, file: "data.csv")
      #expect(a.values == b.values && a.droppedLines == b.droppedLines)
    }
    #expect(try CSVReader.column(.name("x"), of: semicolon, missing: .drop, delimiter: .semicolon, file: "data.csv")
      == CSVColumn(name: "x", values: [2.5, 4], droppedLines: [4]))
  }

  @Test func tabSeparatedWithCRLFReadsEveryField() throws {
    // Empty fields between tabs, spaces around numbers, a quoted field with a tab, a BOM.
    let text = "\u{FEFF}a\tx\tb\r\n1\t2.5\t3\r\n\t-1\t 6 \r\n\"7\t\"\t 8 \t\r\n10\t1e3\t\"\"\r\n"
    let all = try CSVReader.columns([.index(0), .name("x"), .index(2)], of: text, missing: .drop, file: "data.csv")
    #expect(all == CSVColumns(names: ["a", "x", "b"], values: [[1], [2.5], [3]], droppedLines: [3, 4, 5]))
    #expect(try CSVReader.column(.name("x"), of: text, file: "data.csv") == CSVColumn(name: "x", values: [2.5, -1, 8, 1000], droppedLines: []))
    #expect(try CSVReader.column(.index(0), of: text, missing: .drop, delimiter: .tab, file: "data.csv")
      == CSVColumn(name: "a", values: [1, 7, 10], droppedLines: [3]))
    // A number never takes the tab after it: the empty field that follows is a field.
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.index(1), of: "a\tb\n1\t\n", file: "data.csv") }
        == #"data.csv:2:3: missing value (an empty cell) in column "b"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#)
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.index(0), of: "a\tb\n\t5\n", file: "data.csv") }
        == #"data.csv:2:1: missing value (an empty cell) in column "a"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#)
  }

  @Test(arguments: [
    // A given delimiter the header lacks while it has another: the likely one is named.
    ("a;b;c\n1;2;3\n", CSVDelimiter.comma, ColumnReference.index(0), #"data.csv:1:1: the header "a;b;c" has no "," but 2 ";": set "delimiter": ";" (or "auto")"#),
    ("x\ty\n1\t2\n", .comma, .name("y"), #"data.csv:1:1: the header "x\ty" has no "," but 1 "\t": set "delimiter": "\t" (or "auto")"#),
    ("a;b\tc\td\n", .comma, .index(0), #"data.csv:1:1: the header "a;b\tc\td" has no "," but 2 "\t": set "delimiter": "\t" (or "auto")"#),
    ("a\tb\n1\t2\n", .semicolon, .index(0), #"data.csv:1:1: the header "a\tb" has no ";" but 1 "\t": set "delimiter": "\t" (or "auto")"#),
    ("\n\na,b,c\n", .tab, .index(0), #"data.csv:3:1: the header "a,b,c" has no "\t" but 2 ",": set "delimiter": "," (or "auto")"#),
    // A named column not in the header, whose names hold a semicolon or tab.
    ("\"a;b;c\"\n1\n", .auto, .name("b"), #"data.csv:1:1: no column named "b"; the header has "a;b;c", with 2 ";" in its names: set "delimiter": ";""#),
    ("a,b;c\n1,2;3\n", .comma, .name("c"), #"data.csv:1:1: no column named "c"; the header has "a", "b;c", with 1 ";" in its names: set "delimiter": ";""#),
    ("\"x\ty\",z\n1,2\n", .auto, .name("y"), #"data.csv:1:1: no column named "y"; the header has "x\ty", "z", with 1 "\t" in its names: set "delimiter": "\t""#),
    ("a;\"b\tc\td\"\n1;2\n", .semicolon, .name("c"), #"data.csv:1:1: no column named "c"; the header has "a", "b\tc\td", with 2 "\t" in its names: set "delimiter": "\t""#),
    // Without a semicolon or tab in the names, the message is as before.
    ("a,b\n1,2\n", .auto, .name("c"), #"data.csv:1:1: no column named "c"; the header has "a", "b""#),
    // Only a header's delimiters outside quotes count: this one is one column named "a;b".
    ("\"a;b\"\n1\n", .comma, .name("c"), #"data.csv:1:1: no column named "c"; the header has "a;b", with 1 ";" in its names: set "delimiter": ";""#),
  ])
  func aDelimiterThatDoesNotFitNamesTheLikelyOne(text: String, delimiter: CSVDelimiter, column: ColumnReference, expected: String) {
    #expect(Self.message { () throws(InputError) in try CSVReader.column(column, of: text, delimiter: delimiter, file: "data.csv") } == expected)
  }

  @Test func aGivenDelimiterThatFitsIsUsedAsGiven() throws {
    // A comma in the header: "," is taken even though ";" would split more.
    #expect(try Self.names("a;b;c,d\n\"1\",4\n", delimiter: .comma) == ["a;b;c", "d"])
    // A quoted semicolon does not count against ",".
    #expect(try CSVReader.column(.index(0), of: "\"a;b\"\n1\n2\n", delimiter: .comma, file: "data.csv").values == [1, 2])
    // One column with no delimiter at all is fine whatever is given.
    for delimiter in CSVDelimiter.allCases {
      #expect(try CSVReader.column(.name("x"), of: "x\n1\n", delimiter: delimiter, file: "data.csv").values == [1])
    }
  }

  @Test(arguments: [
    ("1,5", #"data.csv:3:3: "1,5" in column "x" is not a number; use digits with "." as the decimal point (a decimal comma? numbers must use ".")"#),
    ("-12,25", #"data.csv:3:3: "-12,25" in column "x" is not a number; use digits with "." as the decimal point (a decimal comma? numbers must use ".")"#),
    (" 0,5 ", #"data.csv:3:3: "0,5" in column "x" is not a number; use digits with "." as the decimal point (a decimal comma? numbers must use ".")"#),
    ("1,5,3", #"data.csv:3:3: "1,5,3" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("1,x", #"data.csv:3:3: "1,x" in column "x" is not a number; use digits with "." as the decimal point"#),
    (",5", #"data.csv:3:3: ",5" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("1.5,2", #"data.csv:3:3: "1.5,2" in column "x" is not a number; use digits with "." as the decimal point"#),
  ])
  func aDecimalCommaIsNotANumberButIsNamed(cell: String, expected: String) {
    let text = "a;x\n1;2\n3;\(cell)\n"
    #expect(Self.message { () throws(InputError) in try CSVReader.column(.name("x"), of: text, file: "data.csv") } == expected)
  }

  @Test func otherMessagesNameTheDelimiter() {
    // A quoted "1,5" in a comma file is a decimal comma too.
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.name("x"), of: "a,x\n1,\"1,5\"\n", file: "data.csv") }
        == #"data.csv:2:3: "1,5" in column "x" is not a number; use digits with "." as the decimal point (a decimal comma? numbers must use ".")"#)
    // A decimal comma does not split a field of a semicolon file: no such hint there.
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.name("x"), of: "a;x\n1;2;3\n", file: "data.csv") }
        == "data.csv:2:1: this row has 3 fields but the header has 2; every row needs as many fields as the header")
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.name("x"), of: "a\tx\n1\t2\t3\n", file: "data.csv") }
        == "data.csv:2:1: this row has 3 fields but the header has 2; every row needs as many fields as the header")
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.name("x"), of: "a;x\n1;\"2\",\n", file: "data.csv") }
        == #"data.csv:2:6: unexpected text after a closing quote; a quoted field must end at a ";" or line end"#)
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.name("x"), of: "a\tx\n\"1\";2\n", file: "data.csv") }
        == "data.csv:2:4: unexpected text after a closing quote; a quoted field must end at a tab or line end")
  }

  /// The mapped-file reader a run uses takes the delimiter the same way.
  @Test func theMappedReaderAndTheFuzzEntryPointsTakeTheDelimiter() throws {
    let bytes = Array("a;b\n1;2\n3;4\n".utf8)
    #expect(try InputDecoding.csvColumn(bytes, column: .name("b"), missing: .error, file: "data.csv").values == [2, 4])
    #expect(try InputDecoding.csvColumns(bytes, columns: [.index(1), .index(0)], missing: .error, delimiter: .semicolon, file: "data.csv").values == [[2, 4], [1, 3]])
    #expect(
      Self.message { () throws(InputError) in try InputDecoding.csvColumn(bytes, column: .name("b"), missing: .error, delimiter: .comma, file: "data.csv") }
        == #"data.csv:1:1: the header "a;b" has no "," but 1 ";": set "delimiter": ";" (or "auto")"#)
  }
}

/// `data.transform`: values are transformed as they are read or drawn, exactly `log` or
/// `log10` of the value, and a value ≤ 0 is named where it is.
@Suite struct DataTransformTests {
  static func message(_ body: () throws(InputError) -> Any) -> String? { CSVDelimiterTests.message(body) }

  @Test func csvValuesAreExactlyTheLogOfTheParsedValues() throws {
    // The fast path, quoted cells, padded cells, and numbers left to Double(String).
    let text = "a;x\n1;2.5\n2;\"0.1\"\n3; 7 \n4;12345678901234567890\n5;5e-324\n6;1.7976931348623157e308\n7;9007199254740993\n8;NA\n"
    let plain = try CSVReader.column(.name("x"), of: text, missing: .drop, file: "data.csv")
    #expect(plain.values.count == 7)
    // The tool's logarithms (MixtureModels', the same bits on every processor), each within
    // 2 ulp of the C library's (checked below the loop).
    for (transform, f) in [(DataTransform.log, { (x: Double) in VectorMath.log(x) }), (.log10, { (x: Double) in VectorMath.log10(x) })] {
      let read = try CSVReader.column(.name("x"), of: text, missing: .drop, transform: transform, file: "data.csv")
      #expect(read.name == "x" && read.droppedLines == [9])
      #expect(read.values.map(\.bitPattern) == plain.values.map { f($0).bitPattern })
      // Every column of a d-dimensional read.
      let both = try CSVReader.columns([.name("x"), .name("a")], of: text, missing: .drop, transform: transform, file: "data.csv")
      #expect(both.values[0].map(\.bitPattern) == plain.values.map { f($0).bitPattern })
      #expect(both.values[1] == (1...7).map { f(Double($0)) })
    }
    for x in plain.values {
      #expect(abs(VectorMath.log(x) - Foundation.log(x)) <= 2 * Foundation.log(x).magnitude.ulp)
      #expect(abs(VectorMath.log10(x) - Foundation.log10(x)) <= 2 * Foundation.log10(x).magnitude.ulp)
    }
    #expect(try CSVReader.column(.index(0), of: "x\n1\n10\n100\n", transform: .log10, file: "data.csv").values == [0, 1, 2])
  }

  @Test func aValueLogCannotTakeIsNamedByLineAndColumn() {
    var text = "a,x\n"
    for i in 2...13 { text += "\(i),\(i)\n" }
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.name("x"), of: text + "14,0\n15,1\n", transform: .log, file: "data.csv") }
        == #"data.csv:14:4: column "x" has 0, which log cannot take: transform: "log" needs values > 0"#)
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.index(0), of: "x\n1\n-0.0\n", transform: .log, file: "data.csv") }
        == #"data.csv:3:1: column "x" has 0, which log cannot take: transform: "log" needs values > 0"#)
    #expect(
      Self.message { () throws(InputError) in try CSVReader.column(.name("x"), of: "a;x\n1;2\n2; \"-2.5\"\n", transform: .log10, file: "data.csv") }
        == #"data.csv:3:3: column "x" has -2.5, which log10 cannot take: transform: "log10" needs values > 0"#)
    // The first problem of the file, left to right in its row; a cell that is not a number
    // comes first in its row.
    #expect(
      Self.message { () throws(InputError) in try CSVReader.columns([.index(0), .index(1)], of: "a,b\n1,1\n0,-1\n-1,abc\n", transform: .log, file: "data.csv") }
        == #"data.csv:3:1: column "a" has 0, which log cannot take: transform: "log" needs values > 0"#)
    #expect(
      Self.message { () throws(InputError) in try CSVReader.columns([.index(0), .index(1)], of: "a,b\n1,1\n0,abc\n", transform: .log, file: "data.csv") }
        == #"data.csv:3:3: "abc" in column "b" is not a number; use digits with "." as the decimal point"#)
  }

  @Test func aDroppedRowIsNotTransformed() throws {
    // The row is dropped for its missing value; its 0 is never fitted.
    let text = "a,b\n1,2\nNA,0\n-1,\n3,4\n"
    let read = try CSVReader.columns([.index(0), .index(1)], of: text, missing: .drop, transform: .log, file: "data.csv")
    #expect(read == CSVColumns(names: ["a", "b"], values: [[0, VectorMath.log(3)], [VectorMath.log(2), VectorMath.log(4)]], droppedLines: [3, 4]))
    // A kept row's value ≤ 0 is still an error.
    #expect(
      Self.message { () throws(InputError) in try CSVReader.columns([.index(0), .index(1)], of: text + "0,1\n", missing: .drop, transform: .log, file: "data.csv") }
        == #"data.csv:6:1: column "a" has 0, which log cannot take: transform: "log" needs values > 0"#)
  }

  static func outcome(_ text: String, file: String = "t.json") throws -> ExperimentOutcome {
    let config = try ReportConfig.decode(text, file: file)
    return try ExperimentRunner.run(config.experiments[0], index: 0, configFile: file, files: FileAccess())
  }

  static func outcome2D(_ text: String, file: String = "t.json") throws -> MultivariateOutcome {
    let config = try ReportConfig.decode(text, file: file)
    return try MultivariateRunner.run(config.experiments[0], index: 0, configFile: file, files: FileAccess())
  }

  static func generated(_ groups: String, _ extra: String = "") -> String {
    #"{"experiments": [{"name": "g", "seed": 7\#(extra), "data": {"generate": \#(groups)"#
  }

  @Test(arguments: ["xoshiro", "numpy"])
  func generatedDrawsAreTransformedExactly(rng: String) throws {
    let groups = #"[{"mean": 10, "sd": 1, "count": 300}, {"mean": 20, "sd": 2, "count": 200}]"#
    let plain = try Self.outcome(Self.generated(groups, #", "rng": "\#(rng)""#) + "}}]}")
    for (transform, f) in [("log", { (x: Double) in VectorMath.log(x) }), ("log10", { (x: Double) in VectorMath.log10(x) })] {
      let o = try Self.outcome(Self.generated(groups, #", "rng": "\#(rng)""#) + #", "transform": "\#(transform)"}}]}"#)
      #expect(o.data.map(\.bitPattern) == plain.data.map { f($0).bitPattern })
      #expect(o.groupRanges == plain.groupRanges)
      // The groups are normal before the transform only: no "true" mixture to show.
      #expect(o.trueMixture == nil && plain.trueMixture != nil)
    }
  }

  @Test func generatedDrawsInDDimensionsAreTransformedExactly() throws {
    let groups = #"[{"mean": [10, 5], "covariance": [[1, 0.3], [0.3, 0.5]], "count": 150}, {"mean": [14, 9], "covariance": [[1, 0], [0, 1]], "count": 100}]"#
    let plain = try Self.outcome2D(Self.generated(groups) + "}}]}")
    let o = try Self.outcome2D(Self.generated(groups) + #", "transform": "log"}}]}"#)
    #expect(o.sample.values.map(\.bitPattern) == plain.sample.values.map { VectorMath.log($0).bitPattern })
    #expect(o.labels == ["log(x1)", "log(x2)"])
    #expect(o.trueMixture == nil && plain.trueMixture != nil)
  }

  @Test func aNonPositiveDrawNamesItsGroup() throws {
    let groups = #"[{"mean": 10, "sd": 1, "count": 30}, {"mean": 0.5, "sd": 1, "count": 40}]"#
    let plain = try Self.outcome(Self.generated(groups) + "}}]}")
    let first = try #require(plain.data.firstIndex { $0 <= 0 })
    #expect(first >= 30)
    let expected =
      "t.json: experiments[0].data.generate[1] drew \(Display.exact(plain.data[first])) (draw \(first - 30 + 1) of its 40), which log cannot take: transform: \"log\" needs values > 0; raise the group's mean or lower its spread so that every draw is positive, or remove the transform"
    #expect(throws: ReportError.invalidInput(InputError(file: "t.json", position: nil, message: String(expected.dropFirst("t.json: ".count))))) {
      try Self.outcome(Self.generated(groups) + #", "transform": "log"}}]}"#)
    }
    // In d dimensions the coordinate is named too.
    let groups2D = #"[{"mean": [-5, 10], "covariance": [[1, 0], [0, 1]], "count": 20}]"#
    let plain2D = try Self.outcome2D(Self.generated(groups2D) + "}}]}")
    let x = plain2D.sample.values[0]
    #expect(x < 0)
    do {
      _ = try Self.outcome2D(Self.generated(groups2D) + #", "transform": "log10"}}]}"#)
      Issue.record("expected an error")
    } catch {
      #expect(
        "\(error)"
          == "t.json: experiments[0].data.generate[0] drew \(Display.exact(x)) in coordinate 1 (draw 1 of its 20), which log10 cannot take: transform: \"log10\" needs values > 0; raise the group's mean or lower its spread so that every draw is positive, or remove the transform"
      )
    }
  }

  @Test func theLabelSaysTheDataIsTransformed() throws {
    let text = Self.generated(#"[{"mean": 10, "sd": 1, "count": 100}, {"mean": 16, "sd": 1, "count": 100}]"#)
    let o = try Self.outcome(text + #", "transform": "log"}, "figures": ["density", "fit", "components", "steps"]}]}"#)
    let figures = ExperimentFigures.make(o, size: Figure.inches(width: 6.4, height: 4.8))
    #expect(figures.map { $0.title ?? "" } == [
      "Kernel Density Estimate of log(X)", "Mixture Fit against the Kernel Density Estimate of log(X)", "Mixture Components and Responsibilities",
      "EM Step by Step",
    ])
    #expect(figures[0].figure?.xLabel == "log(X)" && figures[1].figure?.xLabel == "log(X)")
    guard case .panels(let components) = figures[2].drawing, case .panels(let steps) = figures[3].drawing else {
      Issue.record("panels")
      return
    }
    #expect(components.panels.last??.xLabel == "log(X)")
    #expect(steps.panels.compactMap { $0?.xLabel }.allSatisfy { $0 == "log(X)" } && !steps.panels.compactMap { $0?.xLabel }.isEmpty)
    let labelled = try Self.outcome(text + #", "transform": "log10", "label": "Velocity"}}]}"#)
    #expect(ExperimentFigures.make(labelled, size: Figure.inches(width: 6.4, height: 4.8)).first?.title == "Kernel Density Estimate of log10(Velocity)")
  }
}

/// Both keys through `ReportGenerator.run`: semicolon files in one and two dimensions, the
/// transform in the figures, the page and `results.json`.
@Suite struct DelimiterTransformReportTests {
  func run(_ config: String, files: [String: String]) throws -> (folder: URL, files: [String: Data]) {
    let folder = try temporaryFolder()
    for (name, text) in files { try write(text, to: name, in: folder) }
    let path = try write(config, to: "c.json", in: folder)
    let output = folder.appendingPathComponent("report")
    _ = try ReportGenerator.run(options(path, output: output, formats: [.svg]))
    return (folder, try snapshot(output))
  }

  func experimentResults(_ data: Data?) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: try #require(data))
    return try #require(((object as? [String: Any])?["experiments"] as? [[String: Any]])?.first)
  }

  /// Two groups, one value a row, written with `separator` between an id and the value.
  static func sample(_ separator: String, header: String = "x") -> String {
    var random = RandomSource(seed: 11)
    var text = "id\(separator)\(header)\n"
    for i in 0..<300 { text += "\(i)\(separator)\(Display.exact((i % 3 == 0 ? 40 : 8) * exp(0.2 * random.normal())))\n" }
    return text
  }

  @Test func aOneDimensionalSemicolonFileReportsAsItsCommaTwin() throws {
    let config = #"{"experiments": [{"name": "s", "data": {"csv": "d.csv", "column": "x"DELIMITER}, "fit": {"components": 2}}]}"#
    let comma = try run(config.replacingOccurrences(of: "DELIMITER", with: ""), files: ["d.csv": Self.sample(",")])
    defer { try? FileManager.default.removeItem(at: comma.folder) }
    for delimiter in ["", #", "delimiter": ";""#] {
      let semicolon = try run(config.replacingOccurrences(of: "DELIMITER", with: delimiter), files: ["d.csv": Self.sample(";")])
      defer { try? FileManager.default.removeItem(at: semicolon.folder) }
      // The same results but for what records the inputs (the data file's and config's
      // SHA-256) and the hashes of files that record them.
      func results(_ data: Data?) throws -> [String: Any] {
        let bytes = try #require(data)
        var object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        object["inputs"] = nil
        object["fileHashes"] = nil
        return object
      }
      #expect(NSDictionary(dictionary: try results(semicolon.files["results.json"])) == NSDictionary(dictionary: try results(comma.files["results.json"])))
      #expect(semicolon.files["data/s-samples.csv"] == comma.files["data/s-samples.csv"])
      #expect(semicolon.files["figures/s-fit.svg"] == comma.files["figures/s-fit.svg"])
      // The page names the config's SHA-256, which the delimiter key changes.
      if delimiter.isEmpty { #expect(semicolon.files["index.html"] == comma.files["index.html"]) }
    }
  }

  @Test func aLogTransformedSemicolonFileSaysSoEverywhere() throws {
    let config = #"{"experiments": [{"name": "s", "data": {"csv": "d.csv", "column": "x", "transform": "log"}, "fit": {"components": 2}}]}"#
    let (folder, files) = try run(config, files: ["d.csv": Self.sample(";")])
    defer { try? FileManager.default.removeItem(at: folder) }
    let e = try experimentResults(files["results.json"])
    #expect(e["transform"] as? String == "log")
    #expect(e["n"] as? Int == 300)
    // The fitted means are those of the log data: near log 8 and log 40.
    let means = try #require((e["fit"] as? [String: Any])?["means"] as? [Double]).sorted()
    #expect(abs(means[0] - log(8)) < 0.05 && abs(means[1] - log(40)) < 0.05)
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("Column &quot;x&quot; of d.csv, log-transformed."))
    #expect(html.contains(#"alt="Kernel Density Estimate of log(X)""#))
    let svg = String(decoding: try #require(files["figures/s-density.svg"]), as: UTF8.self)
    #expect(!svg.isEmpty)
    // Without the key, results.json has no "transform".
    let (plainFolder, plainFiles) = try run(config.replacingOccurrences(of: #", "transform": "log""#, with: ""), files: ["d.csv": Self.sample(";")])
    defer { try? FileManager.default.removeItem(at: plainFolder) }
    #expect(try experimentResults(plainFiles["results.json"])["transform"] == nil)
    let plainHTML = String(decoding: try #require(plainFiles["index.html"]), as: UTF8.self)
    #expect(plainHTML.contains("Column &quot;x&quot; of d.csv.") && !plainHTML.contains("transformed"))
  }

  @Test func aTwoDimensionalSemicolonFileWithLog10() throws {
    var random = RandomSource(seed: 5)
    var text = "a;b;note\n"
    for i in 0..<200 {
      let (u, v) = (random.normal(), random.normal())
      let (x, y) = i % 2 == 0 ? (2 * exp(0.1 * u), 50 * exp(0.1 * v)) : (20 * exp(0.1 * u), 5 * exp(0.1 * v))
      text += "\(Display.exact(x));\(Display.exact(y));\"n;\(i)\"\n"
    }
    let config = #"{"experiments": [{"name": "m", "seed": 2, "data": {"csv": "d.csv", "columns": ["a", 1], "delimiter": ";", "transform": "log10"}, "fit": {"components": 2, "restarts": 2}}]}"#
    let (folder, files) = try run(config, files: ["d.csv": text])
    defer { try? FileManager.default.removeItem(at: folder) }
    let e = try experimentResults(files["results.json"])
    #expect(e["transform"] as? String == "log10")
    #expect(e["columns"] as? [String] == ["log10(a)", "log10(b)"])
    let means = try #require((e["fit"] as? [String: Any])?["means"] as? [[Double]]).sorted { $0[0] < $1[0] }
    #expect(abs(means[0][0] - log10(2)) < 0.05 && abs(means[0][1] - log10(50)) < 0.05)
    #expect(abs(means[1][0] - log10(20)) < 0.05 && abs(means[1][1] - log10(5)) < 0.05)
    let html = String(decoding: try #require(files["index.html"]), as: UTF8.self)
    #expect(html.contains("Columns &quot;a&quot;, 1 of d.csv, log10-transformed."))
    #expect(html.contains(#"alt="Kernel Density Estimate of log10(a) and log10(b)""#))
    #expect(html.contains("<td>log10(a)</td>"))
    let samples = String(decoding: try #require(files["data/m-samples.csv"]), as: UTF8.self)
    #expect(samples.hasPrefix("log10(a),log10(b),assignment,"))
  }

  @Test func aDelimiterErrorReachesTheUserAsOneLine() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write("a;b;c\n1;2;3\n4;5;6\n", to: "d.csv", in: folder)
    let path = try write(#"{"experiments": [{"name": "e", "data": {"csv": "d.csv", "column": "b", "delimiter": ","}}]}"#, to: "c.json", in: folder)
    do {
      _ = try ReportGenerator.run(options(path, output: folder.appendingPathComponent("report")))
      Issue.record("expected an error")
    } catch {
      #expect(error.description == #"\#(folder.path)/d.csv:1:1: the header "a;b;c" has no "," but 2 ";": set "delimiter": ";" (or "auto")"#)
    }
  }
}

/// The keys in the experiment file.
@Suite struct DelimiterTransformConfigTests {
  static func experiment(_ data: String) -> String { #"{"experiments": [{"name": "a", "data": \#(data)}]}"# }

  @Test(arguments: [
    (#""delimiter": ",""#, CSVDelimiter.comma), (#""delimiter": ";""#, .semicolon), (#""delimiter": "\t""#, .tab), (#""delimiter": "auto""#, .auto),
    (#""missing": "drop""#, .auto),
  ])
  func theDelimiterIsRead(key: String, expected: CSVDelimiter) throws {
    let config = try ReportConfig.decode(Self.experiment(#"{"csv": "x.csv", \#(key)}"#), file: "c.json")
    #expect(config.experiments[0].delimiter == expected)
    #expect(config.experiments[0].transform == nil)
  }

  @Test func theTransformIsReadForCSVAndGeneratedData() throws {
    let csv = try ReportConfig.decode(Self.experiment(#"{"csv": "x.csv", "transform": "log10"}"#), file: "c.json").experiments[0]
    #expect(csv.transform == .log10 && csv.axisLabel == "log10(X)")
    let generated = try ReportConfig.decode(Self.experiment(#"{"generate": [{"mean": 5, "sd": 1, "count": 10}], "transform": "log", "label": "Y"}"#), file: "c.json")
    #expect(generated.experiments[0].transform == .log && generated.experiments[0].axisLabel == "log(Y)" && generated.experiments[0].label == "Y")
  }

  @Test(arguments: [
    (#"{"csv": "x.csv", "delimiter": "|"}"#, #"c.json:1:70: experiments[0].data.delimiter must be ",", ";", "\t" (a tab) or "auto", got the string "|""#),
    (#"{"csv": "x.csv", "delimiter": "tab"}"#, #"c.json:1:70: experiments[0].data.delimiter must be ",", ";", "\t" (a tab) or "auto", got the string "tab"; for tabs write "\t" (a JSON string holding a tab)"#),
    (#"{"csv": "x.csv", "delimiter": "semicolon"}"#, #"c.json:1:70: experiments[0].data.delimiter must be ",", ";", "\t" (a tab) or "auto", got the string "semicolon"; write ";""#),
    (#"{"csv": "x.csv", "delimiter": "aut"}"#, #"c.json:1:70: experiments[0].data.delimiter must be ",", ";", "\t" (a tab) or "auto", got the string "aut"; did you mean "auto"?"#),
    (#"{"csv": "x.csv", "delimiter": 44}"#, #"c.json:1:70: experiments[0].data.delimiter must be ",", ";", "\t" (a tab) or "auto", got 44"#),
    (#"{"generate": [{"mean": 5, "sd": 1, "count": 10}], "delimiter": ";"}"#, #"c.json:1:103: experiments[0].data.delimiter only goes with "csv"; remove it"#),
    (#"{"csv": "x.csv", "transform": "ln"}"#, #"c.json:1:70: experiments[0].data.transform must be "log" or "log10" (leave it out to fit the values as they are), got the string "ln"; "log" is the natural logarithm"#),
    (#"{"csv": "x.csv", "transform": "log2"}"#, #"c.json:1:70: experiments[0].data.transform must be "log" or "log10" (leave it out to fit the values as they are), got the string "log2"; did you mean "log"?"#),
    (#"{"csv": "x.csv", "transform": null}"#, #"c.json:1:70: experiments[0].data.transform must be "log" or "log10" (leave it out to fit the values as they are), got null"#),
    (#"{"csv": "x.csv", "delimeter": ";"}"#, #"c.json:1:57: experiments[0].data.delimeter is not a known key; did you mean "delimiter"?"#),
    (#"{"csv": "x.csv", "transfrom": "log"}"#, #"c.json:1:57: experiments[0].data.transfrom is not a known key; did you mean "transform"?"#),
  ])
  func badValuesGiveExactMessages(data: String, expected: String) {
    do {
      let config = try ReportConfig.decode(Self.experiment(data), file: "c.json")
      Issue.record("expected an error, got \(config)")
    } catch {
      #expect(error.description == expected)
    }
  }
}
