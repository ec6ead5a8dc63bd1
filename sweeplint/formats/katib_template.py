"""The trial template of a Katib Experiment: the command its primary container runs, split into
words with their own spans, and the trialParameters bindings with the ${trialParameters.x} uses of
the trial spec (what SL405 checks). The command splitting is shared by the Determined and NNI readers.
"""

from __future__ import annotations

import re
import shlex

from sweeplint.formats.nodes import key_text, lit, text_of, type_name
from sweeplint.model import Lit, Span, TrialBinding, TrialTemplate
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

TRIAL_PARAMETER_KEYS = ("name", "description", "reference")
_TRIAL_PARAMETER_USE = re.compile(r"\$\{trialParameters\.([^}]*)\}")
_SHELL_WORDS = re.compile(r"[^ \t\r\n]+")  # the shell splitter's words: its whitespace is these four


def command_tokens(node: Any, text: str) -> tuple[Lit, ...]:
    """The words of a command given as a list and/or shell strings, each with its own span.

    A single-line string such as `python3 train.py --lr=${x}` is split like a shell would; when a
    word cannot be located in the source (escapes, folded scalars) it gets the whole string's span.
    """
    items = node.items if isinstance(node, YSeq) else [node]
    out: list[Lit] = []
    lines: list[str] | None = None  # the text's lines, split when a word is first located
    for item in items:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            out.append(lit(item))
            continue
        value = item.value
        if not value.strip():
            words = []
        elif "'" not in value and '"' not in value and "\\" not in value:
            words = _SHELL_WORDS.findall(value)  # no quoting or escapes: what the shell split gives, without its lexer
        else:
            try:
                words = shlex.split(value, comments=False, posix=True)
            except ValueError:
                words = value.split()
        if len(words) <= 1:
            out.append(lit(item) if not words or words[0] == value else Lit(words[0], item.span, words[0], item.quoted))
            continue
        span = item.span
        if lines is None:
            lines = text.splitlines()
        source = lines[span.line - 1] if span.line == span.end_line and 0 < span.line <= len(lines) else None
        segment = source[span.column - 1 : span.end_column - 1] if source is not None else None
        at = 0
        for word in words:
            found = segment.find(word, at) if segment is not None else -1
            if found < 0:
                out.append(Lit(word, item.span, word, item.quoted))
                continue
            column = span.column + found
            out.append(Lit(word, Span(span.line, column, span.line, column + len(word)), word, item.quoted))
            at = found + len(word)
    return tuple(out)


class TrialTemplateReading:
    """The trial-template part of the Katib reader's builder (a Collector with `ctx`)."""

    def trial_parameters(self, template: YMap) -> TrialTemplate | None:
        """The trialParameters bindings and the ${trialParameters.x} uses of the trial spec, for SL405."""
        node = template.get("trialParameters")
        if node is None:
            return None
        if not isinstance(node, YSeq):
            self.problem(node, f"trialTemplate.trialParameters must be a list of {{name, reference}}, not {type_name(node)}")
            return None
        scalars = _template_scalars(template)
        texts = [str(scalar.text) for scalar in scalars] if scalars is not None else None
        spec_text = "\n".join(texts) if texts is not None else None
        bindings = []
        for item in node.items:
            if not isinstance(item, YMap):
                self.problem(item, "each trialParameters entry must be a mapping with name and reference")
                continue
            self.check_keys(item, TRIAL_PARAMETER_KEYS, "trialTemplate.trialParameters")
            name_node, ref_node = item.get("name"), item.get("reference")
            name, ref = text_of(name_node), text_of(ref_node)
            used = None if spec_text is None or not name else "${trialParameters." + name + "}" in spec_text
            bindings.append(TrialBinding(lit(name_node) if name else None, lit(ref_node) if ref else None, item.span, used))
        trial_spec = template.get("trialSpec")
        if isinstance(trial_spec, YMap):
            missing = [k for k in ("apiVersion", "kind") if trial_spec.get(k) is None]
            if missing:
                self.problem(trial_spec, f"the trialSpec has no {' or '.join(missing)}: Katib creates each trial as the "
                                         "Kubernetes resource it describes (a batch/v1 Job, a PyTorchJob...), so it cannot "
                                         "start one")
        placeholders = []
        if spec_text is not None:
            for used_name in sorted(set(_TRIAL_PARAMETER_USE.findall(spec_text))):
                needle = "${trialParameters." + used_name + "}"
                where = next((scalar for scalar, text in zip(scalars, texts) if needle in text), trial_spec)
                placeholders.append(Lit(used_name, where.span))
        return TrialTemplate(tuple(bindings), tuple(placeholders))

    def trial_command(self, template: YMap) -> tuple[tuple[Lit, ...], Span] | None:
        spec = template.get("trialSpec")
        if not isinstance(spec, YMap):
            return None
        primary = text_of(template.get("primaryContainerName"))
        containers = [c for c in _containers(spec) if isinstance(c, YMap)]
        chosen = next((c for c in containers if primary and text_of(c.get("name")) == primary), None)
        if chosen is None:
            chosen = next((c for c in containers if c.get("command") is not None or c.get("args") is not None), None)
        if chosen is None:
            return None
        words: list[Lit] = []
        span = None
        for key in ("command", "args"):
            node = chosen.get(key)
            if node is None:
                continue
            words.extend(command_tokens(node, self.ctx.text))
            span = node.span if span is None else span.cover(node.span)
        return (tuple(words), span) if span is not None else None


def _containers(node: Any, depth: int = 0):
    """Every `containers:` list item under a trial spec (Job, TFJob, PyTorchJob...)."""
    if depth > 40:
        return
    if isinstance(node, YMap):
        for key, value in node.items():
            if key_text(key) in ("containers", "initContainers") and isinstance(value, YSeq):
                if key_text(key) == "containers":
                    yield from value.items
            else:
                yield from _containers(value, depth + 1)
    elif isinstance(node, YSeq):
        for item in node.items:
            yield from _containers(item, depth + 1)


def _template_scalars(template: YMap) -> list[YScalar] | None:
    """Every scalar of the inline trial spec (keys too) in document order: their texts are searched
    for ${trialParameters.x} uses, and each use is located in the first that holds it."""
    spec = template.get("trialSpec")
    if spec is None:
        return None
    scalars: list[YScalar] = []

    def walk(node: Any, depth: int) -> None:
        if depth > 60:
            return
        if isinstance(node, YScalar):
            scalars.append(node)
        elif isinstance(node, YMap):
            for k, v in node.pairs:
                walk(k, depth + 1)
                walk(v, depth + 1)
        elif isinstance(node, YSeq):
            for item in node.items:
                walk(item, depth + 1)

    walk(spec, 0)
    return scalars
