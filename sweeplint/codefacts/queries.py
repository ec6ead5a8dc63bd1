"""Small helpers the code-aware rules share: naming code locations, matching names and metrics."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from sweeplint.diagnostics import Related
from sweeplint.model import Lit, Span, Study

ARGS_MACROS = ("${args}", "${args_no_equals}", "${args_no_hyphens}", "${args_json}", "${args_json_file}", "${args_no_boolean_flags}")
HYPHENATED_MACROS = ("${args}", "${args_no_equals}", "${args_no_boolean_flags}")


def where(path: str, span: Span) -> str:
    return f"{path}:{span.line}"


def related(path: str, span: Span, message: str) -> Related:
    return Related(path, span, message)


def command_items(study: Study) -> list[tuple[str, Lit]]:
    return [(str(item.value), item) for item in study.command if item.value is not None]


def passes_args(study: Study) -> bool:
    """The W&B command hands the swept values to the program on its command line (or has no command)."""
    if not study.command:
        return True
    return any("${args" in text for text, _ in command_items(study))


def argname(name: str) -> str:
    return name.replace("-", "_")


def key_matches(root: str, key: tuple[str, ...], name: str) -> bool:
    """Whether a read's key path is the dotted parameter name (argparse: `-` and `_` alike).
    Here, not in codefacts.facts, so that a rule asking it does not import the fact classes."""
    joined = ".".join(key)
    if root == "argparse":
        return argname(joined) == argname(name)
    return joined == name


def fixed_flags(study: Study) -> list[tuple[str, str | None, Lit]]:
    """(name, value, item) for each fixed `--name=value`, `--name value` or `name=value` in the command."""
    items = command_items(study)
    out: list[tuple[str, str | None, Lit]] = []
    skip = False
    for index, (text, lit) in enumerate(items):
        if skip:
            skip = False
            continue
        if "${" in text:
            continue
        stripped = text.strip()
        if stripped.startswith("-") and len(stripped) > 1 and not _is_number(stripped):
            body = stripped.lstrip("-")
            if not body:
                continue
            if "=" in body:
                name, value = body.split("=", 1)
                out.append((name, value, lit))
            else:
                nxt = items[index + 1][0] if index + 1 < len(items) else None
                if nxt is not None and "${" not in nxt and (not nxt.startswith("-") or _is_number(nxt)):
                    out.append((body, nxt, lit))
                    skip = True
                else:
                    out.append((body, None, lit))
        elif "=" in stripped and re.match(r"\+{0,2}[A-Za-z_][\w.\-]*=", stripped):
            name, value = stripped.lstrip("+").split("=", 1)
            out.append((name, value, lit))
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# --- metric names -------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[/_\-.]+")


def normalise_metric(name: str) -> str:
    return _SEPARATORS.sub("_", name.strip())


def tokens(name: str) -> list[str]:
    """Words of a metric name: split on separators and camelCase, lower-cased."""
    return list(_tokens(name))


# Rules ask about the same objective name several times per file (a pure function of the name).
@lru_cache(maxsize=1024)
def _tokens(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return tuple(t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t)


def has_token(name: str, words: Iterable[str]) -> str | None:
    """The first word of a metric name, or that word without its trailing digits, that is one of
    `words`; None when there is none."""
    return _has_token(name, words if isinstance(words, (tuple, frozenset)) else tuple(words))


# Rules ask it about the objective of every study with their own fixed word lists (thousands of
# times a run, for a few distinct names): a pure function of the name and the list.
@lru_cache(maxsize=1024)
def _has_token(name: str, words: tuple[str, ...] | frozenset[str]) -> str | None:
    wanted = set(words)
    for t in _tokens(name):
        if t in wanted:
            return t
        bare = t.rstrip("0123456789")
        if bare and bare in wanted:
            return bare
    return None


def short(ctx, path: str) -> str:
    """A file as messages name it: relative to the project root when it is inside it."""
    import os

    root = getattr(getattr(ctx, "settings", None), "root", None)
    if root is None:
        return path
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def never_reads(facts, name: str) -> bool:
    """Whether a program whose reads we can see never reads `name`: no read of it or below it, no
    argparse option for it (a unique abbreviation counts, as argparse accepts one), and nothing
    that may read any key (a config handed to code we cannot follow)."""
    if facts is None or not (facts.reads or facts.args) or any(e.root == "*" for e in facts.escapes):
        return False
    if facts.reads_of(name) or facts.reads_below(name) or facts.arg(name) is not None or facts.escaped(name) is not None:
        return False
    flag = "--" + name
    abbreviated = {a.dest for a in facts.args if any(f.startswith(flag) for f in a.flags if f.startswith("--"))}
    return len(abbreviated) != 1



def never_reads_through(facts, name: str, root: str) -> bool:
    """`never_reads` for a tool whose trials get their values only through its own API (`root`:
    Determined's trial context, NNI's get_next_parameter): an argparse option or a read of another
    config of the same name is not the swept value, unless the tool's values were copied into that
    config (`vars(args).update(nni_params)`: a write whose source is `root`, or whose source we
    cannot name)."""
    if not never_reads(facts, name):
        if facts is None:
            return False
        # a config updated from the tool's values, or from values we cannot name, may hold them
        roots = {root, "*"} | {w.root for w in facts.writes
                                if w.source == root or (w.kind == "update" and w.source is None and (w.unknown or not w.keys))}
        if "argparse" not in roots and facts.arg(name) is not None and not any(
                r.root in roots for r in facts.reads_of(name) + facts.reads_below(name)):
            return not any(e.root in roots and (not e.key or _covers(e.key, name)) for e in facts.escapes)
        return False
    return True


def _covers(key: tuple[str, ...], name: str) -> bool:
    joined = ".".join(key)
    return name == joined or name.startswith(joined + ".")
