from __future__ import annotations

import re
from typing import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Lit, Space, Study
from sweeplint.rule import Context, Rule

# Scientific notation as people write it. YAML 1.1 (PyYAML) reads it as a float only with a dot in
# the mantissa and a sign in the exponent (`1.0e-5`, `1.e+3`); `1e-5`, `3E+4` and `1.0e5` stay strings.
SCIENTIFIC = re.compile(r"(?P<sign>[-+]?)(?P<int>\d*)(?P<frac>\.\d*)?(?P<e>[eE])(?P<esign>[-+]?)(?P<exp>\d+)\Z")

# Settings that must be whole numbers (W&B hyperband; trial counts of other tools).
INTEGER_SETTINGS = frozenset({"min_iter", "max_iter", "n_trials", "max_trials", "n_startup_trials"})

# Which tool loads the file, for the message.
TOOL = {
    "wandb": "`wandb sweep`",
    "nni": "NNI",
    "determined": "Determined's CLI",
}


def scientific_text(lit: Lit) -> bool:
    """A plain scalar written in scientific notation that a YAML 1.1 loader left a string."""
    if lit.quoted or not isinstance(lit.value, str) or lit.text is None:
        return False
    m = SCIENTIFIC.match(lit.text)
    return m is not None and (m.group("int") != "" or (m.group("frac") or "") not in ("", "."))


def yaml11_float(text: str) -> str:
    """The same number spelled so that a YAML 1.1 loader reads a float: `1e-5` -> `1.0e-5`."""
    m = SCIENTIFIC.match(text)
    if m is None:
        return text
    whole = m.group("int") or "0"
    frac = m.group("frac")
    if not frac or frac == ".":
        frac = ".0"
    return f"{m.group('sign')}{whole}{frac}{m.group('e')}{m.group('esign') or '+'}{m.group('exp')}"


def number_text(value: float) -> str:
    """A float written so that YAML 1.1 reads it as a float (for suggestions in messages)."""
    text = f"{value:g}"
    return yaml11_float(text) if SCIENTIFIC.match(text) else text


def literals(study: Study) -> Iterator[tuple[str, Lit, str]]:
    """Every scalar literal of a study: (where it is, the literal, what the place needs).

    The last item is "value" (passed to the program as is), "number" or "integer".
    """
    for p in study.parameters:
        bound = "integer" if p.space is Space.INT else "number"
        for label, lit, kind in (("lower bound", p.low, bound), ("upper bound", p.high, bound), ("q", p.q, "number"),
                                 ("mu", p.mu, "number"), ("sigma", p.sigma, "number"), ("a", p.alpha, "number"),
                                 ("b", p.beta, "number")):
            if lit is not None:
                yield f"the {label} of {p.name}", lit, kind
        for lit in p.probabilities:
            yield f"a probability of {p.name}", lit, "number"
        what = "the value of" if p.space is Space.CONSTANT else "a value of"
        for lit in p.values:
            yield f"{what} {p.name}", lit, "value"
    if study.budget is not None:
        yield "the trial budget", study.budget, "integer"
    if study.method is not None:
        for key, lit in study.method.settings:
            yield f"the search setting {key}", lit, "number"
    if study.early_stopping is not None:
        for key, lit in study.early_stopping.settings:
            yield f"the early-stopping setting {key}", lit, "integer" if key in INTEGER_SETTINGS else "number"


class StringScientificNotation(Rule):
    code = "SL005"
    name = "string-scientific-notation"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.loader != "yaml1.1":
                continue
            tool = TOOL.get(study.format, "the tool's YAML 1.1 loader (PyYAML)")
            for where, lit, kind in literals(study):
                if not isinstance(lit, Lit) or not scientific_text(lit):
                    continue
                value = float(lit.value)
                if kind == "integer" and value.is_integer() and abs(value) < 1e15:
                    fixed = str(int(value))
                else:
                    fixed = yaml11_float(lit.text)
                if kind == "value":
                    effect = (f"every run gets the text \"{lit.text}\" in its config, not the number {value:g}, "
                              "and code that computes with it fails unless it converts it first")
                elif study.format == "wandb":
                    effect = "W&B needs a number here: it reports a schema violation and cannot sample the parameter"
                else:
                    effect = "the tool gets text where it needs a number"
                yield Finding(
                    lit.span,
                    f"{where} is written `{lit.text}`, which {tool} reads as the string \"{lit.text}\" "
                    f"(YAML 1.1 reads scientific notation as a number only with a dot and a signed exponent); "
                    f"{effect}; write `{fixed}`",
                )
