"""Where configuration values come from: config objects and their reads, argparse definitions,
and writes to the run's config (the config-reading half of the walk, as a mixin of the walker)."""

from __future__ import annotations

import re

import libcst as cst

from sweeplint.codefacts.cst_helpers import (
    ESCAPE_METHODS,
    Binding,
    Ref,
    child_nodes,
    plain,
    try_evaluate,
)
from sweeplint.codefacts.facts import ArgDef, ConfigWrite
from sweeplint.pyexpr import dotted

_WRAPPERS = {
    "dict", "vars", "copy", "deepcopy", "EasyDict", "edict", "AttrDict", "Munch", "munchify", "DotMap",
    "SimpleNamespace", "Namespace", "ConfigDict", "Box", "DictConfig", "create", "to_container", "to_object",
    "OmegaConf.create", "OmegaConf.to_container", "OmegaConf.to_object", "OmegaConf.structured",
}
_REF_METHODS = {"as_dict", "to_dict", "copy", "__dict__"}
_ARGS_FUNCTIONS = re.compile(r"(?:get|parse|load|read|build)_?(?:args|arguments|argparse|opts|options|flags|cli_args)\Z|\Aparse_args\Z")


class ConfigReadsMixin:
    def ref_of(self, node: cst.BaseExpression) -> Ref | None:
        """The config object (and key path) an expression denotes, if it denotes one."""
        if isinstance(node, cst.Name):
            b = self.lookup(node.value)
            return b.ref if b is not None else None
        if isinstance(node, cst.Attribute):
            attr = node.attr.value
            if attr == "hparams" and dotted(node.value) in ("info.trial", "det.get_cluster_info().trial"):
                return Ref("determined")  # Determined's Core API: det.get_cluster_info().trial.hparams
            if self.qualify(node) in ("wandb.config", "wandb.run.config"):
                self.uses_wandb = True
                return Ref("wandb")
            if attr == "config" and self._is_run(node.value):
                return Ref("wandb")
            if isinstance(node.value, cst.Name) and node.value.value == "self" and self.classes:
                if attr == "hparams":
                    return Ref("hparams")
                b = self.class_attrs.get(self.classes[-1], {}).get(attr)
                return b.ref if b is not None else None
            base = self.ref_of(node.value)
            if base is None or attr in ESCAPE_METHODS or attr in ("get", "update", "pop", "setdefault", "update", "as_dict", "to_dict", "copy"):
                return None
            if attr == "__dict__":
                return base
            return Ref(base.root, base.key + (attr,))
        if isinstance(node, cst.Subscript):
            base = self.ref_of(node.value)
            if base is None or len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return None
            ok, key = try_evaluate(node.slice[0].slice.value)
            if not ok:
                return None
            if isinstance(key, str):
                return Ref(base.root, base.key + (key,), "item")
            if isinstance(key, int):
                return Ref(base.root, base.key, base.how, base.default, base.has_default)
            return None
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in ("get_hparam", "get_hparams"):
                # Determined: context.get_hparam("lr"), context.get_hparams()["lr"]
                if func.attr.value == "get_hparams":
                    return Ref("determined")
                ok, key = try_evaluate(node.args[0].value) if node.args else (False, None)
                return Ref("determined", (key,), "get") if ok and isinstance(key, str) else None
            if isinstance(func, cst.Attribute):
                attr = func.attr.value
                base = self.ref_of(func.value)
                if base is not None:
                    if attr in ("get", "pop", "setdefault") and node.args:
                        ok, key = try_evaluate(node.args[0].value)
                        if ok and isinstance(key, str):
                            has, default = try_evaluate(node.args[1].value) if len(node.args) > 1 else (False, None)
                            return Ref(base.root, base.key + (key,), "get", default, has)
                        return None
                    if attr in _REF_METHODS:
                        return base
                    return None
            name = self.qualify(func)
            if name is None:
                source = source_call(node)
                if source == "argparse":
                    self.uses_argparse = True
                return Ref(source) if source else None
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "getattr" and len(node.args) >= 2:
                base = self.ref_of(node.args[0].value)
                ok, key = try_evaluate(node.args[1].value)
                if base is not None and ok and isinstance(key, str):
                    has, default = try_evaluate(node.args[2].value) if len(node.args) > 2 else (False, None)
                    return Ref(base.root, base.key + (key,), "getattr", default, has)
                return None
            if (name in _WRAPPERS or leaf in _WRAPPERS) and node.args:
                first = node.args[0]
                return self.ref_of(first.value)
            source = source_call(node)
            if source is not None:
                if source == "argparse":
                    self.uses_argparse = True
                if source == "hydra":
                    self.hydra_main = True
                return Ref(source)
            root = self.returns.get(leaf) if "." not in name or name.startswith(tuple(self.classes)) else None
            if root is None and _ARGS_FUNCTIONS.search(leaf):
                root = "argparse"
            if root is not None:
                return Ref(root)
        return None

    def config_update(self, node: cst.Call, base: Ref) -> None:
        allow = any(a.keyword is not None and a.keyword.value == "allow_val_change" and try_evaluate(a.value) == (True, True) for a in node.args)
        keys: tuple[str, ...] = ()
        all_args = unknown = False
        source = None
        positional = [a for a in node.args if a.keyword is None and not a.star]
        kwargs = [a.keyword.value for a in node.args if a.keyword is not None and a.keyword.value != "allow_val_change"]
        if positional:
            target = positional[0].value
            ok, value = try_evaluate(target)
            if ok and isinstance(value, dict):
                keys = tuple(str(k) for k in value)
            elif isinstance(target, cst.Dict):
                keys = tuple(
                    str(try_evaluate(e.key)[1]) for e in target.elements if isinstance(e, cst.DictElement) and try_evaluate(e.key)[0]
                )
                unknown = any(not isinstance(e, cst.DictElement) or not try_evaluate(e.key)[0] for e in target.elements)
            else:
                ref = self.ref_of(target)
                if ref is not None:
                    source = ref.root
                if ref is not None and ref.root == "argparse" and not ref.key:
                    all_args = True
                elif isinstance(target, cst.Name) and (self.lookup(target.value) or Binding()).marker == "metrics":
                    keys = tuple(info[0] for info in self.lookup(target.value).metric_keys if info[0])
                else:
                    unknown = True
                self.expr(target)
        keys = keys + tuple(kwargs)
        root = base.root
        self.writes.append(ConfigWrite(
            "update", self.span(node), root=root, keys=tuple(".".join(base.key + (k,)) for k in keys),
            all_args=all_args, unknown=unknown, allow_val_change=allow, source=source,
        ))

    def wandb_init(self, node: cst.Call) -> None:
        allow = False
        keys: tuple[str, ...] = ()
        all_args = unknown = False
        for a in node.args:
            if a.keyword is None:
                continue
            kw = a.keyword.value
            if kw == "allow_val_change":
                allow = try_evaluate(a.value) == (True, True)
            elif kw == "config":
                ok, value = try_evaluate(a.value)
                ref = self.ref_of(a.value)
                if ok and isinstance(value, dict):
                    keys = tuple(str(k) for k in value)
                elif ref is not None and ref.root == "argparse":
                    all_args = True
                else:
                    unknown = True
        if allow or keys or all_args or unknown:
            self.writes.append(ConfigWrite("init", self.span(node), "wandb", keys, all_args, unknown, allow))

    def add_argument(self, node: cst.Call) -> None:
        flags: list[str] = []
        kwargs: dict[str, cst.BaseExpression] = {}
        for a in node.args:
            if a.keyword is None:
                ok, value = try_evaluate(a.value)
                if ok and isinstance(value, str):
                    flags.append(value)
            else:
                kwargs[a.keyword.value] = a.value
        if not flags:
            return
        self.uses_argparse = True
        dest = None
        if "dest" in kwargs:
            ok, value = try_evaluate(kwargs["dest"])
            dest = value if ok and isinstance(value, str) else None
        if dest is None:
            long = [f for f in flags if f.startswith("--")]
            chosen = long[0] if long else flags[0]
            dest = chosen.lstrip("-").replace("-", "_")
        type_name = None
        if "type" in kwargs:
            type_name = dotted(kwargs["type"]) or self.code(kwargs["type"], 40)
        action = None
        if "action" in kwargs:
            ok, value = try_evaluate(kwargs["action"])
            action = value if ok and isinstance(value, str) else (dotted(kwargs["action"]) or None)
        has_default, default = try_evaluate(kwargs.get("default"))
        if action in ("store_true", "store_false") and "default" not in kwargs:
            has_default, default = True, action == "store_false"
        self.args.append(ArgDef(dest, tuple(flags), self.span(node), type_name, action, plain(default), has_default))


def _statements(body: cst.BaseSuite):
    """Simple statements of a function body, nested blocks included, nested functions excluded."""
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(node, cst.SimpleStatementLine):
            yield from node.body
        elif isinstance(node, cst.SimpleStatementSuite):
            yield from node.body
        else:
            stack.extend(reversed([c for c in child_nodes(node) if isinstance(c, (cst.BaseStatement, cst.BaseSuite, cst.Else, cst.ExceptHandler, cst.Finally, cst.MatchCase))]))


def returned_root(func: cst.FunctionDef) -> str | None:
    assigned: dict[str, str] = {}
    for small in _statements(func.body):
        if isinstance(small, cst.Assign):
            root = source_call(small.value)
            if root:
                for t in small.targets:
                    if isinstance(t.target, cst.Name):
                        assigned[t.target.value] = root
        elif isinstance(small, cst.Return) and small.value is not None:
            root = source_call(small.value)
            if root is None and dotted(small.value) in ("wandb.config", "wandb.run.config"):
                root = "wandb"
            if root is None and isinstance(small.value, cst.Name):
                root = assigned.get(small.value.value)
            if root:
                return root
    return None


def source_call(node: cst.BaseExpression) -> str | None:
    """The root a call creates: parser.parse_args() -> argparse, nni.get_next_parameter() -> nni..."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Call):
        node = node.value
    if not isinstance(node, cst.Call):
        return None
    name = dotted(node.func) or ""
    leaf = name.rsplit(".", 1)[-1] if name else (node.func.attr.value if isinstance(node.func, cst.Attribute) else "")
    if leaf in ("parse_args", "parse_known_args", "parse_intermixed_args"):
        return "argparse"
    if leaf in ("vars",) and node.args:
        return source_call(node.args[0].value)
    if leaf == "get_next_parameter" or name.endswith("nni.get_next_parameter"):
        return "nni"
    if leaf == "compose" and (name.startswith("hydra") or name == "compose"):
        return "hydra"
    return None
