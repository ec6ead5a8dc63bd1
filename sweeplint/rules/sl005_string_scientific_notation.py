from __future__ import annotations

import re
from collections.abc import Iterator

from sweeplint.codefacts.queries import passes_args
from sweeplint.diagnostics import Finding, Severity
from sweeplint.fixes import Applicability, Edit, Fix
from sweeplint.formats.dialect import dialect_of
from sweeplint.model import Lit, Space, Study
from sweeplint.rule import Context, Rule

# Scientific notation as people write it. YAML 1.1 (PyYAML) reads it as a float only with a dot in
# the mantissa and a sign in the exponent (`1.0e-5`, `1.e+3`); `1e-5`, `3E+4` and `1.0e5` stay strings.
SCIENTIFIC = re.compile(r"(?P<sign>[-+]?)(?P<int>\d*)(?P<frac>\.\d*)?(?P<e>[eE])(?P<esign>[-+]?)(?P<exp>\d+)\Z")

# An enum member looked up on its class (`Space.INT`) goes through EnumType.__getattr__'s slow path,
# some ten times a global's cost: the walk over every parameter uses these.
_INT, _CONSTANT = Space.INT, Space.CONSTANT

# Settings that must be whole numbers (W&B hyperband; trial counts of other tools).
INTEGER_SETTINGS = frozenset({"min_iter", "max_iter", "n_trials", "max_trials", "n_startup_trials"})


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


def literals(study: Study) -> Iterator[tuple[str, str, Lit, str]]:
    """Every scalar literal of a study: (where it is, as two parts `place` joins; the literal; what
    the place needs).

    The last item is "value" (passed to the program as is), "number" or "integer". (The place is
    spelled only for the few literals reported: spelling every one was most of this walk.)
    """
    for p in study.parameters:
        bound = "integer" if p.space is _INT else "number"
        # (each setting tested in turn: a tuple of them per parameter cost more than the tests)
        if p.low is not None:
            yield "the lower bound of ", p.name, p.low, bound
        if p.high is not None:
            yield "the upper bound of ", p.name, p.high, bound
        if p.q is not None:
            yield "the q of ", p.name, p.q, "number"
        if p.mu is not None:
            yield "the mu of ", p.name, p.mu, "number"
        if p.sigma is not None:
            yield "the sigma of ", p.name, p.sigma, "number"
        if p.alpha is not None:
            yield "the a of ", p.name, p.alpha, "number"
        if p.beta is not None:
            yield "the b of ", p.name, p.beta, "number"
        for lit in p.probabilities:
            yield "a probability of ", p.name, lit, "number"
        what = "the value of " if p.space is _CONSTANT else "a value of "
        for lit in p.values:
            yield what, p.name, lit, "value"
    if study.budget is not None:
        yield "the trial budget", "", study.budget, "integer"
    if study.method is not None:
        for key, lit in study.method.settings:
            yield "the search setting ", key, lit, "number"
    if study.early_stopping is not None:
        for key, lit in study.early_stopping.settings:
            yield "the early-stopping setting ", key, lit, "integer" if key in INTEGER_SETTINGS else "number"


def study_literals(ctx: Context, study: Study) -> list[tuple[str, str, Lit, str]]:
    """`literals(study)`, walked once per file: SL005 and SL006 both read every literal."""
    per_study = ctx.extras.setdefault("literals", {})
    found = per_study.get(id(study))
    if found is None:
        found = per_study[id(study)] = list(literals(study))
    return found


def place(label: str, name: str) -> str:
    """`the lower bound of lr`, from the first two items `literals` yields."""
    return label + name


UNKNOWN_CONSEQUENCE = ("every run gets the text in its config instead of the number, and code that computes with "
                       "it fails unless it converts it first")


def value_consequence(facts, study: Study, name: str) -> tuple[Severity, str]:
    """How badly a string value of `name` hurts, from what the program does with it.

    An argparse option with type=float converts the text the command line hands it, so the run
    trains with the number (info); a program that reads the value from the run's config gets the
    text and breaks where it computes with it (error); without the program's code we cannot tell
    (warning)."""
    if facts is None:
        return Severity.WARNING, UNKNOWN_CONSEQUENCE
    from_config = facts.reads_of(name, ("wandb",))
    if from_config:
        read = from_config[0]
        return Severity.ERROR, (f"the program reads it from the run's config ({read.path or 'the program'}:{read.span.line}) "
                                f"and gets the text, not the number")
    arg = facts.arg(name)
    if arg is not None and arg.type == "float" and passes_args(study):
        return Severity.INFO, (f"the command line hands the text to argparse, whose type=float converts it "
                               f"({arg.path or 'the program'}:{arg.span.line}), so runs train with the number, "
                               f"but the run's config records the text")
    return Severity.WARNING, UNKNOWN_CONSEQUENCE


class StringScientificNotation(Rule):
    code = "SL005"
    name = "string-scientific-notation"
    severity = Severity.ERROR
    uses_code = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.loader != "yaml1.1":
                continue
            found = [(place(label, name), lit, kind) for label, name, lit, kind in study_literals(ctx, study)
                     if isinstance(lit, Lit) and scientific_text(lit)]
            if not found:
                continue  # (most studies: nothing else to work out)
            dialect = dialect_of(study)
            tool = dialect.yaml_loader   # which program loads the file, for the message
            facts = None
            owner = {id(lit): p.name for p in study.parameters for lit in p.values}
            # One finding per parameter's list of values (the first string, naming the others):
            # the problem is how the list is written, not each number in it.
            reported: set[str] = set()
            linked = any(p.linked_from for p in study.parameters)   # spans of another file: no edits
            for where, lit, kind in found:
                if kind == "value" and owner[id(lit)] in reported:
                    continue
                value = float(lit.value)
                if kind == "integer" and value.is_integer() and abs(value) < 1e15:
                    fixed = str(int(value))
                else:
                    fixed = yaml11_float(lit.text)
                level = None
                more = ""
                fix = _number_fix(lit, fixed, (), kind)
                if kind == "value":
                    name = owner[id(lit)]
                    reported.add(name)
                    facts = facts if facts is not None else ctx.code(study)
                    level, effect = value_consequence(facts, study, name)
                    others = [o for _, o, k in found if k == "value" and o is not lit and owner[id(o)] == name]
                    if others:
                        more = f" (so are {', '.join(f'`{o.text}`' for o in others[:4])}{', ...' if len(others) > 4 else ''})"
                        fixed += "` and `".join([""] + [yaml11_float(o.text) for o in others[:4]])
                    fix = _number_fix(lit, yaml11_float(lit.text), others, kind)
                elif dialect.validates_schema:
                    effect = f"{dialect.tool} needs a number here: it reports a schema violation and cannot sample the parameter"
                else:
                    effect = "the tool gets text where it needs a number"
                yield Finding(
                    lit.span,
                    f"{where} is written `{lit.text}`{more}, which {tool} reads as the string \"{lit.text}\"",
                    severity=level,
                    fix=None if linked else fix,
                    help=f"Write `{fixed}`: {effect}. YAML 1.1 reads scientific notation as a number only with a dot "
                         f"and a signed exponent.",
                )


def _number_fix(lit: Lit, fixed: str, others, kind: str) -> Fix:
    """The literals spelled so that YAML 1.1 reads numbers. Safe where the tool needs a number (a bound,
    a setting: the text could only ever mean that number); unsafe for values handed to the program,
    which then gets a float where it got text."""
    edits = (Edit(lit.span, fixed),) + tuple(Edit(o.span, yaml11_float(o.text)) for o in others)
    safe = kind != "value"
    return Fix(f"Write {lit.text} as {fixed}" if len(edits) == 1 else "Write the values so YAML 1.1 reads numbers",
               edits, Applicability.SAFE if safe else Applicability.UNSAFE)
