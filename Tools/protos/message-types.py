#!/usr/bin/env python3
"""Writes the test-side list of generated message types from the official-fields fixture.

Usage: Tools/protos/message-types.py  (run by Tools/regenerate-protos after trim.py)
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
TESTS = ROOT / "Modules/Temporal/Tests/TemporalTests"


def swift_name(proto_name: str) -> str:
    parts = proto_name.split(".")
    first = next(i for i, part in enumerate(parts) if part[0].isupper())
    package = "_".join(part[0].upper() + part[1:] for part in parts[:first])
    return package + "_" + ".".join(parts[first:])


def main() -> None:
    fixture = json.loads((TESTS / "Fixtures/official-fields.json").read_text())
    names = sorted(swift_name(name) for name in fixture)
    lines = [
        "// Written by Tools/protos/message-types.py from Fixtures/official-fields.json; do not edit.",
        "import SwiftProtobuf",
        "",
        "@testable import Temporal",
        "",
        "/// Every generated message type the fixture lists, for the field-number test.",
        "let generatedMessageTypes: [any SwiftProtobuf.Message.Type] = [",
    ]
    lines += [f"    {name}.self," for name in names]
    lines += ["]", ""]
    (TESTS / "GeneratedMessageTypes.swift").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
