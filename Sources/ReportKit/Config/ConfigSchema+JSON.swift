/// The JSON Schema of the experiment file, generated from ``ConfigSchema``'s tables.
extension ConfigSchema {
  /// The schema document: `docs/experiment.schema.json` holds exactly this text (a test),
  /// and `generate-report schema` prints it.
  public static var text: String {
    do {
      return try JSONWriter.write(document)
    } catch {
      // Every number in the tables is finite.
      preconditionFailure("the schema has a non-finite number: \(error)")
    }
  }

  /// The schema as a JSON value: draft-07, no `$ref`, `additionalProperties: false` on
  /// every object.
  static var document: JSONOutput {
    var members: [JSONOutputMember] = [
      JSONOutputMember("$schema", .string(dialect)),
      JSONOutputMember("$id", .string(id)),
    ]
    members += json(object(top))
    return .object(members)
  }

  /// The members describing `value`.
  static func json(_ value: Value) -> [JSONOutputMember] {
    var out: [JSONOutputMember] = []
    if case .object(let o) = value.kind { out.append(JSONOutputMember("title", .string(o.title))) }
    if let description = value.description ?? value.objects.first.flatMap({ value.objects.count == 1 ? $0.description : nil }) {
      out.append(JSONOutputMember("description", .string(description)))
    }
    switch value.kind {
    case .string(let rule):
      out.append(JSONOutputMember("type", .string("string")))
      if let allowed = rule.allowed { out.append(JSONOutputMember("enum", .array(allowed.map { .string($0) }))) }
      if let n = rule.minLength { out.append(JSONOutputMember("minLength", .int(n))) }
      if let n = rule.maxLength { out.append(JSONOutputMember("maxLength", .int(n))) }
      if rule.nonBlank { out.append(JSONOutputMember("pattern", .string("\\S"))) }
    case .number(let rule):
      out.append(JSONOutputMember("type", .string(rule.integer ? "integer" : "number")))
      func bound(_ x: Double) -> JSONOutput { rule.integer ? .int(Int(x)) : .number(x) }
      if let x = rule.minimum { out.append(JSONOutputMember("minimum", bound(x))) }
      if let x = rule.exclusiveMinimum { out.append(JSONOutputMember("exclusiveMinimum", bound(x))) }
      if let x = rule.exclusiveMaximum { out.append(JSONOutputMember("exclusiveMaximum", bound(x))) }
      if let x = rule.maximum { out.append(JSONOutputMember("maximum", bound(x))) }
    case .boolean:
      out.append(JSONOutputMember("type", .string("boolean")))
    case .array(let rule):
      out.append(JSONOutputMember("type", .string("array")))
      out.append(JSONOutputMember("items", .object(json(rule.items))))
      if let n = rule.minItems { out.append(JSONOutputMember("minItems", .int(n))) }
      if let n = rule.maxItems { out.append(JSONOutputMember("maxItems", .int(n))) }
      if rule.unique { out.append(JSONOutputMember("uniqueItems", .bool(true))) }
    case .object(let o):
      out.append(JSONOutputMember("type", .string("object")))
      out.append(JSONOutputMember("properties", .object(o.properties.map { JSONOutputMember($0.name, .object(json($0.value))) })))
      let required = o.properties.filter(\.required).map { JSONOutput.string($0.name) }
      if !required.isEmpty { out.append(JSONOutputMember("required", .array(required))) }
      out.append(JSONOutputMember("additionalProperties", .bool(false)))
      let nots = o.conflicts.map { JSONOutput.object(["required": .array($0.map { .string($0) })]) }
      if nots.count == 1 {
        out.append(JSONOutputMember("not", nots[0]))
      } else if !nots.isEmpty {
        out.append(JSONOutputMember("allOf", .array(nots.map { .object(["not": $0]) })))
      }
    case .anyOf(let values):
      out.append(JSONOutputMember("anyOf", .array(values.map { .object(json($0)) })))
    }
    if let d = value.defaultValue { out.append(JSONOutputMember("default", d)) }
    return out
  }
}
