import Testing

@testable import ReportKit

@Suite struct CSVReaderTests {
  @Test func readsQuotedHeaderByNameLikeTheGalaxyFile() throws {
    let values = try CSVReader.column(.name("velocity"), of: "\"velocity\"\n9172\n9350\n", file: "g.csv")
    #expect(values == CSVColumn(name: "velocity", values: [9172, 9350], droppedLines: []))
  }

  @Test func readsByIndexWithQuotedFieldsCRLFBOMAndTrailingBlankLines() throws {
    let text = "\u{FEFF}\"a, b\",\"say \"\"hi\"\"\",c\r\n\"x,y\",1.5,2\r\n\"z\",\"-3e2\",4\r\n\r\n\r\n"
    #expect(try CSVReader.column(.index(1), of: text, file: "f.csv").values == [1.5, -300])
    #expect(try CSVReader.column(.name("say \"hi\""), of: text, file: "f.csv").values == [1.5, -300])
  }

  @Test func aQuotedFieldMaySpanLines() throws {
    let text = "note,x\n\"two\nlines\",1\nplain,2\n"
    #expect(try CSVReader.column(.name("x"), of: text, file: "f.csv").values == [1, 2])
  }

  @Test func theIrisFileReadsItsPetalLengths() throws {
    let text = try String(decoding: FileAccess().readBytes(repositoryPath("Tests/Fixtures/data/iris.csv")), as: UTF8.self)
    let values = try CSVReader.column(.name("Petal.Length"), of: text, file: "iris.csv").values
    #expect(values.count == 150)
    #expect(values.prefix(3) == [1.4, 1.4, 1.3])
  }

  @Test(arguments: [
    ("x\n1\nabc\n", ColumnReference.index(0), #"f.csv:3:1: "abc" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("a,x\n1,2\n3, 1,5\n", .name("x"), "f.csv:3:1: this row has 3 fields but the header has 2; every row needs as many fields as the header (a decimal comma as in 1,5 splits a field: write 1.5)"),
    ("a,x\n1,2\n\n3,\n", .name("x"), #"f.csv:4:3: missing value (an empty cell) in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
    ("a,x\n1,2\n3,NA\n", .name("x"), #"f.csv:3:3: missing value ("NA") in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
    ("x\n1\n NaN \n", .index(0), #"f.csv:3:1: missing value ("NaN") in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
    ("x\n1\n\"\"\n", .index(0), #"f.csv:3:1: missing value (an empty cell) in column "x"; fill it in, remove the row, or set "missing": "drop" in the experiment's data to skip such rows"#),
    ("x\n-Infinity\n", .index(0), #"f.csv:2:1: "-Infinity" in column "x" is infinite; a mixture cannot fit infinite values: correct or remove the row"#),
    ("a,x\n1,2\n3\n", .name("x"), "f.csv:3:1: this row has 1 field but the header has 2; every row needs as many fields as the header (a decimal comma as in 1,5 splits a field: write 1.5)"),
    ("x\ninf\n", .index(0), #"f.csv:2:1: "inf" in column "x" is infinite; a mixture cannot fit infinite values: correct or remove the row"#),
    ("x\n1e999\n", .index(0), #"f.csv:2:1: "1e999" in column "x" is too large for a double (it overflows to infinity); rescale the data"#),
    ("x\n0x10\n", .index(0), #"f.csv:2:1: "0x10" in column "x" is not a number; use digits with "." as the decimal point"#),
    ("a,b\n1,2\n", .name("c"), #"f.csv:1:1: no column named "c"; the header has "a", "b""#),
    ("a,b\n1,2\n", .index(2), "f.csv:1:1: column index 2 is out of range: the header has 2 columns (0 to 1)"),
    ("x\n\"1\n", .index(0), "f.csv:2:1: unterminated quoted field; add the closing double quote"),
    ("x\n\"1\"2\n", .index(0), "f.csv:2:4: unexpected text after a closing quote; a quoted field must end at a comma or line end"),
    ("x\n1\"2\"\n", .index(0), #"f.csv:2:2: a quote inside an unquoted field; put the whole field in double quotes and write a quote as """#),
    ("", .index(0), "f.csv: the file is empty; it needs a header row and at least 2 rows of numbers"),
  ])
  func badCellsNameLineAndColumn(text: String, column: ColumnReference, message: String) {
    do {
      let values = try CSVReader.column(column, of: text, file: "f.csv")
      Issue.record("expected an error, got \(values)")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func dropSkipsMissingValuesAndRecordsTheirLines() throws {
    // Every missing spelling, quoted and unquoted, with CRLF ends, a BOM and trailing blank lines.
    let text = "\u{FEFF}\"id\",\"x\"\r\na,1\r\nb,NA\r\nc,\r\nd,\"\"\r\ne, NaN\r\nf,2.5\r\ng,null\r\nh,N/A\r\ni,-3\r\n\r\n\r\n"
    let column = try CSVReader.column(.name("x"), of: text, missing: .drop, file: "f.csv")
    #expect(column == CSVColumn(name: "x", values: [1, 2.5, -3], droppedLines: [3, 4, 5, 6, 8, 9]))
    // Infinite values are an error even when missing values are dropped.
    #expect(throws: InputError.self) { try CSVReader.column(.name("x"), of: "x\n1\nNA\n+inf\n", missing: .drop, file: "f.csv") }
  }

  @Test(arguments: ["1,5", "1.5.5", "--1", "e5", ".", "nan", "NaN", " "])
  func parseNumberRejectsNonCLocaleForms(_ text: String) {
    #expect(CSVReader.parseNumber(Substring(text)) == nil)
  }

  @Test(arguments: [("1", 1.0), ("-0.5", -0.5), ("+2", 2), (".5", 0.5), ("1e3", 1000), ("2.5E-1", 0.25)])
  func parseNumberReadsDecimals(_ text: String, _ value: Double) {
    #expect(CSVReader.parseNumber(Substring(text)) == value)
  }
}
