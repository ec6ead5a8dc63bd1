"""W&B sweeps written in Python: dict literals passed to `wandb.sweep(...)`.

The dict (directly, or through a variable built up in the same module with `d["k"] = ...` and
`d.update({...})`) is turned into positioned YMap/YSeq/YScalar nodes, so the W&B reader's logic
reads it unchanged. Bounds written as simple arithmetic (`math.log(1e-5)`) are evaluated; values
only running the code would tell are left out rather than guessed.
"""

from __future__ import annotations

from typing import Any

from sweeplint.formats import ReadContext
from sweeplint.model import Opaque, Study
from sweeplint.yamldoc import YMap, YScalar, YSeq

MAX_DEPTH = 40
_TAGS = {bool: "bool", int: "int", float: "float", str: "str", type(None): "null"}


class WandbPythonReader:
    name = "wandb"

    def wants(self, text: str) -> bool:
        return "wandb.sweep" in text

    def read(self, module: Any, ctx: Any) -> list[Study]:
        import libcst as cst

        from sweeplint import pyexpr
        from sweeplint.formats.wandb import READER as WANDB

        env = _dict_variables(module)
        studies: list[Study] = []
        for call in pyexpr.iter_calls(module):
            name = pyexpr.call_name(call)
            if name not in ("wandb.sweep", "sweep") or (name == "sweep" and not _imports_sweep(module)):
                continue
            arg = pyexpr.argument(call, 0, "sweep")
            if arg is None:
                continue
            node = _Builder(env, ctx).node(arg, 0)
            if not isinstance(node, YMap):
                continue
            read_ctx = ReadContext(ctx.path, ctx.text, "python", ctx.directives, ctx.problems)
            for study in WANDB.read(node, read_ctx):
                studies.append(study)
        _ = cst
        return studies


READER = WandbPythonReader()


def _imports_sweep(module: Any) -> bool:
    import libcst as cst

    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and small.module is not None and getattr(small.module, "value", None) == "wandb":
                    if not isinstance(small.names, cst.ImportStar) and any(
                        getattr(a.name, "value", None) == "sweep" for a in small.names
                    ):
                        return True
    return False


def _dict_variables(module: Any) -> dict[str, list]:
    """name -> [dict expression, [(key expression, value expression) added later]], in source order."""
    import libcst as cst

    env: dict[str, list] = {}

    class Collector:
        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                t = target.target
                if isinstance(t, cst.Name) and isinstance(node.value, (cst.Dict, cst.Name, cst.Call)):
                    if isinstance(node.value, cst.Dict):
                        env[t.value] = [node.value, []]
                    elif isinstance(node.value, cst.Name) and node.value.value in env:
                        env[t.value] = env[node.value.value]
                    elif isinstance(node.value, cst.Call) and _is_dict_call(node.value):
                        env[t.value] = [None, [(cst.SimpleString(repr(a.keyword.value)), a.value) for a in node.value.args if a.keyword]]
                elif isinstance(t, cst.Subscript) and isinstance(t.value, cst.Name) and t.value.value in env:
                    if len(t.slice) == 1 and isinstance(t.slice[0].slice, cst.Index):
                        env[t.value.value][1].append((t.slice[0].slice.value, node.value))

        def visit_Call(self, node: cst.Call) -> None:
            func = node.func
            if (isinstance(func, cst.Attribute) and func.attr.value == "update" and isinstance(func.value, cst.Name)
                    and func.value.value in env and node.args and isinstance(node.args[0].value, cst.Dict)):
                for element in node.args[0].value.elements:
                    if isinstance(element, cst.DictElement):
                        env[func.value.value][1].append((element.key, element.value))

    collector = Collector()
    stack: list = [module]
    while stack:  # a plain pre-order walk: libcst's visitor machinery rebuilds every node
        node = stack.pop()
        if isinstance(node, cst.Assign):
            collector.visit_Assign(node)
        elif isinstance(node, cst.Call):
            collector.visit_Call(node)
        stack.extend(reversed(node.children))
    return env


def _is_dict_call(call: Any) -> bool:
    import libcst as cst

    return isinstance(call.func, cst.Name) and call.func.value == "dict" and all(a.keyword is not None for a in call.args)


class _Builder:
    def __init__(self, env: dict[str, list], ctx: Any):
        self.env = env
        self.ctx = ctx

    def span(self, node: Any):
        return self.ctx.positions.span(node)

    def node(self, expr: Any, depth: int, seen: tuple[str, ...] = ()) -> Any:
        import libcst as cst

        from sweeplint import pyexpr

        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, cst.Name) and expr.value in self.env and expr.value not in seen:
            base, updates = self.env[expr.value]
            return self.mapping(base, updates, depth, seen + (expr.value,), expr)
        if isinstance(expr, cst.Dict):
            return self.mapping(expr, [], depth, seen, expr)
        if isinstance(expr, cst.Call) and _is_dict_call(expr):
            pairs = [(cst.SimpleString(repr(a.keyword.value)), a.value) for a in expr.args]
            return self.mapping(None, pairs, depth, seen, expr, key_spans={id(p[0]): a.keyword for p, a in zip(pairs, expr.args)})
        if isinstance(expr, (cst.List, cst.Tuple)):
            items = []
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    return None
                item = self.node(element.value, depth + 1, seen)
                if item is None:
                    item = self.scalar(element.value, pyexpr.evaluate(element.value, self.ctx.constants))
                items.append(item)
            return YSeq(items, self.span(expr))
        value = pyexpr.evaluate(expr, self.ctx.constants)
        if isinstance(value, Opaque) or not pyexpr.is_known(value):
            return None
        if isinstance(value, (dict, list, tuple, frozenset)):
            return None
        return self.scalar(expr, value)

    def scalar(self, expr: Any, value: Any) -> YScalar:
        from sweeplint import pyexpr

        text = pyexpr.source(expr)
        quoted = text[:1] in ("'", '"') or text[:2].lower() in ("r'", 'r"', "u'", 'u"')
        tag = "tag:yaml.org,2002:" + _TAGS.get(type(value), "str")
        return YScalar(value, text, tag, quoted, self.span(expr))

    def mapping(self, base: Any, updates: list, depth: int, seen: tuple[str, ...], where: Any, key_spans: dict | None = None) -> YMap:
        import libcst as cst

        from sweeplint import pyexpr

        pairs: list = []
        index: dict[Any, int] = {}
        elements = []
        if base is not None:
            for element in base.elements:
                if isinstance(element, cst.DictElement):
                    elements.append((element.key, element.value))
                elif isinstance(element.value, cst.Name) and element.value.value in self.env:
                    inner = self.node(element.value, depth + 1, seen)
                    if isinstance(inner, YMap):
                        for k, v in inner.pairs:
                            index[k.value] = len(pairs)
                            pairs.append((k, v))
        elements.extend(updates)
        for key_expr, value_expr in elements:
            key_value = pyexpr.evaluate(key_expr, self.ctx.constants)
            if not isinstance(key_value, (str, int, float, bool)):
                continue
            key_node = (key_spans or {}).get(id(key_expr))
            key = YScalar(key_value, str(key_value), "tag:yaml.org,2002:str", True, self.span(key_node or key_expr))
            value = self.node(value_expr, depth + 1, seen)
            if value is None:
                continue
            if key_value in index:
                pairs[index[key_value]] = (key, value)
            else:
                index[key_value] = len(pairs)
                pairs.append((key, value))
        span = self.span(base if base is not None else where)
        return YMap(pairs, span)
