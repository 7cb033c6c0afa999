import Foundation
import Testing

@testable import ReportKit

private let groups = #"{"generate": [{"mean": 0, "sd": 1, "count": 200}, {"mean": 5, "sd": 1, "count": 200}]}"#

private func decodeError(_ json: String) -> String? {
  decodeError(Array(json.utf8))
}

private func decodeError(_ bytes: [UInt8]) -> String? {
  do {
    _ = try InputDecoding.config(bytes, file: "c.json")
    return nil
  } catch {
    return error.description
  }
}

private func csvError(_ bytes: [UInt8], column: ColumnReference = .index(0)) -> String? {
  do {
    _ = try InputDecoding.csvColumn(bytes, column: column, missing: .error, file: "f.csv")
    return nil
  } catch {
    return error.description
  }
}

/// Bad input gets one short line naming the place, never a trap or an internal error.
@Suite struct InputHardeningTests {
  @Test func aCutBeyondAHundredBandwidthsIsRefused() {
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": \#(groups), "kde": {"cut": 1e308}}]}"#)
        == "c.json:1:143: experiments[0].kde.cut must be from 0 to 100 (bandwidths beyond the data), got 1e308")
  }

  @Test func wholeNumbersAreJudgedByTheirTextNotTheirRounding() throws {
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "seed": 9007199254740993, "data": \#(groups)}]}"#)
        == "c.json:1:40: experiments[0].seed must be a whole number from 0 to 2^53, got 9007199254740993")
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 0, "sd": 1, "count": 20.0000000000000001}]}}]}"#)
        == "c.json:1:84: experiments[0].data.generate[0].count must be a whole number from 1 to 100000000, got 20.0000000000000001")
    let config = try InputDecoding.config(Array(#"{"experiments": [{"name": "a", "data": \#(groups), "fit": {"epochs": 1e2, "restarts": 2.00e0}}]}"#.utf8), file: "c.json")
    #expect(config.experiments[0].fit.epochs == 100)
    #expect(decodeError(#"{"experiments": [{"name": "a", "data": \#(groups), "fit": {"restarts": 2.5e0}}]}"#) != nil)
  }

  @Test func aNumberThatUnderflowsToAWholeNumberIsNotOne() {
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "seed": 1e-400, "data": \#(groups)}]}"#)
        == "c.json:1:40: experiments[0].seed must be a whole number from 0 to 2^53, got 1e-400")
    #expect(NodeReader.isWholeLiteral("100e-2") && NodeReader.isWholeLiteral("2.5e1") && NodeReader.isWholeLiteral("-7"))
    #expect(!NodeReader.isWholeLiteral("1.5e-1") && !NodeReader.isWholeLiteral("0.5"))
  }

  @Test func generatedDataIsBoundedInAll() {
    let group = #"{"mean": 0, "sd": 1, "count": 60000000}"#
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": {"generate": [\#(group), \#(group)]}, "fit": {"components": 1, "epochs": 1}}]}"#)
        == "c.json:1:53: experiments[0].data.generate makes 120000000 points in all; at most 100000000 (about 2 GB of memory): lower the counts")
  }

  @Test func theJSONParserEscapesEveryControlCharacterItQuotes() {
    #expect(decodeError("{\"a\u{7F}\",}") == #"c.json:1:6: expected ':' after the key "a\u007F", found ','"#)
    #expect(decodeError("{\"a\u{2028}\" 1}") == #"c.json:1:7: expected ':' after the key "a\u2028", found '1'"#)
  }

  @Test func aFigureTooSmallForItsAxesIsRefusedByKey() {
    #expect(
      decodeError(#"{"figure": {"height": 0.001}, "experiments": [{"name": "a", "data": \#(groups)}]}"#)
        == "c.json:1:23: figure.height must be from 1 to 50 (inches), got 0.001")
  }

  @Test func controlCharactersInAnEchoedStringAreEscaped() throws {
    let message = try #require(decodeError(#"{"experiments": [{"name": "a", "data": \#(groups), "fit": {"epochs": "x\ny\rz"}}]}"#))
    #expect(message == #"c.json:1:146: experiments[0].fit.epochs must be a whole number from 1 to 1000000, got the string "x\ny\rz""#)
  }

  @Test func aHugeNumberIsNotEchoedWhole() {
    // 0.5000…0: in range, so the key's own rule rejects it, naming its length.
    let digits = "0.5" + String(repeating: "0", count: 4998)
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": \#(groups), "fit": {"epochs": \#(digits)}}]}"#)
        == "c.json:1:146: experiments[0].fit.epochs must be a whole number from 1 to 1000000, got a number of 5001 characters")
  }

  @Test func aLongOrStrangeUnknownKeyIsQuotedShort() {
    let key = String(repeating: "k", count: 100)
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": \#(groups), "\#(key)": 1}]}"#)
        == "c.json:1:128: experiments[0] has the key \"\(String(repeating: "k", count: 40))…\" (100 characters), which is not a known key; known keys here: name, description, seed, rng, data, fit, kde, writeSamples, figures, titles, boundParameter, stepEpochs"
    )
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": \#(groups), "fi\tt": 1}]}"#)
        == #"c.json:1:128: experiments[0] has the key "fi\tt", which is not a known key; did you mean "fit"?"#)
  }

  @Test func invalidUTF8AndNULBytesAreNamedByLineAndColumn() {
    var bytes = Array(#"{"title": "ok","#.utf8) + [0x0A] + Array(#"  "x": "é"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
    #expect(
      decodeError(bytes)
        == "c.json:2:10: a byte that is not UTF-8 (0xC3) at byte 26; the file must be UTF-8 text: save it as UTF-8 (or check that it is the right file)")
    bytes = Array("{\n\n  ".utf8) + [0]
    #expect(decodeError(bytes) == "c.json:3:3: a NUL byte at byte 5; the file must be UTF-8 text: save it as UTF-8 (or check that it is the right file)")
    #expect(
      csvError(Array("x,note\n1,ok\n2,".utf8) + [0xFF] + Array("\n".utf8))
        == "f.csv:3:3: a byte that is not UTF-8 (0xFF) at byte 14; the file must be UTF-8 text: save it as UTF-8 (or check that it is the right file)")
    // A byte-order mark is not a column.
    #expect(
      csvError([0xEF, 0xBB, 0xBF] + Array("x".utf8) + [0xE0, 0x80])
        == "f.csv:1:2: a byte that is not UTF-8 (0xE0) at byte 4; the file must be UTF-8 text: save it as UTF-8 (or check that it is the right file)")
  }

  @Test func experimentNamesThatDifferOnlyInCaseCollide() {
    #expect(
      decodeError(#"{"experiments": [{"name": "Run", "data": \#(groups)}, {"name": "run", "data": \#(groups)}]}"#)
        == #"c.json:1:131: experiments[1].name "run" gives the file name "run", which differs from experiments[0]'s "Run" only in case (one file on case-insensitive disks); rename one"#
    )
  }

  @Test func theWorkLimitNamesTheKnobs() {
    let big = #"{"generate": [{"mean": 0, "sd": 1, "count": 1000000}]}"#
    let fit = #", "fit": {"components": {"from": 1, "to": 10}, "restarts": 100, "init": "kmeans++"}"#
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": \#(big)\#(fit)}]}"#)
        == "c.json:1:103: experiments[0].fit would do up to 5.5 × 10¹¹ units of work (Σ over K of K × restarts × epochs × max(n, 1000), n = 1000000), over fit.workLimit 1.0 × 10¹¹ (about a minute per 10¹¹); lower fit.restarts or fit.epochs, narrow fit.components, or raise fit.workLimit"
    )
    let raised = #", "fit": {"components": {"from": 1, "to": 10}, "restarts": 100, "init": "kmeans++", "workLimit": 1e12}"#
    #expect(decodeError(#"{"experiments": [{"name": "a", "data": \#(big)\#(raised)}]}"#) == nil)
  }

  @Test func generatedGroupsBeyondAVariancesRangeAreRefused() {
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 1e307, "sd": 1e307, "count": 10}]}}]}"#)
        == "c.json:1:54: experiments[0].data.generate[0] draws values up to about 1.0 × 10³⁰⁸, too large for a variance (its squares overflow); rescale mean and sd to at most about 1e150"
    )
    #expect(
      decodeError(#"{"experiments": [{"name": "a", "data": {"generate": [{"mean": 0, "sd": 1e-200, "count": 10}]}}]}"#)
        == "c.json:1:72: experiments[0].data.generate[0].sd is 1e-200, too small for a variance (its square underflows); rescale mean and sd so that sd ≥ 1e-150"
    )
  }

  @Test func aLongCellIsShortenedButItsPositionIsExact() {
    let cell = String(repeating: "9", count: 2000) + "x"
    #expect(
      csvError(Array("a,x\n1,2\n1,\(cell)\n".utf8), column: .name("x"))
        == "f.csv:3:3: \"\(String(repeating: "9", count: 40))…\" (2001 characters) in column \"x\" is not a number; use digits with \".\" as the decimal point"
    )
  }

  @Test func aHeaderOfManyColumnsIsListedShort() {
    let header = (1...200).map { "c\($0)" }.joined(separator: ",")
    #expect(
      csvError(Array("\(header)\n".utf8), column: .name("z"))
        == #"f.csv:1:1: no column named "z"; the header has "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", … (200 in all)"#)
  }

  @Test func aFieldLongerThanAnyCSVsIsRefused() {
    let field = String(repeating: "h", count: CSVReader.fieldLimit + 1)
    #expect(csvError(Array("x,\(field)\n1,2\n".utf8)) == "f.csv:1:3: a field longer than 1 MiB; is this a CSV file?")
    // In a column that is not read, and quoted: the same bound, so memory stays a window.
    #expect(csvError(Array("x,y\n1,\"\(field)\"\n".utf8)) == "f.csv:2:3: a field longer than 1 MiB; is this a CSV file?")
    let short = String(repeating: "s", count: 1000)
    let row = Array(repeating: short, count: CSVReader.recordLimit / 1000 + 2).joined(separator: ",")
    #expect(csvError(Array("\(row)\n".utf8)) == "f.csv:1:1: this row is longer than 64 MiB; is this a CSV file with one record per line?")
  }

  @Test func aDataPathThatIsNotARegularFileIsRefusedAsSuch() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    #expect(mkfifo(folder.appendingPathComponent("pipe.csv").path, 0o644) == 0)
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir.csv"), withIntermediateDirectories: false)
    for (path, reason) in [
      ("pipe.csv", "it is not a regular file (a FIFO)"), ("/dev/zero", "it is not a regular file (a device)"), ("dir.csv", "it is a folder"),
      ("none.csv", "no such file"),
    ] {
      let config = try write(#"{"experiments": [{"name": "a", "data": {"csv": "\#(path)"}}]}"#, to: "c.json", in: folder)
      #expect(
        throws: ReportError.io(
          "\(config):1:48: experiments[0].data.csv \"\(path)\" cannot be read (\(reason)); the path is relative to the config file's folder")
      ) {
        _ = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("report")))
      }
    }
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report").path))
  }

  @Test(arguments: [
    ("1e-300\n2e-300\n3e-300\n4e-300", "too small (around 1e-300): their variance underflows to 0; rescale the data (e.g. multiply by 1e300)"),
    ("1e-320\n2e-320\n3e-320", "too small (around 1e-320): their variance underflows to 0; rescale the data (e.g. multiply by 1e300)"),
    ("-1.6e308\n1.6e308\n0\n1e307", "too large (around 1e308): their variance overflows; rescale the data (e.g. multiply by 1e-300)"),
  ])
  func dataWhoseVarianceUnderOrOverflowsIsNamedAsSuch(values: String, problem: String) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write("x\n\(values)\n", to: "d.csv", in: folder)
    let config = try write(#"{"experiments": [{"name": "a", "data": {"csv": "d.csv"}}]}"#, to: "c.json", in: folder)
    #expect(throws: ReportError.invalidInput(InputError(file: config, position: nil, message: "experiments[0].fit: the data's values are \(problem)"))) {
      _ = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("report")))
    }
  }

  // MARK: - Derived quantities, checked before the work they would spoil

  private func runError(_ experiment: String) throws -> (String, [String]) {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try write("x\n" + (1...200).map { "\(Double($0) * 0.37)" }.joined(separator: "\n"), to: "d.csv", in: folder)
    let config = try write(#"{"formats": ["svg"], "experiments": [\#(experiment)]}"#, to: "c.json", in: folder)
    do {
      _ = try ReportGenerator.run(options(config, output: folder.appendingPathComponent("report")))
      return ("", [])
    } catch {
      #expect(exitCode(of: error) == 65, "\(error)")
      return (error.description.replacingOccurrences(of: folder.path + "/", with: ""), try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted())
    }
  }

  @Test(arguments: [
    (
      #""kde": {"bandwidth": 1e306, "cut": 100}"#,
      "c.json: experiments[0].kde: the grid [min − cut·h, max + cut·h] overflows (cut 100, h 1.00 × 10³⁰⁶); lower kde.cut, kde.bandwidth or kde.adjust"
    ),
    (
      #""kde": {"bandwidth": 1e308}"#,
      "c.json: experiments[0].kde: the grid [min − cut·h, max + cut·h] overflows (cut 3.00, h 1.00 × 10³⁰⁸); lower kde.cut, kde.bandwidth or kde.adjust"
    ),
    (
      #""kde": {"adjust": 1e307}"#,
      "c.json: experiments[0].kde: the grid [min − cut·h, max + cut·h] overflows (cut 3.00, h 7.42 × 10³⁰⁷); lower kde.cut, kde.bandwidth or kde.adjust"
    ),
    (
      #""kde": {"bandwidth": 1e-300}"#,
      "c.json: experiments[0].kde.bandwidth: the bandwidth h = 1.00 × 10⁻³⁰⁰ is below 10⁻⁹ × the data's range 73.6; the estimate would be a spike at each point: use a larger bandwidth"
    ),
    (
      #""fit": {"components": {"from": 1, "to": 100}, "restarts": 1000}"#,
      "c.json: experiments[0].fit would do up to 5.0 × 10¹¹ units of work (Σ over K of K × restarts × epochs × max(n, 1000), n = 200), over fit.workLimit 1.0 × 10¹¹ (about a minute per 10¹¹); lower fit.restarts or fit.epochs, narrow fit.components, or raise fit.workLimit"
    ),
  ])
  func aDerivedQuantityOutOfRangeIsInvalidInputAndLeavesNothing(settings: String, message: String) throws {
    let (error, left) = try runError(#"{"name": "a", "data": {"csv": "d.csv"}, \#(settings)}"#)
    #expect(error == message)
    #expect(left == ["c.json", "d.csv"])
  }
}
