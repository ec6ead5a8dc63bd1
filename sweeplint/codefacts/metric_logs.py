"""Metrics the program logs or reports (wandb.log, self.log, tune.report, summaries, printed key=value),
as a mixin of the walker."""

from __future__ import annotations

import re

import libcst as cst

from sweeplint.codefacts.cst_helpers import try_evaluate
from sweeplint.codefacts.data_splits import word_split
from sweeplint.codefacts.facts import MetricLog
from sweeplint.pyexpr import dotted

_PRINTS = {"print", "info", "debug", "warning", "write"}
DETERMINED_VALIDATION = ("evaluate_batch", "evaluate_full_dataset")
DETERMINED_REPORTS = ("report_validation_metrics", "report_training_metrics")
# A metric key as (key, pattern, dynamic, span, value text, (split, split span)); this one: not known.
_UNKNOWN_KEY = (None, None, True, None, None, (None, None))
_KATIB = re.compile(r"([\w|-]+)\s*=\s*(?:\x00|\{[^}]*\}|%[-+ #0-9.]*[sdifgeEr]|[-+]?\d|$)")


class MetricLogsMixin:
    # --- metrics -------------------------------------------------------------------------------

    def trips_here(self) -> int | None:
        """How often the loops of the current function around this statement run in all, when
        literals fix every one of them (a metric reported in `for epoch in range(10)`: 10)."""
        if self.loop_depth == 0:
            return None
        total = 1
        for trips in self.loop_trips[-self.loop_depth:]:
            if trips is None:
                return None
            total *= trips
        return total

    def determined_return(self, node: cst.Return) -> bool:
        """Determined's Trial API: evaluate_batch / evaluate_full_dataset return the validation
        metrics (the searcher's metric among them); build_validation_data_loader says which data
        they are computed on. True when the return was one of these."""
        function = self.qual[-1] if self.qual else ""
        if function in DETERMINED_VALIDATION and node.value is not None:
            for key, pattern, dynamic, kspan, text, (split, where) in self.key_infos_of_data(node.value):
                self.metrics.append(MetricLog("determined", kspan or self.span(node.value), key=key, pattern=pattern,
                                              dynamic=dynamic, value=text, split=split, split_span=where,
                                              function=".".join(self.qual)))
            return True
        if function == "build_validation_data_loader" and node.value is not None:
            split, where = self.value_split(node.value)
            if split == "test":
                self.validation_data = (split, where)
            return True
        return False

    def returned_metric(self, node: cst.Return) -> None:
        """A function that returns a value computed on test or training data (an Optuna objective
        returning its test accuracy): recorded as a `return` metric named after what it returns,
        only when the data split is known, so a returned value never stands in for a logged one.
        Only objectives count: functions that take Optuna's `trial` (a training step's returned
        loss is not what the search optimizes)."""
        if node.value is None or not self.qual or not self.scopes or "trial" not in self.scopes[-1]:
            return
        split, where = self.value_split(node.value)
        if split is None:
            return
        key = None
        if isinstance(node.value, cst.Name):
            key = node.value.value
        elif isinstance(node.value, cst.Attribute):
            key = node.value.attr.value
        self.metrics.append(MetricLog("return", self.span(node.value), key=key, value=self.code(node.value, 80),
                                      split=split, split_span=where, function=".".join(self.qual)))

    def metric_call(self, node: cst.Call, name: str | None, leaf: str | None) -> None:
        func = node.func
        if leaf in ("compile", "fit") and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            self.keras_progress(node, leaf, func.value.value)
        api = None
        if name in ("wandb.log", "wandb.run.log") or (
            isinstance(func, cst.Attribute) and func.attr.value == "log" and self._is_run(func.value)
        ):
            api = "wandb.log"
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self" and func.attr.value in ("log", "log_dict"):
            api = "self." + func.attr.value
        elif name and (name.endswith(("tune.report", "session.report", "train.report")) or name in ("ray.train.report", "ray.tune.report")):
            api = "tune.report"
        elif name == "nni.report_final_result":
            api = "nni"
        elif name == "nni.report_intermediate_result":
            api = "nni.intermediate"  # seen by assessors only; tuners take the final result
        elif leaf in DETERMINED_REPORTS:
            api = "determined"
        elif isinstance(func, cst.Attribute) and func.attr.value == "update" and isinstance(func.value, cst.Attribute) and func.value.attr.value == "summary":
            api = "summary"
        elif leaf in _PRINTS and (name == "print" or (name or "").split(".")[0] in ("logging", "logger", "log", "LOGGER", "_logger", "sys")):
            self.stdout_metrics(node)
            return
        elif isinstance(func, cst.Attribute) and func.attr.value in ("log", "log_metrics", "log_dict") and node.args and (
            isinstance(node.args[0].value, cst.Dict) or self._is_metrics(node.args[0].value)
        ):
            api = "wandb.log"  # a logger or tracker fed a dict of metrics (accelerator.log, logger.log_metrics...)
        if api is None:
            return
        span = self.span(node)
        if api in ("nni", "nni.intermediate"):
            split, where = self.value_split(node.args[0].value) if node.args else (None, None)
            self.metrics.append(MetricLog(api, span, key="default", split=split, split_span=where))
            return
        if api == "self.log":
            key_node = node.args[0].value if node.args and node.args[0].keyword is None else next(
                (a.value for a in node.args if a.keyword is not None and a.keyword.value == "name"), None)
            value_node = node.args[1].value if len(node.args) > 1 and node.args[1].keyword is None else next(
                (a.value for a in node.args if a.keyword is not None and a.keyword.value == "value"), None)
            self.metrics.append(self.metric_from_key_node(key_node, api, node, value_node))
            return
        data = None
        for a in node.args:
            if a.keyword is None and not a.star:
                data = a.value
                break
            if a.keyword is not None and a.keyword.value in ("data", "metrics", "dictionary", "row"):
                data = a.value
                break
        kw_keys = [a for a in node.args if a.keyword is not None and api == "tune.report" and a.keyword.value not in ("metrics", "checkpoint")]
        for a in kw_keys:
            split, where = self.value_split(a.value)
            self.metrics.append(MetricLog(api, self.span(a.keyword), key=a.keyword.value, split=split, split_span=where))
        if data is None:
            if not kw_keys:
                self.metrics.append(MetricLog(api, span, dynamic=True))
            return
        for key, pattern, dynamic, kspan, text, (split, where) in self.key_infos_of_data(data):
            self.metrics.append(MetricLog(api, kspan or span, key=key, pattern=pattern, dynamic=dynamic, value=text,
                                          split=split, split_span=where))

    def keras_progress(self, node: cst.Call, leaf: str, model: str) -> None:
        """Keras prints the loss and the compiled metrics of each epoch in its progress bar
        (`accuracy: 0.91`): `model.compile(metrics=["accuracy"])` then `model.fit(x, y)` shows them,
        computed on the training data, and `val_`-prefixed ones when the fit has validation data."""
        compiled = self.keras_metrics
        if leaf == "compile":
            names = ["loss"]
            for a in node.args:
                if a.keyword is not None and a.keyword.value == "metrics":
                    ok, value = try_evaluate(a.value)
                    if not ok or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                        return  # metric objects: their names are not known here
                    names += list(value)
            compiled[model] = names
            return
        names = compiled.get(model)
        if names is None:
            return
        keywords = {a.keyword.value for a in node.args if a.keyword is not None}
        validated = bool(keywords & {"validation_data", "validation_split"})
        span = self.span(node)
        for key in names:
            self.metrics.append(MetricLog("keras-progress", span, key=key, split="train", split_span=span))
            if validated:
                self.metrics.append(MetricLog("keras-progress", span, key="val_" + key))

    def key_infos_of_data(self, data: cst.BaseExpression) -> list:
        if isinstance(data, cst.Dict):
            return self.dict_keys(data)
        if isinstance(data, cst.Name):
            b = self.lookup(data.value)
            if b is not None and b.marker == "metrics":
                return list(b.metric_keys) or [_UNKNOWN_KEY]
        if isinstance(data, cst.Call) and dotted(data.func) == "dict":
            out = [(a.keyword.value, None, False, self.span(a.keyword), self.code(a.value, 80), self.value_split(a.value))
                   for a in data.args if a.keyword is not None]
            if any(a.keyword is None for a in data.args):
                out.append(_UNKNOWN_KEY)
            return out
        return [_UNKNOWN_KEY]

    def dict_keys(self, node: cst.Dict) -> list:
        out = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                out.extend(self.key_infos(element.key, element.value))
            else:
                inner = element.value
                out.extend(self.key_infos_of_data(inner) if isinstance(inner, (cst.Name, cst.Dict)) else [_UNKNOWN_KEY])
        return out

    def key_infos(self, node: cst.BaseExpression | None, value: cst.BaseExpression | None = None) -> list:
        text = self.code(value, 80) if value is not None else None
        split = self.value_split(value)
        if node is None:
            return [(None, None, True, None, text, split)]
        ok, key = try_evaluate(node)
        if ok and isinstance(key, str):
            return [(key, None, False, self.span(node), text, split)]
        if isinstance(node, cst.FormattedString):
            pattern = "".join(
                re.escape(part.value) if isinstance(part, cst.FormattedStringText) else ".+" for part in node.parts
            )
            return [(None, pattern, True, self.span(node), text, split)]
        return [(None, None, True, self.span(node), text, split)]

    def metric_from_key_node(self, key_node: cst.BaseExpression | None, api: str, node: cst.CSTNode,
                             value: cst.BaseExpression | None = None) -> MetricLog:
        key, pattern, dynamic, kspan, text, (split, where) = self.key_infos(key_node, value)[0]
        return MetricLog(api, kspan or self.span(node), key=key, pattern=pattern, dynamic=dynamic, value=text,
                         split=split, split_span=where)

    def _message_assignments(self) -> dict[str, list[cst.BaseExpression]]:
        """The values assigned to each name anywhere in the module (found once, on demand)."""
        found = getattr(self, "_messages", None)
        if found is None:
            found = self._messages = _assignments(self.module)
        return found

    def stdout_metrics(self, node: cst.Call) -> None:
        """`key=value` lines a StdOut metrics collector parses, each with the data its value was
        computed on: the formatted value right after `key=`, else the words leading the line
        (`"Test set: accuracy={}"`)."""
        pieces = []
        values: list[cst.BaseExpression | None] = []
        for a in node.args:
            if a.keyword is not None:
                continue
            printed = a.value
            if isinstance(printed, cst.Name):
                found = self._message_assignments().get(printed.value, [])
                if len(found) == 1 and _is_message(found[0]):
                    printed = found[0]  # `msg = "loss={}".format(...)`; print(msg): the name's only value
            text, formatted = _static_text_values(printed)
            pieces.append(text)
            values.extend(formatted)
        text = " ".join(pieces)
        if "=" not in text:
            return
        matches = list(_KATIB.finditer(text))
        lead = word_split(text[:matches[0].start()]) if matches else None
        for m in matches:
            split, where = None, None
            slot = text.find("\x00", m.end(1))
            if slot != -1 and _is_next_value(text, m, slot):
                index = text.count("\x00", 0, slot)
                if index < len(values) and values[index] is not None:
                    split, where = self.value_split(values[index])
            if split == "train" and lead == "val":
                split, where = None, None  # "Validation: loss=..." of a value we cannot place
            elif split is None and lead in ("test", "train"):
                split, where = lead, self.span(node)
            self.metrics.append(MetricLog("stdout", self.span(node), key=m.group(1), split=split, split_span=where))


_NESTED = ("body", "handlers", "orelse", "finalbody", "cases")  # in source order


def _assignments(module: cst.Module) -> dict[str, list[cst.BaseExpression]]:
    """Every value assigned to each plain name of a module (`name = value` statements).

    An assignment is a statement, so only statements are walked, never into expressions: a visitor
    over every node of the module cost more than the rest of the walk."""
    found: dict[str, list[cst.BaseExpression]] = {}
    pending: list = list(module.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in reversed(node.body):
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                    found.setdefault(small.targets[0].target.value, []).append(small.value)
        elif isinstance(node, cst.BaseSuite):
            pending.extend(node.body)
        else:  # a compound statement, or an else/except/finally/case part of one
            for name in _NESTED:
                part = getattr(node, name, None)
                if isinstance(part, (list, tuple)):
                    pending.extend(part)
                elif isinstance(part, cst.CSTNode):
                    pending.append(part)
    for values in found.values():
        values.reverse()  # the walk above meets the statements last first: back to source order
    return found


def _is_message(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.FormattedString):
        return True
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return isinstance(node.func.value, (cst.SimpleString, cst.ConcatenatedString))
    return isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo) and isinstance(node.left, cst.SimpleString)


def fixed_trips(node: cst.For | cst.While) -> int | None:
    """The trip count of `for ... in range(<literals>)`; None for any other loop."""
    if not isinstance(node, cst.For) or not isinstance(node.iter, cst.Call) or dotted(node.iter.func) != "range":
        return None
    bounds = []
    for a in node.iter.args:
        ok, value = try_evaluate(a.value)
        if a.keyword is not None or a.star or not ok or not isinstance(value, int) or isinstance(value, bool):
            return None
        bounds.append(value)
    if not 1 <= len(bounds) <= 3 or (len(bounds) == 3 and bounds[2] == 0):
        return None
    return len(range(*bounds))


def _is_next_value(text: str, match: re.Match, slot: int) -> bool:
    """The formatted value at `slot` is the one written right after `key=` (only a format spec between)."""
    return re.fullmatch(r"\s*=\s*", text[match.end(1):slot]) is not None


def _static_text_values(node: cst.BaseExpression) -> tuple[str, list[cst.BaseExpression | None]]:
    """The printed text (as _static_text) and, in order, the expression formatted in at each \\x00
    (None where it is not known)."""
    text = _static_text(node)
    values: list[cst.BaseExpression | None] = []
    if isinstance(node, cst.FormattedString):
        values = [p.expression for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
    elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        ok, template = try_evaluate(node.func.value)
        fields = re.findall(r"\{([^{}]*)\}", template) if ok and isinstance(template, str) else []
        if fields and all(not f.split(":")[0].strip() for f in fields):  # only automatic `{}` fields
            text, values = re.sub(r"\{[^{}]*\}", "\x00", template), positional[:len(fields)]
    elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        right = node.right
        ok, template = try_evaluate(node.left)
        if ok and isinstance(template, str):
            text = re.sub(r"%[-+ #0-9.]*[sdifgeEr]", "\x00", template)
            values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
    if values and len(values) != text.count("\x00"):
        values = []  # the placeholders and the values do not line up: say nothing
    return text, values


def _static_text(node: cst.BaseExpression) -> str:
    """The literal text of a printed expression, with \\x00 where a value is formatted in."""
    ok, value = try_evaluate(node)
    if ok and isinstance(value, str):
        return value
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else "\x00" for p in node.parts)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Modulo)):
        left = _static_text(node.left)
        return left if isinstance(node.operator, cst.Modulo) else left + _static_text(node.right)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return _static_text(node.func.value)
    return "\x00"
