"""Calls a value flows into: consumers of reads, constructor arguments, passes to functions (a walker mixin)."""

from __future__ import annotations

import re

import libcst as cst

from sweeplint.codefacts.cst_helpers import (
    ESCAPE_METHODS,
    HARMLESS_CONSUMERS,
    Binding,
    Collector,
    is_param,
    plain,
    try_evaluate,
)
from sweeplint.codefacts.facts import (
    CallArg,
    CallFact,
    Consumer,
    Escape,
    MetricLog,
    Pass,
)
from sweeplint.codefacts.names import AUTOLOGGERS, CONSTRUCTORS
from sweeplint.pyexpr import dotted
from sweeplint.records import replace

# Methods of a string value: calling one reads the value (and the result is computed from it).
STRING_METHODS = {"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title", "capitalize", "split",
                  "startswith", "endswith", "replace", "format", "isdigit", "isnumeric"}
# Local names that hold an optimizer: optimizer, optim, opt, g_optimizer, optimizer_g, ...
OPTIMIZER_NAME = re.compile(r"(?:\w+_)?(?:optimizer|optim|opt)(?:_\w+|\d*)")


class CallsMixin:
    # --- calls ---------------------------------------------------------------------------------

    def call(self, node: cst.Call) -> Binding | None:
        name = self.qualify(node.func)
        leaf = name.rsplit(".", 1)[-1] if name else (node.func.attr.value if isinstance(node.func, cst.Attribute) else None)
        func_text = name   # else the callee's code, spelled out only when a fact records it
        written = dotted(node.func)
        if written and written.startswith("self.") and self.classes:
            written = f"{self.classes[-1]}.{written[5:]}"
        result: Binding | None = None

        if isinstance(node.func, cst.Attribute):
            base = self.ref_of(node.func.value)
            if base is not None:
                attr = node.func.attr.value
                if attr == "update":
                    self.config_update(node, base)
                    return None
                if attr in ESCAPE_METHODS:
                    self.escape(base, node, f"its .{attr}() are used")
                    return None
                if attr in STRING_METHODS and (base.key or is_param(base)):
                    # `cfg.scheduler.type.lower()`: a read of the value, which the result carries on
                    read = self.expr(node.func.value)
                    for arg in node.args:
                        self.expr(arg.value)
                    return Binding(taint=read.taint) if read is not None else None
            elif node.func.attr.value not in ("log", "log_dict"):
                if node.func.attr.value == "update" and self._is_metrics(node.func.value) and node.args:
                    self.lookup(node.func.value.value).metric_keys.extend(self.key_infos_of_data(node.args[0].value))
                self.expr(node.func.value)

        if name in ("hydra.compose", "hydra.initialize", "hydra.initialize_config_dir", "hydra.initialize_config_module"):
            self.hydra_main = True
        if name == "wandb.init" or (name and name.startswith("wandb.")):
            self.uses_wandb = True
        if name == "wandb.init":
            self.wandb_init(node)
            # where the run starts, and under which conditions (a run started only behind a flag)
            self.calls.append(CallFact("wandb.init", self.span(node), (), tuple(self.conds)))
            result = Binding(marker="run")
        elif leaf == "load_state_dict" and self._built_optimizer(node.func):
            self.calls.append(CallFact(f"{node.func.value.value}.load_state_dict", self.span(node), (), tuple(self.conds)))
        elif leaf == "add_argument" and isinstance(node.func, cst.Attribute):
            self.add_argument(node)
        elif (name or "").startswith(("subprocess.", "os.system", "os.exec", "os.spawn")) or leaf in ("parse_args_into_dataclasses", "parse_json_file", "parse_yaml_file", "Fire"):
            self.escapes.append(Escape("*", (), self.span(node), "arguments handled by code we do not follow"))
        self.selection_call(node, name, leaf)
        logged = len(self.metrics)
        self.metric_call(node, name, leaf)
        if len(self.metrics) > logged:
            where = ".".join(self.qual)
            trips = self.trips_here()
            self.metrics[logged:] = [replace(m, in_loop=self.loop_depth > 0, loops=self.loop_depth, trips=trips, function=where)
                                     for m in self.metrics[logged:]]
        if leaf in AUTOLOGGERS and leaf != "Trainer" or (leaf == "Trainer" and any(
            a.keyword is not None and a.keyword.value in ("args",) for a in node.args
        )):
            self.metrics.append(MetricLog("framework", self.span(node), dynamic=True))

        # W&B's define_metric(key, summary=...) says which value of a metric the run's summary keeps
        recorded = leaf in CONSTRUCTORS or leaf == "define_metric"
        call_args: list[CallArg] = []
        position = 0
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            pos = None if keyword is not None or arg.star else position
            if keyword is None and not arg.star:
                position += 1
            collector = Collector()
            self.collectors.append(collector)
            try:
                value = self.expr(arg.value)
            finally:
                self.collectors.pop()
            if collector.direct or collector.via:
                line = self.line(node)
                func_text = func_text or self.code(node.func, 60)
                for index in collector.direct:
                    self._consume(index, Consumer(func_text, keyword, pos, line))
                for index, var in collector.via:
                    self._consume(index, Consumer(func_text, keyword, pos, line, via=var))
            if leaf == "bool" and name == "bool":
                for index in collector.direct + [i for i, _ in collector.via]:
                    self.reads[index]["bool_cast"] = True
            if value is not None and value.ref is not None and name not in ("wandb.init", "print") and leaf not in HARMLESS_CONSUMERS:
                callee = written or func_text or self.code(node.func, 60)
                self.passes.append(Pass(value.ref.root, value.ref.key, callee, self.span(arg), pos, keyword, arg.star))
            if recorded:
                reads = tuple(dict.fromkeys(
                    (self.reads[i]["root"], self.reads[i]["key"]) for i in collector.direct + [i for i, _ in collector.via]
                ))
                ok, literal = try_evaluate(arg.value)
                kind = "literal" if ok else "read" if reads else "expr"
                call_args.append(CallArg(keyword, pos, kind, self.code(arg.value, 80), self.span(arg.value), plain(literal) if ok else None, reads))
        if recorded:
            self.calls.append(CallFact(func_text or self.code(node.func, 60), self.span(node), tuple(call_args), tuple(self.conds)))
        return result

    def _built_optimizer(self, func: cst.BaseExpression) -> bool:
        """`optimizer.load_state_dict(...)` on an optimizer this very function built (a local named like
        one, not a parameter): its hyperparameters are replaced by the loaded ones."""
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)) or self.classes:
            return False
        local = func.value.value
        binding = self.scopes[-1].get(local)
        return binding is not None and binding.ref is None and OPTIMIZER_NAME.fullmatch(local) is not None

    def _consume(self, index: int, consumer: Consumer) -> None:
        existing = self.reads[index]["consumers"]
        if consumer not in existing:
            self.reads[index]["consumers"] = existing + (consumer,)
