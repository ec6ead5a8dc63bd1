from __future__ import annotations

from collections.abc import Iterator

from functools import lru_cache

from sweeplint.diagnostics import Finding, Severity, split_help
from sweeplint.fixes import Applicability, Fix, respell_word
from sweeplint.rule import Context, Rule


class UnknownKey(Rule):
    code = "SL002"
    name = "unknown-key"
    severity = Severity.ERROR

    def check(self, ctx: Context) -> Iterator[Finding]:
        # Misplaced keys a reader explains itself (a file-level problem, or one inside a study).
        for problem in [*ctx.file.problems, *(p for study in ctx.studies for p in study.problems)]:
            if problem.code == self.code:
                message, fix = split_help(problem.message, colon=False)
                yield Finding(problem.span, message, help=fix)
        for study in ctx.studies:
            for ref in study.unknown_keys:
                close = _closest(ref.key, ref.expected)
                # a KeyRef for a value says where that value sits (`... distribution`, `... .kind`)
                what = "value" if ref.where.endswith(("distribution", ".kind")) else "key"
                suggestion = f" (did you mean {close[0]!r}?)" if close else ""
                # the closest valid spelling: unsafe, as the key then takes effect (or another was meant)
                edit = respell_word(ctx.file.text, ref.span, ref.key, close[0], ctx.file.path) if close else None
                fix = Fix(f"Write {close[0]!r}", (edit,), Applicability.UNSAFE) if edit else None
                yield Finding(ref.span, f"unknown {what} {ref.key!r} in {ref.where}{suggestion}",
                              help=f"Expected one of: {', '.join(ref.expected)}.", fix=fix)
        # Declared roles naming no parameter (`# sweeplint: scientific=...`): a directive speaks for
        # every study of its file, so a name is unknown only when no study has it.
        per_study = [{u.span: u for u in ctx.roles(study).unmatched} for study in ctx.studies]
        if per_study:
            for span, problem in per_study[0].items():
                if all(span in other for other in per_study[1:]):
                    message, fix = split_help(problem.message, colon=False)
                    yield Finding(span, message, help=fix)


def _closest(key: str, expected) -> tuple[str, ...]:
    """The expected key closest to `key` (none or one)."""
    try:
        return _closest_known(key, expected)
    except TypeError:  # an unhashable list of keys: no answer to keep
        import difflib  # (an unknown key's path: not imported by every run)

        return tuple(difflib.get_close_matches(key, expected, n=1, cutoff=0.6))


# Pure (its answer does not depend on the order of the keys), and dear: a string match against every
# expected key. The files of a run repeat the same misspelling, whose answer is then found at once.
@lru_cache(maxsize=1024)
def _closest_known(key: str, expected) -> tuple[str, ...]:
    import difflib  # (an unknown key's path: not imported by every run)

    return tuple(difflib.get_close_matches(key, expected, n=1, cutoff=0.6))
