"""`line_check`: validates message dicts against LINE's OpenAPI schemas, strictly (no unknown keys)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "line-openapi" / "messaging-api.yml"


class LineSchema:
    def __init__(self, spec: dict):
        self.schemas = spec["components"]["schemas"]

    def _flatten(self, sch: dict, props: dict, required: set):
        if "$ref" in sch:
            return self._flatten(self.schemas[sch["$ref"].rsplit("/", 1)[1]], props, required)
        for part in sch.get("allOf", []):
            self._flatten(part, props, required)
        props.update(sch.get("properties", {}))
        required.update(sch.get("required", []))

    def check(self, obj, ref: str, path: str = "$") -> None:
        name = ref.rsplit("/", 1)[1]
        sch = self.schemas[name]
        disc = sch.get("discriminator")
        assert isinstance(obj, dict), f"{path}: expected object for {name}"
        if disc:
            target = disc["mapping"].get(obj.get(disc["propertyName"]))
            assert target, f"{path}: unknown {name} type {obj.get('type')!r}"
            if target.rsplit("/", 1)[1] != name:
                return self.check(obj, target, path)
        props, required = {}, set()
        self._flatten(sch, props, required)
        for key in required:
            assert key in obj, f"{path}: {name} needs {key!r}"
        for key, value in obj.items():
            assert key in props, f"{path}: {key!r} is not a property of {name}"
            self._value(value, props[key], f"{path}.{key}")

    def _value(self, v, sch: dict, path: str) -> None:
        if "$ref" in sch:
            return self.check(v, sch["$ref"], path)
        if "enum" in sch:
            assert v in sch["enum"], f"{path}: {v!r} not in {sch['enum']}"
        kind = sch.get("type")
        if kind == "array":
            assert isinstance(v, list), f"{path}: expected list"
            assert len(v) <= sch.get("maxItems", 10**9), f"{path}: too many items"
            for i, item in enumerate(v):
                self._value(item, sch["items"], f"{path}[{i}]")
        elif kind == "string":
            assert isinstance(v, str), f"{path}: expected string"
            assert len(v) <= sch.get("maxLength", 10**9), f"{path}: too long"
        elif kind == "integer":
            assert isinstance(v, int) and not isinstance(v, bool), f"{path}: expected integer"
        elif kind == "boolean":
            assert isinstance(v, bool), f"{path}: expected boolean"


@pytest.fixture(scope="session")
def line_schema() -> LineSchema:
    if not SPEC.exists():
        pytest.skip(f"LINE OpenAPI spec not found at {SPEC}")
    with SPEC.open(encoding="utf-8") as fh:
        return LineSchema(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


@pytest.fixture
def line_check(line_schema):
    """Assert that each message is valid for LINE: schema, text ≤ 5,000 UTF-16 units, altText ≤ 1,500."""
    def check(*messages: dict) -> None:
        assert 1 <= len(messages) <= 5
        for msg in messages:
            line_schema.check(msg, "#/components/schemas/Message")
            if msg["type"] == "text":
                assert 0 < len(msg["text"].encode("utf-16-le")) // 2 <= 5000
            if msg["type"] == "flex":
                assert 0 < len(msg["altText"]) <= 1500
            for item in msg.get("quickReply", {}).get("items", []):
                assert len(item["action"]["label"]) <= 20
    return check
