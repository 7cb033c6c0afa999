import Testing

@testable import ReportKit

@Suite struct JSONWriterTests {
  static let sample: JSONOutput = .object([
    "name": .string("galaxies <k=3> & \"more\""),
    "seed": .int(42),
    "converged": .bool(true),
    "note": .null,
    "logLikelihood": .number(-1386.8712345),
    "weights": .array([.number(0.25), .number(0.75), .int(3), .number(2)]),
    "empty": .array([]),
    "nothing": .object([:]),
    "fits": .array([
      .object(["k": .int(1), "means": .array([.number(-1.5)])]),
      .array([.array([.number(1), .number(2)]), .string("x")]),
    ]),
    "tiny": .number(1e-6),
    "huge": .number(1.5e20),
    "limit": .number(1e15),
  ])

  @Test func writesSampleObject() throws {
    let expected = """
      {
        "name": "galaxies \\u003ck=3\\u003e \\u0026 \\"more\\"",
        "seed": 42,
        "converged": true,
        "note": null,
        "logLikelihood": -1386.8712345,
        "weights": [0.25, 0.75, 3, 2],
        "empty": [],
        "nothing": {},
        "fits": [
          {
            "k": 1,
            "means": [-1.5]
          },
          [
            [1, 2],
            "x"
          ]
        ],
        "tiny": 1e-06,
        "huge": 1.5e+20,
        "limit": 1000000000000000.0
      }

      """
    #expect(try JSONWriter.write(Self.sample) == expected)
  }

  @Test func writesTopLevelScalars() throws {
    #expect(try JSONWriter.write(.null) == "null\n")
    #expect(try JSONWriter.write(.array([])) == "[]\n")
    #expect(try JSONWriter.write(.object([])) == "{}\n")
    #expect(try JSONWriter.write(.int(Int.min)) == "-9223372036854775808\n")
  }

  @Test(arguments: [
    (2.0, "2"),
    (-0.0, "0"),
    (0.1, "0.1"),
    (-1386.8712345, "-1386.8712345"),
    (999_999_999_999_999.0, "999999999999999"),
    (1e15, "1000000000000000.0"),
    (1e16, "1e+16"),
    (1e-06, "1e-06"),
    (1.5e20, "1.5e+20"),
    (Double.leastNonzeroMagnitude, "5e-324"),
    (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
  ])
  func formatsNumbers(value: Double, text: String) throws {
    #expect(JSONWriter.format(value) == text)
    // Every format must be valid JSON that reads back as the same number.
    let node = try JSONParser.parse(text)
    #expect(node.kind == .number(value, literal: text))
  }

  @Test func escapesStrings() throws {
    let text = "q\" b\\ \n\r\t\u{8}\u{C}\u{1}\u{1F} <a&b> é😀 \u{2028}/"
    let expected = #""q\" b\\ \n\r\t\b\f\u0001\u001f \u003ca\u0026b\u003e é😀 \u2028/"\#n"#
    #expect(try JSONWriter.write(.string(text)) == expected)
  }

  @Test func reportsPathOfNonFiniteNumber() {
    let value: JSONOutput = .object([
      "experiments": .array([
        .object([
          "name": .string("a"),
          "fit": .object(["means": .array([.number(1), .number(.nan)])]),
        ])
      ])
    ])
    #expect(throws: JSONWriteError(path: "experiments[0].fit.means[1]", number: "nan")) {
      try JSONWriter.write(value)
    }
    do {
      _ = try JSONWriter.write(value)
    } catch {
      #expect(
        error.description
          == "cannot write the non-finite number nan at experiments[0].fit.means[1]; JSON has no NaN or infinity"
      )
    }
  }

  @Test func reportsInfinityAtUnusualPaths() {
    #expect(throws: JSONWriteError(path: "", number: "inf")) {
      try JSONWriter.write(.number(.infinity))
    }
    #expect(throws: JSONWriteError(path: "[2][\"odd key\"]", number: "-inf")) {
      try JSONWriter.write(.array([.null, .int(1), .object(["odd key": .number(-.infinity)])]))
    }
  }

  @Test func roundTripsThroughParser() throws {
    let text = try JSONWriter.write(Self.sample)
    let node = try JSONParser.parse(text)
    #expect(Self.output(from: node) == Self.normalized(Self.sample))

    let strings = [
      "", "plain", "\u{0}\u{7F}\u{80}\u{FFFF}\u{10FFFF}", "</script>", "e\u{301}", "\\\"\\",
    ]
    let array = JSONOutput.array(strings.map { .string($0) })
    #expect(Self.output(from: try JSONParser.parse(try JSONWriter.write(array))) == array)
  }

  /// The writer's input as the parser sees it: every number becomes a `Double`.
  static func normalized(_ value: JSONOutput) -> JSONOutput {
    switch value {
    case .int(let integer): .number(Double(integer))
    case .array(let elements): .array(elements.map(normalized))
    case .object(let members):
      .object(members.map { JSONOutputMember($0.key, normalized($0.value)) })
    default: value
    }
  }

  static func output(from node: JSONNode) -> JSONOutput {
    switch node.kind {
    case .null: .null
    case .bool(let flag): .bool(flag)
    case .number(let number, _): .number(number)
    case .string(let text): .string(text)
    case .array(let elements): .array(elements.map(output(from:)))
    case .object(let members):
      .object(members.map { JSONOutputMember($0.key, output(from: $0.value)) })
    }
  }
}

extension JSONWriterTests {
  @Test func buildsObjectsFromPairs() throws {
    let pairs: [(String, JSONOutput)] = [("b", .int(1)), ("a", .array([]))]
    let expected: JSONOutput = .object([
      JSONOutputMember("b", .int(1)), JSONOutputMember("a", .array([])),
    ])
    #expect(JSONOutput.object(pairs) == expected)
    #expect(JSONOutput.object([("b", .int(1)), ("a", .array([]))]) == expected)
    #expect(JSONOutput.object(["b": .int(1), "a": .array([])]) == expected)
    let empty: JSONOutput = .object([])
    #expect(empty == .object([:]))
  }
}
