#!/usr/bin/env python3
"""Validates every examples/*.json, and their YAML twins in Tests/Fixtures/yaml/, against
docs/experiment.schema.json with Python's jsonschema (Draft7Validator).

An outside check of the committed schema: a second implementation of JSON Schema reads
it and accepts the examples. Not part of `swift test` (which checks the schema against
the decoder itself). Needs `pip install jsonschema`; the YAML twins also need PyYAML and
are skipped with a note without it. YAML is read with YAML 1.2's core schema, as
generate-report reads it (PyYAML's default is YAML 1.1: `yes` a boolean, `1e-8` a string).

Usage: python3 scripts/validate_examples.py   (exit 0 when every file is valid)
"""

import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def core_schema_loader(yaml):
    """A PyYAML SafeLoader whose plain scalars follow YAML 1.2's core schema."""

    class CoreLoader(yaml.SafeLoader):
        pass

    CoreLoader.yaml_implicit_resolvers = {}
    rules = [
        ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
        ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
        ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
        (
            "tag:yaml.org,2002:float",
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN)$",
            list("-+.0123456789"),
        ),
    ]
    for tag, pattern, first in rules:
        CoreLoader.add_implicit_resolver(tag, re.compile(pattern), first)

    def construct_int(loader, node):
        text = loader.construct_scalar(node)
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)

    def construct_float(loader, node):
        text = loader.construct_scalar(node)
        lowered = text.lower().lstrip("+-")
        if lowered in (".inf", ".nan"):
            return float(text.replace(".", "").replace("+", ""))
        return float(text)

    CoreLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
    CoreLoader.add_constructor("tag:yaml.org,2002:float", construct_float)
    return CoreLoader


def main():
    try:
        from jsonschema import Draft7Validator
    except ImportError:
        print("jsonschema is not installed: pip install jsonschema")
        return 2
    with open(os.path.join(ROOT, "docs", "experiment.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    Draft7Validator.check_schema(schema)
    validator = Draft7Validator(schema)

    def check(path, document):
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        name = os.path.relpath(path, ROOT)
        if not errors:
            print(f"ok       {name}")
            return True
        for error in errors:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
            print(f"INVALID  {name}: {where or '(top level)'}: {error.message}")
        return False

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"duplicate keys {duplicates}")
        return dict(pairs)

    valid = True
    examples = sorted(glob.glob(os.path.join(ROOT, "examples", "*.json")))
    for path in examples:
        with open(path, encoding="utf-8") as f:
            valid &= check(path, json.load(f, object_pairs_hook=no_duplicates))

    twins = sorted(glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "yaml", "*.yaml")))
    try:
        import yaml
    except ImportError:
        print(f"note: PyYAML is not installed (pip install pyyaml); skipped {len(twins)} YAML twins")
        yaml = None
    if yaml is not None:
        loader = core_schema_loader(yaml)
        for path in twins:
            with open(path, encoding="utf-8") as f:
                valid &= check(path, yaml.load(f, Loader=loader))
        stems = {os.path.splitext(os.path.basename(p))[0] for p in twins}
        for path in examples:
            stem = os.path.splitext(os.path.basename(path))[0]
            if stem not in stems:
                print(f"MISSING  Tests/Fixtures/yaml/{stem}.yaml (the YAML twin of examples/{stem}.json)")
                valid = False

    # The schema is no rubber stamp: files the tool refuses, the schema refuses too.
    experiment = {"name": "a", "data": {"generate": [{"mean": 0, "sd": 1, "count": 10}]}}
    refused = [
        ("no experiments", {"experiments": []}),
        ("an unknown key", {"experiments": [dict(experiment, colour="red")]}),
        ("fit.epochs 0", {"experiments": [dict(experiment, fit={"epochs": 0})]}),
        ("fit.epochs 2.5", {"experiments": [dict(experiment, fit={"epochs": 2.5})]}),
        ("both csv and generate", {"experiments": [dict(experiment, data={"csv": "x.csv", "generate": []})]}),
        ("kde.bandwidth \"scot\"", {"experiments": [dict(experiment, kde={"bandwidth": "scot"})]}),
    ]
    for what, document in refused:
        if validator.is_valid(document):
            print(f"ACCEPTED {what}: the schema should refuse it")
            valid = False
    print(f"refused  {len(refused)} invalid documents, as the tool does")

    checked = len(examples) + (len(twins) if yaml is not None else 0)
    print(f"{checked} files checked against docs/experiment.schema.json (draft-07): {'all valid' if valid else 'some invalid'}")
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
