"""Step 2 of the pipeline: from a file's text to a ConfigFile holding Studies in the common model."""

from __future__ import annotations

import re

from sweeplint.formats import PyReadContext, ReadContext, config_readers, python_reader_list
from sweeplint.formats.dialect import dialect_for
from sweeplint.model import ConfigFile, Declarations, Directive, Problem, Span, Study
from sweeplint.source import DIRECTIVE_NAMES, ROLE_DIRECTIVES, UnreadableFile, parse_directives, read_text, text_of
from sweeplint.limits import bounded_study
from sweeplint.yamldoc import YAMLReadError, compose

# Words that make an unparsable file worth reporting even when it was only found by a directory walk.
# (compiled on first use, by re's own cache: most runs meet no such file)
_SWEEP_HINT = r"\b(parameters|hyperparameters|search_?[sS]pace|sweeper|feasibleSpace|_type|method)\b"


def semantics_for(path: str) -> str:
    return "json" if path.lower().endswith(".json") else "yaml1.1"


def read_path(path: str, explicit: bool, text: str | None = None, data: bytes | None = None) -> ConfigFile:
    """Read one file (or the given text, or bytes already read, standing for it). Never raises for bad input."""
    if text is None:
        try:
            text = read_text(path) if data is None else text_of(data)
        except UnreadableFile as exc:
            return ConfigFile(path, "", problems=(Problem("SL001", exc.span, exc.message),))
        except OSError as exc:
            return ConfigFile(path, "", problems=(Problem("SL001", Span.point(1, 1), f"cannot read the file: {exc.strerror or exc}"),))
    if path.lower().endswith(".py"):
        return read_python(path, text, explicit)
    return read_config(path, text, explicit)


def read_python(path: str, text: str, explicit: bool) -> ConfigFile:
    """Sweeps defined in Python (Optuna objectives, Ray Tune spaces, W&B dicts).

    Python files define sweeps only through calls we recognise; others are not sweep files. Cheap
    text tests first; libcst is imported and the file parsed (once) only when a reader wants it. A
    syntax error is reported only in a file that looks like a sweep.
    """
    readers = python_reader_list(text)
    if not readers:
        return ConfigFile(path, text)

    from sweeplint import pyeval, pyexpr

    directives = parse_directives(text)
    try:
        module = pyexpr.parse(text)
    except pyexpr.PySyntaxError as exc:
        return ConfigFile(path, text, problems=(Problem("SL001", exc.span, exc.message),), directives=directives)
    ctx = PyReadContext(path, text, pyexpr.Positions(module, text), pyeval.constants(module), directives)
    studies: list[Study] = []
    fmt = None
    for reader in readers:
        try:
            found = reader.read(module, ctx)
        except RecursionError:
            ctx.problems.append(Problem("SL001", Span.point(1, 1), "the Python code is nested too deeply to read"))
            continue
        except Exception as exc:  # noqa: BLE001 - a reader bug must not become a traceback
            ctx.problems.append(Problem(
                "SL001", Span.point(1, 1),
                f"sweeplint could not read the {reader.name} search space in this file "
                f"({type(exc).__name__}: {exc}); please report this",
            ))
            continue
        if found:
            studies.extend(found)
            fmt = fmt or reader.name
    if fmt is None and not ctx.problems:
        return ConfigFile(path, text)
    return _finish(path, text, fmt, studies, ctx.problems, directives)


def read_config(path: str, text: str, explicit: bool) -> ConfigFile:
    semantics = semantics_for(path)
    directives = parse_directives(text)
    try:
        document = compose(text, semantics)
    except YAMLReadError as exc:
        if explicit or re.search(_SWEEP_HINT, text):
            return ConfigFile(path, text, format=None, problems=(Problem("SL001", exc.span, exc.message),), directives=directives)
        return ConfigFile(path, text)

    problems: list[Problem] = []
    ignored: list = []
    studies: list[Study] = []
    fmt = None
    readers = config_readers()
    for index, root in enumerate(document.roots):
        for reader in readers:
            if reader.recognise(root):
                ctx = ReadContext(path, text, getattr(reader, "semantics", semantics) if semantics != "json" else "json", directives, problems, ignored)
                if len(document.roots) > 1 and dialect_for(reader.name).reads_single_document:
                    # e.g. PyYAML's safe_load, which `wandb sweep` uses, stops at the next document.
                    other = 1 if index == 0 else 0
                    where = document.starts[other] if len(document.starts) > other else document.roots[other].span
                    tool = dialect_for(reader.name)
                    problems.append(Problem("SL001", where, f"{tool.tool} reads a single YAML document, but this file has "
                                                           f"{len(document.roots)}; {tool.yaml_loader} rejects it"))
                studies.extend(reader.read(root, ctx))
                fmt = fmt or reader.name
                break

    if fmt is None and not explicit and not (document.unsafe_tags and re.search(_SWEEP_HINT, text)):
        # (a sweep whose Python tag hides its shape is still reported when a directory is checked)
        return ConfigFile(path, text)
    if fmt is None and not document.unsafe_tags:
        return ConfigFile(path, text)
    for tag in document.unsafe_tags:
        problems.append(Problem("SL001", tag.span, f"the tag {tag.tag} asks a loader to build a Python object; sweeplint never does, and no sweep tool loads it"))
    if fmt is not None:
        for dup in document.duplicates:
            problems.append(Problem("SL007", dup.span, f"duplicate key {dup.key!r} (first at line {dup.first.line}); PyYAML silently keeps this last one"))
    return _finish(path, text, fmt, studies, problems, directives, ignored)


def _finish(path: str, text: str, fmt: str | None, studies: list[Study], problems: list[Problem],
            directives: tuple[Directive, ...], ignored: list | tuple = ()) -> ConfigFile:
    """What every source (YAML, JSON, Python) gets once its readers are done."""
    studies = [_with_declarations(bounded_study(s, problems), directives, problems) for s in studies]
    return ConfigFile(path, text, format=fmt, studies=tuple(studies), problems=tuple(problems), directives=directives,
                      ignored_settings=tuple(ignored))


def _with_declarations(study: Study, directives: tuple[Directive, ...], problems: list[Problem]) -> Study:
    """Roles, goal and phase declared with `# sweeplint:` comments in the config itself."""
    if not directives:
        return study
    found: dict[str, tuple[str, ...]] = {}
    span = None
    for d in directives:
        if d.name not in DIRECTIVE_NAMES:
            import difflib  # (a misspelt directive's path: not imported by every run)

            close = difflib.get_close_matches(d.name, DIRECTIVE_NAMES, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; directives are {', '.join(DIRECTIVE_NAMES)}"
            problem = Problem("SL002", d.span, f"unknown sweeplint directive {d.name!r}{hint}")
            if problem not in problems:
                problems.append(problem)
            continue
        if d.name in ROLE_DIRECTIVES:
            found[d.name] = found.get(d.name, ()) + d.values
            span = span or d.span
    if not found:
        return study
    from sweeplint.records import replace

    def one(name: str) -> str | None:
        values = found.get(name)
        return values[0] if values else None

    return replace(
        study,
        declarations=Declarations(
            scientific=found.get("scientific", ()),
            nuisance=found.get("nuisance", ()),
            fixed=found.get("fixed", ()),
            goal=one("goal"),
            phase=one("phase"),
            program=one("program"),
            span=span,
        ),
    )
