"""Load the vendored LINE OpenAPI specs and turn their schemas into strict JSON Schema.

OpenAPI 3.0 polymorphism (``allOf`` + ``discriminator``) is not something jsonschema understands,
so each schema becomes either a *dispatcher* (custom ``x-dispatch`` keyword: validate against the
subtype named by ``type``, one lookup instead of trying every branch) or a *concrete* object whose properties are merged from its ``allOf`` parts and which
rejects unknown fields (``additionalProperties: false``). References become ``x-ref`` (a direct dict
lookup: jsonschema's generic ``$ref`` resolution is the slow part of validation).
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, validators

SPEC_DIR = Path(__file__).resolve().parent / "openapi"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Plain JSON Schema keywords that mean the same in OpenAPI 3.0.
_KEEP = {
    "type", "enum", "format", "minimum", "maximum", "minLength", "maxLength", "pattern",
    "minItems", "maxItems", "uniqueItems", "multipleOf", "minProperties", "maxProperties",
}


@functools.lru_cache(maxsize=None)
def load_spec(name: str) -> dict:
    """Parsed ``openapi/<name>.yml`` (parsed once per process)."""
    with open(SPEC_DIR / f"{name}.yml", "rb") as fh:
        return yaml.load(fh, Loader=_Loader)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


class _Converter:
    def __init__(self, schemas: dict):
        self.schemas = schemas
        # Concrete subtype name -> the discriminator value it must carry.
        self.type_const: dict[str, str] = {}
        for schema in schemas.values():
            disc = schema.get("discriminator") or {}
            for key, ref in (disc.get("mapping") or {}).items():
                self.type_const.setdefault(_ref_name(ref), key)

    def defs(self) -> dict:
        return {name: self.named(name) for name in self.schemas}

    def named(self, name: str) -> dict:
        schema = self.schemas[name]
        disc = schema.get("discriminator")
        if disc and disc.get("mapping"):
            return self._dispatcher(disc)
        return self.convert(schema, type_const=self.type_const.get(name))

    def _dispatcher(self, disc: dict) -> dict:
        prop = disc.get("propertyName", "type")
        mapping = {key: _ref_name(ref) for key, ref in disc["mapping"].items()}
        return {"type": "object", "required": [prop],
                "x-dispatch": {"property": prop, "mapping": mapping}}

    def _collect(self, schema: dict, props: dict, required: list, extra: dict) -> None:
        """Merge properties/required/keywords of ``schema`` and its allOf parts (bases undispatched)."""
        if "$ref" in schema:
            self._collect(self.schemas[_ref_name(schema["$ref"])], props, required, extra)
            return
        for part in schema.get("allOf", ()):
            self._collect(part, props, required, extra)
        props.update(schema.get("properties") or {})
        required.extend(r for r in schema.get("required", ()) if r not in required)
        for key, value in schema.items():
            if key in _KEEP or key in ("items", "additionalProperties", "nullable", "oneOf", "anyOf"):
                extra[key] = value

    def convert(self, schema: dict, type_const: str | None = None) -> dict:
        if "$ref" in schema:
            return {"x-ref": _ref_name(schema["$ref"])}
        props: dict = {}
        required: list = []
        extra: dict = {}
        self._collect(schema, props, required, extra)
        out: dict = {k: v for k, v in extra.items() if k in _KEEP}
        if "exclusiveMinimum" in schema or "exclusiveMaximum" in schema:
            out.update(self._exclusive(schema))
        if extra.get("nullable") and "type" in out:
            out["type"] = [out["type"], "null"]
        if "items" in extra:
            out["items"] = self.convert(extra["items"])
        for key in ("oneOf", "anyOf"):
            if key in extra:
                out[key] = [self.convert(s) for s in extra[key]]
        if props or required:
            out["properties"] = {k: self.convert(v) for k, v in props.items()}
            if type_const is not None and "type" in out["properties"]:
                out["properties"]["type"] = {"const": type_const}
            if required:
                out["required"] = required
        addl = extra.get("additionalProperties")
        if isinstance(addl, dict):
            out["additionalProperties"] = self.convert(addl)
        elif addl is not None:
            out["additionalProperties"] = addl
        elif props:
            out["additionalProperties"] = False  # unknown fields are an error, as on LINE
        return out

    @staticmethod
    def _exclusive(schema: dict) -> dict:
        # OpenAPI 3.0 uses booleans next to minimum/maximum; JSON Schema wants the number.
        out = {}
        if schema.get("exclusiveMinimum") is True and "minimum" in schema:
            out["exclusiveMinimum"] = schema["minimum"]
        if schema.get("exclusiveMaximum") is True and "maximum" in schema:
            out["exclusiveMaximum"] = schema["maximum"]
        return out


@functools.lru_cache(maxsize=None)
def json_schema_defs(spec_name: str) -> dict:
    """All component schemas of a spec as JSON Schema ``$defs`` (converted once)."""
    return _Converter(load_spec(spec_name)["components"]["schemas"]).defs()


@functools.lru_cache(maxsize=None)
def validator(spec_name: str, component: str):
    """A compiled validator for one component schema (built once, reused by every request)."""
    defs = json_schema_defs(spec_name)

    def x_ref(v, name, instance, schema):
        yield from v.descend(instance, defs[name])

    def x_dispatch(v, spec, instance, schema):
        if not isinstance(instance, dict) or spec["property"] not in instance:
            return  # "type"/"required" report it
        prop = spec["property"]
        target = spec["mapping"].get(instance[prop])
        if target is None:
            yield from v.descend(instance[prop], {"enum": list(spec["mapping"])}, path=prop)
        else:
            yield from v.descend(instance, defs[target])

    cls = validators.extend(Draft202012Validator, {"x-ref": x_ref, "x-dispatch": x_dispatch})
    return cls(defs[component])
