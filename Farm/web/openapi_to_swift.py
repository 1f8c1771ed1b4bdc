#!/usr/bin/env python3
"""Writes Sources/FarmWeb/API/OpenAPIDocument.swift from Docs/api/openapi.json (the document the
coordinator serves is embedded in the binary; a test checks the two are the same text).
usage: Farm/web/openapi_to_swift.py  (from the repository root)"""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parents[2]
doc = root / "Docs/api/openapi.json"
text = json.dumps(json.loads(doc.read_text()), indent=2, ensure_ascii=False)
doc.write_text(text + "\n")
assert '"""#' not in text
(root / "Sources/FarmWeb/API/OpenAPIDocument.swift").write_text(
    "/// The OpenAPI 3 document of /api/v1, served at /api/v1/openapi.json. Docs/api/openapi.json is\n"
    "/// the same text (a test compares them); edit the doc, then run Farm/web/openapi_to_swift.py.\n"
    "enum OpenAPIDocument {\n"
    '    static let json = #"""\n' + text + '\n"""#\n}\n'
)
