import Testing

@testable import ReportKit

@Suite struct JSONParserTests {
  /// One malformed document and the exact error it must produce.
  struct SyntaxErrorCase: Sendable, CustomTestStringConvertible {
    var input: String
    var expected: String
    var testDescription: String { expected }

    init(_ input: String, _ expected: String) {
      self.input = input
      self.expected = expected
    }
  }

  static let syntaxErrors: [SyntaxErrorCase] = [
    // Structure.
    SyntaxErrorCase(
      "{\n  \"a\": 1\n  \"b\": 2\n}", "3:3: expected ',' or '}' after an object member, found '\"'"),
    SyntaxErrorCase("[1 2]", "1:4: expected ',' or ']' after an array element, found '2'"),
    SyntaxErrorCase("[1}", "1:3: expected ',' or ']' after an array element, found '}'"),
    SyntaxErrorCase("{\"a\": 1,}", "1:8: trailing comma before '}' is not allowed in JSON"),
    SyntaxErrorCase("{\n  \"a\": 1,\n}", "2:9: trailing comma before '}' is not allowed in JSON"),
    SyntaxErrorCase("[1, 2,\n]", "1:6: trailing comma before ']' is not allowed in JSON"),
    SyntaxErrorCase("{name: 1}", "1:2: expected a string key in double quotes, found 'n'"),
    SyntaxErrorCase("{,}", "1:2: expected a string key in double quotes, found ','"),
    SyntaxErrorCase("{\"x\" 1}", "1:6: expected ':' after the key \"x\", found '1'"),
    SyntaxErrorCase("{\"x\"}", "1:5: expected ':' after the key \"x\", found '}'"),
    SyntaxErrorCase("{\"x\"", "1:5: expected ':' after the key \"x\", found end of file"),
    SyntaxErrorCase("{\n  \"seed\": 1,\n  \"seed\": 2\n}", "3:3: duplicate key \"seed\""),
    SyntaxErrorCase("{} x", "1:4: expected end of file after the top-level value, found 'x'"),
    SyntaxErrorCase("{\"a\":1}}", "1:8: expected end of file after the top-level value, found '}'"),
    SyntaxErrorCase(
      "{\"a\": [1, 2", "1:12: unexpected end of file, the array starting at 1:7 is not closed"),
    SyntaxErrorCase(
      "{\n  \"a\": 1,\n", "3:1: unexpected end of file, the object starting at 1:1 is not closed"),
    SyntaxErrorCase("{", "1:2: unexpected end of file, the object starting at 1:1 is not closed"),
    // Values.
    SyntaxErrorCase("", "1:1: unexpected end of file, expected a value"),
    SyntaxErrorCase("  \n ", "2:2: unexpected end of file, expected a value"),
    SyntaxErrorCase("{\"a\":", "1:6: unexpected end of file, expected a value"),
    SyntaxErrorCase("[1,\n", "2:1: unexpected end of file, expected a value"),
    SyntaxErrorCase("x", "1:1: expected a value, found 'x'"),
    SyntaxErrorCase("[1, yes]", "1:5: expected a value, found 'yes'"),
    SyntaxErrorCase("[truex]", "1:2: expected a value, found 'truex'"),
    SyntaxErrorCase("{\"a\": ]", "1:7: expected a value, found ']'"),
    SyntaxErrorCase("[,1]", "1:2: expected a value, found ','"),
    SyntaxErrorCase("True", "1:1: expected a value, found 'True'; write 'true' in lowercase"),
    SyntaxErrorCase(
      "{\u{A0}}", "1:2: expected a string key in double quotes, found U+00A0 (no-break space)"),
    SyntaxErrorCase("\u{FEFF}x", "1:1: expected a value, found 'x'"),
    SyntaxErrorCase("{\r\n  \"a\" 1}", "2:7: expected ':' after the key \"a\", found '1'"),
    SyntaxErrorCase("{\t\"a\" 1}", "1:7: expected ':' after the key \"a\", found '1'"),
    SyntaxErrorCase("{\"é\" 1}", "1:6: expected ':' after the key \"é\", found '1'"),
    // Comments and quotes.
    SyntaxErrorCase("{\n  // note\n  \"a\": 1\n}", "2:3: comments are not allowed in JSON"),
    SyntaxErrorCase("[1 /* c */]", "1:4: comments are not allowed in JSON"),
    SyntaxErrorCase("{\"a\": /* c */ 1}", "1:7: comments are not allowed in JSON"),
    SyntaxErrorCase("{} // end", "1:4: comments are not allowed in JSON"),
    SyntaxErrorCase("{'a': 1}", "1:2: single quotes are not allowed in JSON; use double quotes"),
    SyntaxErrorCase(
      "[\"a\", 'b']", "1:7: single quotes are not allowed in JSON; use double quotes"),
    // Strings.
    SyntaxErrorCase("{\"a\": \"abc", "1:7: unterminated string"),
    SyntaxErrorCase("\"abc\\", "1:1: unterminated string"),
    SyntaxErrorCase(
      "[\"abc\n\"]", "1:2: unterminated string; write a line break inside a string as \\n"),
    SyntaxErrorCase("\"a\\qb\"", "1:3: invalid escape '\\q' in string"),
    SyntaxErrorCase("\"a\\'b\"", "1:3: invalid escape '\\'' in string"),
    SyntaxErrorCase("\"a\tb\"", "1:3: control character U+0009 in a string must be escaped"),
    SyntaxErrorCase(
      "\"\\u12G4\"", "1:2: invalid escape '\\u12G4' in string; expected 4 hex digits after \\u"),
    SyntaxErrorCase(
      "\"\\u12\"", "1:2: invalid escape '\\u12' in string; expected 4 hex digits after \\u"),
    SyntaxErrorCase("\"\\uD800\"", "1:2: unpaired surrogate '\\uD800' in string"),
    SyntaxErrorCase("\"x\\ud83dy\"", "1:3: unpaired surrogate '\\ud83d' in string"),
    SyntaxErrorCase("\"\\uD800\\u0041\"", "1:2: unpaired surrogate '\\uD800' in string"),
    SyntaxErrorCase("\"\\uDC00\"", "1:2: unpaired surrogate '\\uDC00' in string"),
    // Numbers.
    SyntaxErrorCase("1e999", "1:1: number 1e999 is out of range"),
    SyntaxErrorCase("[0, -1.5e400]", "1:5: number -1.5e400 is out of range"),
    SyntaxErrorCase("01", "1:1: invalid number '01': leading zeros are not allowed"),
    SyntaxErrorCase("[-007]", "1:2: invalid number '-007': leading zeros are not allowed"),
    SyntaxErrorCase("+1", "1:1: invalid number '+1': a leading '+' is not allowed"),
    SyntaxErrorCase(".5", "1:1: invalid number '.5': expected a digit before '.'"),
    SyntaxErrorCase("[1.]", "1:2: invalid number '1.': expected a digit after '.'"),
    SyntaxErrorCase("1.e5", "1:1: invalid number '1.e5': expected a digit after '.'"),
    SyntaxErrorCase("1e", "1:1: invalid number '1e': expected a digit in the exponent"),
    SyntaxErrorCase("1e+", "1:1: invalid number '1e+': expected a digit in the exponent"),
    SyntaxErrorCase("-", "1:1: invalid number '-': expected a digit after '-'"),
    SyntaxErrorCase("1.5.3", "1:1: invalid number '1.5.3'"),
    SyntaxErrorCase("NaN", "1:1: NaN and Infinity are not allowed in JSON"),
    SyntaxErrorCase("[Infinity]", "1:2: NaN and Infinity are not allowed in JSON"),
    SyntaxErrorCase("-Infinity", "1:1: NaN and Infinity are not allowed in JSON"),
  ]

  @Test(arguments: syntaxErrors)
  func reportsSyntaxError(_ testCase: SyntaxErrorCase) {
    do {
      let node = try JSONParser.parse(testCase.input)
      Issue.record("parsed \(node) instead of failing")
    } catch {
      #expect(error.description == testCase.expected)
    }
  }

  @Test func rejectsNestingBeyondLimit() throws {
    let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    var node = try JSONParser.parse(deepest)
    var depth = 0
    while case .array(let elements) = node.kind, let first = elements.first {
      node = first
      depth += 1
    }
    #expect(depth == 511)

    let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
    #expect(
      throws: JSONSyntaxError(
        position: SourcePosition(line: 1, column: 513), message: "nesting is deeper than 512 levels"
      )
    ) {
      try JSONParser.parse(tooDeep)
    }
    // Hostile input must fail cleanly rather than exhaust the stack.
    let hostile = String(repeating: "{\"a\":", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(hostile) }
  }

  @Test func parsesLiterals() throws {
    #expect(
      try JSONParser.parse("null")
        == JSONNode(kind: .null, position: SourcePosition(line: 1, column: 1)))
    #expect(try JSONParser.parse(" true ").kind == .bool(true))
    #expect(try JSONParser.parse("\n\tfalse").kind == .bool(false))
    #expect(try JSONParser.parse("\n\tfalse").position == SourcePosition(line: 2, column: 2))
  }

  @Test(arguments: [
    ("0", 0.0),
    ("-0", -0.0),
    ("42", 42.0),
    ("-17", -17.0),
    ("3.25", 3.25),
    ("0.1", 0.1),
    ("1e3", 1000.0),
    ("1E+3", 1000.0),
    ("2.5e-3", 0.0025),
    ("-0.0e0", -0.0),
    ("1e-400", 0.0),
    ("1.7976931348623157e308", 1.7976931348623157e308),
  ])
  func parsesNumbers(literal: String, value: Double) throws {
    let node = try JSONParser.parse(literal)
    #expect(node.kind == .number(value, literal: literal))
    #expect(node.typeDescription == "a number")
  }

  @Test func parsesStringEscapes() throws {
    let node = try JSONParser.parse(#""q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u4E2D \ud83d\ude00 é😀""#)
    #expect(node.kind == .string("q\" b\\ s/ \u{8}\u{C}\n\r\t Aé中 😀 é😀"))
    #expect(try JSONParser.parse(#""\u0000""#).kind == .string("\u{0}"))
    #expect(try JSONParser.parse(#""""#).kind == .string(""))
    // U+2028 is a raw character JSON allows; it must not be taken for a line break.
    #expect(try JSONParser.parse("\"a\u{2028}b\"").kind == .string("a\u{2028}b"))
  }

  @Test func skipsByteOrderMark() throws {
    let node = try JSONParser.parse("\u{FEFF}{\"a\": 1}")
    #expect(node.position == SourcePosition(line: 1, column: 1))
    guard case .object(let members) = node.kind else {
      Issue.record("expected an object")
      return
    }
    #expect(members.map(\.key) == ["a"])
    #expect(members[0].value.position == SourcePosition(line: 1, column: 7))
  }

  @Test func recordsPositionsOnMultiLineInput() throws {
    let text = """
      {
        "name": "galaxies",
        "seed": 42,
        "k": [1, 2,
          3],
        "fit": {"means": [-1.5, 2e3], "ok": true},
      \t"none": null,
        "empty": {}, "list": []
      }
      """
    let root = try JSONParser.parse(text)
    #expect(root.typeDescription == "an object")
    guard case .object(let members) = root.kind else {
      Issue.record("expected an object")
      return
    }
    #expect(members.map(\.key) == ["name", "seed", "k", "fit", "none", "empty", "list"])
    let positions = members.map { "\($0.keyPosition) \($0.value.position)" }
    #expect(
      positions == [
        "2:3 2:11", "3:3 3:11", "4:3 4:8", "6:3 6:10", "7:2 7:10", "8:3 8:12", "8:16 8:24",
      ])

    #expect(members[0].value.kind == .string("galaxies"))
    #expect(members[1].value.kind == .number(42, literal: "42"))
    guard case .array(let k) = members[2].value.kind else {
      Issue.record("expected an array")
      return
    }
    #expect(k.map(\.position.description) == ["4:9", "4:12", "5:5"])
    #expect(
      k.map(\.kind) == [
        .number(1, literal: "1"), .number(2, literal: "2"), .number(3, literal: "3"),
      ])

    guard case .object(let fit) = members[3].value.kind else {
      Issue.record("expected an object")
      return
    }
    #expect(fit.map(\.key) == ["means", "ok"])
    #expect(fit[0].keyPosition == SourcePosition(line: 6, column: 11))
    #expect(
      fit[1].value == JSONNode(kind: .bool(true), position: SourcePosition(line: 6, column: 39)))
    guard case .array(let means) = fit[0].value.kind else {
      Issue.record("expected an array")
      return
    }
    #expect(means.map(\.kind) == [.number(-1.5, literal: "-1.5"), .number(2000, literal: "2e3")])
    #expect(means[1].position == SourcePosition(line: 6, column: 27))

    #expect(members[4].value.typeDescription == "null")
    #expect(members[5].value.kind == .object([]))
    #expect(members[6].value.kind == .array([]))
    #expect(members[6].value.typeDescription == "an array")
  }

  @Test func tracksLinesAcrossLineEndings() throws {
    for newline in ["\n", "\r\n", "\r"] {
      let root = try JSONParser.parse("[" + newline + "  1," + newline + newline + " \"x\"]")
      guard case .array(let elements) = root.kind else {
        Issue.record("expected an array")
        return
      }
      #expect(elements.map(\.position.description) == ["2:3", "4:2"])
      #expect(elements[1].typeDescription == "a string")
    }
  }

  @Test func describesTypes() throws {
    #expect(try JSONParser.parse("false").typeDescription == "a boolean")
    #expect(try JSONParser.parse("\"\"").typeDescription == "a string")
  }
}
