from __future__ import annotations

import re
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity, split_help
from sweeplint.model import Lit
from sweeplint.rule import Context, Rule
from sweeplint.rules.sl005_string_scientific_notation import place, study_literals

_OCTAL = re.compile(r"[-+]?0[0-9_]+\Z")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")


# Who types the scalars, for the message: each loader's own name.
LOADERS = {
    "yaml1.1": "YAML 1.1",
    "yaml1.2": "YAML 1.2 (ruamel.yaml, which Determined uses)",
    "omegaconf": "Hydra",
}


def surprise(lit: Lit, loader: str = "yaml1.1") -> str | None:
    """What the tool's loader did to a plain scalar that its author probably did not expect, or None.

    The literal's value is what the loader gave, so each case asks the value: YAML 1.1 and OmegaConf
    read `017` as octal 15 and `08` as text, Hydra's override grammar reads both as text, and YAML 1.2
    reads both as decimal numbers (no surprise). `None` in any case is text to all three.
    """
    text, value = lit.text, lit.value
    if lit.quoted or text is None:
        return None
    kind = type(value)
    if (kind is float or (kind is int and "0" not in text[:2])) and ":" not in text:
        # (most literals: a float or an integer without a leading 0, which only a colon could make
        # a surprise of, a base-60 number; the cases below then all answer None)
        return None
    who = LOADERS.get(loader, "YAML 1.1")
    if text.lower() == "none" and value == text:
        return (f"which {who} reads as the text \"{text}\", not a null: the program gets a non-empty "
                f"string that is never `is None`; write `null` (or `~`) for no value, or quote it "
                f"(\"{text}\") if the text is meant")
    if isinstance(value, bool) and text.lower() in ("yes", "no", "on", "off"):
        spelled = "true" if value else "false"
        return (f"which {who} reads as the boolean {spelled}, not the text \"{text}\"; write `{spelled}` "
                f"if a boolean is meant, or quote it (\"{text}\") for the text")
    if "0" in text[:2] and _OCTAL.match(text):  # (an octal-looking number starts 0, +0 or -0)
        decimal = text.replace("_", "").lstrip("+")
        if isinstance(value, str):
            why = ("a leading 0 marks an octal number and " + text + " is not one" if loader == "yaml1.1"
                   else "a number with a leading 0 is not a number to it")
            return (f"which {who} reads as the text \"{text}\", not a number ({why}); write `{int(decimal)}`, "
                    f"or quote it (\"{text}\") if the text is meant")
        if isinstance(value, int) and not isinstance(value, bool) and value != int(decimal):
            return (f"which {who} reads as the octal number {value}, not {int(decimal)}; write "
                    f"`{int(decimal)}`, or quote it (\"{text}\") if the text is meant")
        return None
    if ":" in text and _SEXAGESIMAL.match(text) and isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = str(value) if isinstance(value, int) else f"{value:g}"
        return (f"which {who} reads as the base-60 number {shown}; quote it (\"{text}\") if the text "
                f"(a time, a ratio, a range) is meant")
    return None


class AmbiguousYamlScalar(Rule):
    code = "SL006"
    name = "ambiguous-yaml-scalar"
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.loader not in LOADERS:
                continue  # JSON and Python literals say their type
            worded = None  # found for the first `none` that would be reported: most studies have none
            for label, name, lit, _kind in study_literals(ctx, study):
                if not isinstance(lit, Lit):
                    continue
                what = surprise(lit, study.loader)
                if what is None:
                    continue
                if lit.text == "none":  # (the only text _worded_none holds)
                    worded = _worded_none(study) if worded is None else worded
                    if id(lit) in worded:
                        continue
                message, fix = split_help(f"{place(label, name)} is written `{lit.text}`, {what}")
                yield Finding(lit.span, message, help=fix)


def _worded_none(study) -> set[int]:
    """Lower-case `none` among other words (`choice(batch, layer, none)`) is an option's name, as in
    `if norm == "none"`; `None` or a `none` among numbers is the null its author meant."""
    out: set[int] = set()
    for p in study.parameters:
        words = [v for v in p.values if isinstance(v.value, str) and v.text != "none"]
        if words:
            out.update(id(v) for v in p.values if v.text == "none")
    return out
