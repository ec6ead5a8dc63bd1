"""Which environment variables a program reads, by name (the standard library's `ast`, parsing only).

`env_names(files)` is the set of literal names read through `os.environ[...]`, `os.environ.get(...)`,
`os.getenv(...)` (under any import spelling), or None when the program may read variables whose
names we cannot see: the environment handed on or iterated, a computed name, or a settings library
that maps variables to fields (pydantic's BaseSettings, dotenv, environs, decouple).
"""

from __future__ import annotations

import ast

from sweeplint.codefacts.interproc import Interproc

_SETTINGS_LIBRARIES = ("dotenv", "environs", "decouple", "pydantic_settings", "envparse", "hydra", "omegaconf")


def env_names(trace: Interproc) -> set[str] | None:
    names: set[str] = set()
    for path in trace.files:
        mod = trace.module(path)
        if mod is None:
            return None
        for node in mod.nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.split(".")[0] in _SETTINGS_LIBRARIES for m in modules):
                    return None
                if isinstance(node, ast.ImportFrom) and any(a.name == "BaseSettings" for a in node.names):
                    return None
            elif isinstance(node, ast.Name) and node.id in ("environ", "getenv") or \
                    isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                name = _literal_use(mod, node)
                if name is None:
                    return None
                names.add(name)
    return names


def _literal_use(mod, node: ast.AST) -> str | None:
    """The variable name of `environ["X"]`, `environ.get("X", ...)`, `getenv("X", ...)` at `node`."""
    parent = mod.parent(node)
    if isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(parent, ast.Attribute) and parent.attr == "getenv":
        return None
    if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in ("environ", "getenv"):
        return ""  # `os.environ`'s `os`: the outer node is looked at on its own
    if isinstance(parent, ast.Subscript) and parent.value is node:
        return _constant(parent.slice)
    if isinstance(parent, ast.Call) and parent.func is node:  # getenv("X")
        return _constant(parent.args[0]) if parent.args else None
    if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in ("get", "setdefault"):
        call = mod.parent(parent)
        if isinstance(call, ast.Call) and call.func is parent and call.args:
            return _constant(call.args[0])
    if isinstance(parent, ast.Compare) and any(c is node for c in parent.comparators):
        return ""  # `"X" in os.environ`: a test, not a read of a value
    if isinstance(parent, (ast.Import, ast.ImportFrom, ast.alias)):
        return ""
    return None


def _constant(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
