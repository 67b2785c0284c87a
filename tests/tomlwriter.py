"""Writing guide data back to TOML, so tests can feed any text through the real loader."""

from __future__ import annotations

import datetime
from typing import Any


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(type(value))


def dumps(data: dict[str, Any], prefix: str = "") -> str:
    """TOML for nested dicts, lists of scalars and lists of dicts (arrays of tables)."""
    lines: list[str] = []
    tables: list[str] = []
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            tables.append(f"\n[{name}]\n" + dumps(value, name))
        elif isinstance(value, list | tuple) and value and isinstance(value[0], dict):
            tables.extend(f"\n[[{name}]]\n" + dumps(item, name) for item in value)
        elif value is not None:
            lines.append(f"{key} = {_value(value)}")
    return "\n".join(lines) + "\n" + "".join(tables)
