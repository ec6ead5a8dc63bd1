"""Hyperparameters the program combines arithmetically: `lr = args.lr * args.batch_size / 256`.

The outermost arithmetic expression collects every read made inside it, also through locals
(`scaled = lr * bs` after `lr = cfg.lr; bs = cfg.batch_size`); two or more distinct keys make a
Derivation fact. String building (`cfg.name + "_" + cfg.tag`, `"%s" % cfg.x`) is not arithmetic.
(A mixin of the walker.)
"""

from __future__ import annotations

import libcst as cst

from sweeplint.codefacts.cst_helpers import Binding, Collector
from sweeplint.codefacts.facts import Derivation

ARITHMETIC = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Power, cst.Modulo)
AUGMENTED = (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign, cst.DivideAssign, cst.FloorDivideAssign, cst.PowerAssign)
_TEXT = (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)


class DerivationsMixin:
    def arithmetic(self, node: cst.BinaryOperation) -> None:
        if self.in_arithmetic or not isinstance(node.operator, ARITHMETIC) or _builds_text(node):
            self.generic(node)
            return
        self.in_arithmetic = True
        collector = Collector()
        self.collectors.append(collector)
        try:
            self.generic(node)
        finally:
            self.collectors.pop()
            self.in_arithmetic = False
        self.derivation(self.collected_keys(collector), node)

    def augmented(self, node: cst.AugAssign) -> None:
        """`args.lr *= args.batch_size / 256`: the target key is combined with the value's reads."""
        collector = Collector()
        self.collectors.append(collector)
        try:
            self.expr(node.value)
        finally:
            self.collectors.pop()
        if not isinstance(node.operator, AUGMENTED) or isinstance(node.value, _TEXT):
            return
        keys = self.collected_keys(collector)
        target = self.ref_of(node.target)
        if target is not None and target.key:
            keys = tuple(dict.fromkeys(((target.root, target.key),) + keys))
        elif isinstance(node.target, cst.Name):
            binding = self.lookup(node.target.value)
            held = self.held_split(node.value)  # `correct += (pred == y_test).sum()`
            if binding is None and held:
                self.bind(node.target.value, Binding(split=held))
            elif binding is not None and not binding.split:
                binding.split = held
            if binding is not None and binding.taint:
                keys = tuple(dict.fromkeys(tuple((self.reads[i]["root"], self.reads[i]["key"]) for i in binding.taint) + keys))
        self.derivation(keys, node)

    def collected_keys(self, collector: Collector) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple(dict.fromkeys(
            (self.reads[i]["root"], self.reads[i]["key"]) for i in collector.direct + [i for i, _ in collector.via]
        ))

    def derivation(self, keys: tuple, node: cst.CSTNode) -> None:
        if len(keys) >= 2:
            self.derivations.append(Derivation(keys, self.span(node), self.code(node, 80)))


def _builds_text(node: cst.BaseExpression) -> bool:
    """An operand of the +/% chain is a string literal: the expression formats or joins text."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, _TEXT):
            return True
        if isinstance(current, cst.BinaryOperation):
            stack.extend((current.left, current.right))
    return False
