"""The JSON Schema of guide, clinic and plan files, for editors, with each field's docstring.

The models document every field with the string under it. Pydantic can read those
strings itself (`use_attribute_docstrings`), but it does so for every model at import,
by reading and parsing the source: 50-80 ms of every cold start, measured here. The
schema is the only place the descriptions are needed, so they are read when it is made.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import textwrap
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from .model import Article, Clinic, PatientPlan, Record

__all__ = ["field_docs", "schema_json"]


_MODELS: dict[str, type[Record]] = {"article": Article, "clinic": Clinic, "plan": PatientPlan}


def schema_json(kind: Literal["article", "clinic", "plan"] = "article") -> str:
    """The JSON Schema of a guide (`article`), clinic or patient's plan file, as `schema`
    prints it."""
    model = _MODELS[kind]
    schema = model.model_json_schema(schema_generator=_Documented)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of `model`, inherited ones included."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not issubclass(cls, BaseModel) or cls is BaseModel:
            continue
        (node,) = ast.parse(textwrap.dedent(inspect.getsource(cls))).body
        body = node.body if isinstance(node, ast.ClassDef) else []
        for field, after in itertools.pairwise(body):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[field.target.id] = inspect.cleandoc(after.value.value)
    return docs


class _Documented(GenerateJsonSchema):
    """Pydantic's schema, with each model field's docstring as its description."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        target = self.resolve_ref_schema(json_schema) if "$ref" in json_schema else json_schema
        properties: dict[str, Any] = target.get("properties", {})
        for name, doc in field_docs(schema["cls"]).items():
            if name in properties:
                properties[name].setdefault("description", doc)
        return json_schema
