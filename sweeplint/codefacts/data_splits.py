"""Which data a logged value was computed on, and which metric picks the best configuration.

A value is on *test* data when the expression (or a local it was assigned from, followed through
simple assignments, loops over a loader and a call's arguments) names test data: `x_test`,
`test_loader`, `testset`, `data["test"]`, `load_dataset(..., split="test")`, `MNIST(..., train=False)`.
It is on *training* data when it is named so itself (`train_loss`, `train_acc`, an argument
`train_loader`), or is a loss or accuracy logged inside a training step. A validation name wins
over a training one, so `evaluate(model, val_loader)` with `model` fitted earlier is neither.
Training evidence is not carried through assignments: `model = fit(model, train_loader)` makes
`model` no training metric.
(A mixin of the walker.)
"""

from __future__ import annotations

import re

import libcst as cst

from sweeplint.codefacts.cst_helpers import child_nodes, try_evaluate
from sweeplint.codefacts.facts import Selection
from sweeplint.codefacts.queries import tokens
from sweeplint.model import Span
from sweeplint.pyexpr import IsInstance

TEST_WORDS = {"test", "tests", "testing", "heldout", "holdout"}
VAL_WORDS = {"val", "valid", "validation", "dev", "eval", "evaluation"}
TRAIN_WORDS = {"train", "training"}
# `testloader`, `testset`, `trainloader`: a split word glued to a data word.
_GLUED = re.compile(r"(test|train|val|valid)(loader|loaders|set|sets|data|dataset|ds|x|y|iter|dl|batch|batches|gen|acc|loss)\Z")
_SPLIT_KEYWORDS = {"split", "subset", "mode", "partition", "stage", "phase", "set_name"}
TRAIN_STEPS = {"training_step", "train_step", "train_one_epoch", "train_epoch", "train_batch", "training_epoch_end",
               "on_train_epoch_end", "train_loop"}
TEST_STEPS = {"test_step", "test_epoch_end", "on_test_epoch_end", "test_one_epoch", "test_epoch", "test_loop"}
_STEP_VALUES = {"loss", "acc", "accuracy", "error", "err"}
_SELECTORS = {"get_best_config", "get_best_result", "get_best_trial", "get_best_checkpoint", "get_best_logdir"}
# Methods that apply a fitted model to the data they are given: the receiver is the model, and the
# data it was fitted or validated on says nothing about the data the result is computed on.
_APPLY_MODEL = {"predict", "predict_proba", "predict_log_proba", "decision_function", "evaluate", "score", "transform"}
# Keywords that hand a fit the data it monitors (early stopping): the fitted model they return is
# not data of that split.
_FIT_MONITOR = {"valid_sets", "eval_set", "validation_data", "val_dataloaders", "validation_split"}
# A file or directory name that says which split it holds: `'data/Test Data'`, `'test.csv'`.
_PATH_TAIL = re.compile(r"[^/\\]+\Z")
_INNER = IsInstance(cst.BaseExpression, cst.BaseElement, cst.BaseDictElement, cst.Arg, cst.CompFor, cst.CompIf,
                    cst.FormattedStringExpression, cst.ComparisonTarget, cst.SubscriptElement, cst.Index)
_MAX_NODES = 400  # a logged value is a small expression; stop early on a huge one


_WORD_SPLITS: dict[str, str | None] = {}   # the same few hundred names come back all the time


def word_split(word: str) -> str | None:
    """"test", "val" or "train" for a name or string that says which data it is about."""
    try:
        return _WORD_SPLITS[word]
    except KeyError:
        pass
    if len(_WORD_SPLITS) > 20_000:
        _WORD_SPLITS.clear()
    found = _WORD_SPLITS[word] = _word_split(word)
    return found


def _word_split(word: str) -> str | None:
    found = None
    for t in tokens(word):
        glued = _GLUED.match(t)
        kind = glued.group(1) if glued else t
        if kind in TEST_WORDS:
            return "test"
        if kind in VAL_WORDS:
            found = "val"
        elif kind in TRAIN_WORDS and found is None:
            found = "train"
    return found


def decide(evidence: list[tuple[str, Span]]) -> tuple[str | None, Span | None]:
    """Test data (with no validation name beside it) first, then validation, then training."""
    kinds = {k for k, _ in evidence}
    for kind in ("test", "val", "train"):
        if kind in kinds and not (kind == "test" and "val" in kinds):
            return kind, next(s for k, s in evidence if k == kind)
    return None, None


def _deciding(evidence: list[tuple[str, object]], span) -> tuple[str | None, Span | None]:
    """`decide` on evidence that holds nodes where it has no span yet: only the evidence that
    decides is placed (`span` places a node)."""
    kind, where = decide(evidence)  # type: ignore[arg-type]
    if where is not None and not isinstance(where, Span):
        where = span(where)
    return kind, where


class SplitsMixin:
    def split_evidence(self, node: cst.BaseExpression | None) -> list[tuple[str, Span | cst.CSTNode]]:
        """(kind, span or node) for each place in an expression that names a data split (the node
        where the place is in the expression: its span is computed only when it decides)."""
        out: list[tuple[str, Span | cst.CSTNode]] = []
        if node is None:
            return out
        stack: list[cst.CSTNode] = [node]
        seen = 0
        while stack and seen < _MAX_NODES:
            current = stack.pop()
            seen += 1
            node_type = type(current)  # libcst's concrete node classes have no subclasses
            if node_type is cst.Name:
                binding = self.lookup(current.value)
                if binding is not None and binding.split:
                    out.append(binding.split)  # where the local came from says more than its name
                    continue
                kind = word_split(current.value)
                if kind is not None:
                    out.append((kind, current))
                continue
            if node_type is cst.Attribute:
                kind = word_split(current.attr.value)
                if kind is not None:
                    out.append((kind, current.attr))
                else:
                    # `self.monitor_ds`, assigned a test dataset earlier in the class; a field named
                    # after a split keeps its name (`self.train_ds, self.val_ds = random_split(...)`)
                    held = self._held_attribute(current)
                    if held:
                        out.append(held)
                        continue
                stack.append(current.value)
                continue
            if node_type is cst.Call:
                out.extend(self._call_split(current))
                func = current.func
                positional = any(a.keyword is None for a in current.args)
                if isinstance(func, cst.Attribute) and not (func.attr.value in _APPLY_MODEL and positional):
                    # `test_losses.mean()`, `trainer.evaluate()` (on the data the trainer holds); a
                    # plain function name says nothing
                    stack.append(func.value)
                stack.extend(a.value for a in current.args if a.keyword is None or a.keyword.value not in _FIT_MONITOR)
                continue
            if node_type is cst.Subscript:
                for element in current.slice:
                    if isinstance(element.slice, cst.Index):
                        ok, key = try_evaluate(element.slice.value)
                        kind = word_split(key) if ok and isinstance(key, str) else None
                        if kind is not None:
                            out.append((kind, element.slice.value))
                stack.append(current.value)
                continue
            if node_type is cst.Lambda or node_type is cst.FunctionDef:
                continue
            stack.extend(c for c in child_nodes(current) if _INNER[type(c)])
        return out

    def _held_attribute(self, node: cst.Attribute) -> tuple[str, Span] | tuple[()]:
        """The split held by `self.<attr>` of the enclosing class, when it was assigned one."""
        if not (isinstance(node.value, cst.Name) and node.value.value == "self" and self.classes):
            return ()
        binding = self.class_attrs.get(self.classes[-1], {}).get(node.attr.value)
        return binding.split if binding is not None and binding.split else ()

    def _call_split(self, node: cst.Call) -> list[tuple[str, cst.CSTNode]]:
        out = []
        leaf = (self.qualify(node.func) or "").rsplit(".", 1)[-1]
        for a in node.args:
            if a.keyword is None:
                kind = _path_split(a.value)
                if kind is not None:
                    out.append((kind, a.value))
                continue
            ok, value = try_evaluate(a.value)
            if not ok:
                continue
            if a.keyword.value in _SPLIT_KEYWORDS and isinstance(value, str):
                kind = word_split(value)
                if kind is not None:
                    out.append((kind, a))
            elif a.keyword.value == "train" and value is False and (leaf[:1].isupper() or word_split(leaf) is None and "data" in leaf.lower()):
                out.append(("test", a))  # a dataset class built with train=False
        return out

    def held_split(self, node: cst.BaseExpression | None) -> tuple[str, Span] | tuple[()]:
        """The split a local assigned from this expression keeps: test or validation only."""
        kind, span = _deciding(self.split_evidence(node), self.span)
        return (kind, span) if kind in ("test", "val") else ()

    def value_split(self, node: cst.BaseExpression | None) -> tuple[str | None, Span | None]:
        """("test" | "train", evidence span) for a logged value, or (None, None)."""
        if node is None:
            return None, None
        evidence = self.split_evidence(node)
        step = self.qual[-1] if self.qual else ""
        if step in TRAIN_STEPS | TEST_STEPS and any(t in _STEP_VALUES for t in tokens(self.code(node, 200))):
            evidence.append(("train" if step in TRAIN_STEPS else "test", node))
        kind, span = _deciding(evidence, self.span)
        return (kind, span) if kind in ("test", "train") else (None, None)

    def selection_call(self, node: cst.Call, name: str | None, leaf: str | None) -> None:
        """`get_best_result(metric="test_acc")`, `max(results, key=lambda r: r["test_acc"])`."""
        if leaf in _SELECTORS:
            arg = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "metric"), None)
            if arg is None and node.args and node.args[0].keyword is None:
                arg = node.args[0].value
            ok, metric = try_evaluate(arg)
            if ok and isinstance(metric, str):
                self.selections.append(Selection(name or leaf, metric, self.span(arg)))
        elif name in ("max", "min", "sorted"):
            key = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "key"), None)
            if isinstance(key, cst.Lambda):
                found = _named_metric(key.body)
                if found is not None:
                    self.selections.append(Selection(name, found[0], self.span(found[1])))


def _path_split(node: cst.BaseExpression) -> str | None:
    """"test" or "val" for a literal path whose last part names the split (`'data/Test Data'`,
    `'test.csv'`); only the last part, so `'/home/test/data/train.csv'` is not test data."""
    ok, value = try_evaluate(node)
    if not ok or not isinstance(value, str) or not ("/" in value or "\\" in value or re.search(r"\.\w{2,5}\Z", value)):
        return None
    tail = _PATH_TAIL.search(value.rstrip("/\\"))
    if tail is None:
        return None
    kind = word_split(re.sub(r"\.\w{2,5}\Z", "", tail.group(0)))
    return kind if kind in ("test", "val") else None


def _named_metric(body: cst.BaseExpression) -> tuple[str, cst.CSTNode] | None:
    """The metric a key function reads: `r["acc"]`, `r.metrics["acc"]`, `r.get("acc")`, `-r["loss"]`."""
    if isinstance(body, cst.UnaryOperation):
        body = body.expression
    if isinstance(body, cst.Subscript) and len(body.slice) == 1 and isinstance(body.slice[0].slice, cst.Index):
        ok, key = try_evaluate(body.slice[0].slice.value)
        return (key, body.slice[0].slice.value) if ok and isinstance(key, str) else None
    if isinstance(body, cst.Call) and isinstance(body.func, cst.Attribute) and body.func.attr.value == "get" and body.args:
        ok, key = try_evaluate(body.args[0].value)
        return (key, body.args[0].value) if ok and isinstance(key, str) else None
    return None
