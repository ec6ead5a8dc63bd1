"""`sweeplint graph CONFIG`: the hyperparameter graph of a sweep config, for a person to look at.

The graph (sweeplint.graph) is annotated before it is rendered (sweeplint.graph_render): each
parameter gets the range its tool really samples, when that differs from the bounds as written
(from the tool's dialect), and each node the findings of `sweeplint check` located on it. SVG and
PNG come from Graphviz's `dot` program, when it is installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from sweeplint.graph import param_node

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

IMAGE_FORMATS = ("svg", "png")
_DOT_TIMEOUT = 60  # seconds; a picture of a sweep takes well under one


class GraphUsageError(Exception):
    """A one-line reason to exit 2."""


def run_graph(config: str, fmt: str, settings_file: str | None, no_code: bool, stdout=None) -> int:
    """Print the graph of `config` in `fmt`; 0, or 2 after a one-line message on stderr."""
    from sweeplint.knowledge import load_knowledge
    from sweeplint.read import read_path
    from sweeplint.roles import assign_roles
    from sweeplint.settings import ConfigError, load_settings

    stdout = stdout or sys.stdout
    path = Path(config)
    if not path.is_file():
        raise GraphUsageError(f"path does not exist or is not a file: {config}")
    dot_program = None
    if fmt in IMAGE_FORMATS:
        dot_program = shutil.which("dot")
        if dot_program is None:  # said before any work is done
            raise GraphUsageError(f"--format {fmt} needs Graphviz's `dot` program, which is not installed "
                                  "(https://graphviz.org/download/); use --format dot and render it elsewhere")
    try:
        settings = load_settings(Path(settings_file) if settings_file else None, path.parent)
        knowledge = load_knowledge(settings)
    except ConfigError as exc:
        raise GraphUsageError(str(exc)) from None
    file = read_path(str(path), explicit=True)
    errors = [p for p in file.problems if p.code == "SL001"]
    if errors or not file.studies:
        for p in errors:
            print(f"{file.path}:{p.span.line}:{p.span.column}: SL001 {p.message}", file=sys.stderr)
        if not errors:
            print(f"sweeplint: error: {config} is not a sweep config sweeplint recognises", file=sys.stderr)
        return 2
    store = None
    if not no_code:
        from sweeplint.codefacts import CodeFactsStore

        store = CodeFactsStore(settings)
    findings = _findings(str(path), settings)
    graphs = []
    for study in file.studies:
        from sweeplint.graph import build_graph

        facts = store.for_study(study, file.path) if store is not None else None
        graph = build_graph(study, knowledge, assign_roles(study, knowledge, settings, file), facts)
        annotate(graph, study, file.path, findings)
        graphs.append(graph)
    return _write(graphs, fmt, dot_program, stdout)


def _findings(path: str, settings) -> list:
    """What `sweeplint check PATH` reports (the same settings, confidence and suppressions)."""
    from sweeplint.lint import lint_paths

    return lint_paths([path], settings).diagnostics


def sampled_text(p: Any, dialect: Any) -> str | None:
    """`1 .. 1.105`: the range the tool really samples, when it differs from the bounds as written."""
    if not p.exponent_bounds:
        return None
    sampled = dialect.sampled_range(p)
    if sampled is None:
        return "overflow"
    return f"{_number(sampled[0])} .. {_number(sampled[1])}"


def _number(x: float) -> str:
    # Near 1 the interesting digits come late: e^0.0001 is 1.0001, not 1.
    return f"{x:.6g}" if abs(x - 1) < 1e-3 else f"{x:.4g}"


def annotate(graph, study, path: str, findings: list) -> None:
    """Add `samples` to parameters and `findings` ([code, severity, message]) to the nodes they concern."""
    from sweeplint.formats.dialect import dialect_of

    dialect = dialect_of(study)
    for p in study.parameters:
        key = param_node(p.name)
        text = sampled_text(p, dialect)
        if text and key in graph:
            graph.nodes[key]["samples"] = text
    for d in findings:
        key = _node_for(graph, study, path, d)
        if key is not None:
            graph.nodes[key].setdefault("findings", []).append([d.code, d.severity.name.lower(), d.message])


def _node_for(graph, study, path: str, d) -> str | None:
    """The node a finding is located on: the parameter whose key or spec holds its start, the
    objective, or the code site on its line; None when it concerns the sweep as a whole."""
    where = (d.span.line, d.span.column)
    if _same_file(d.path, path):
        covering = []
        for p in study.parameters:
            start = (p.key_span.line, p.key_span.column)
            end = max((p.key_span.end_line, p.key_span.end_column), (p.value_span.end_line, p.value_span.end_column))
            # (a span's end is exclusive: a block ends where the next key starts)
            if (start <= where < end or where == start) and param_node(p.name) in graph:
                covering.append((end[0] - start[0], end[1] - start[1] if end[0] == start[0] else 0, p.name))
        if covering:
            return param_node(min(covering)[2])
        objective = study.objective
        if objective is not None and objective.span is not None and isinstance(objective.name.value, str):
            span = objective.span
            if (span.line, span.column) <= where <= (span.end_line, span.end_column) and f"metric:{objective.name.value}" in graph:
                return f"metric:{objective.name.value}"
        return None
    for key, data in graph.nodes(data=True):
        if data.get("kind") == "code-site" and data.get("line") == d.span.line and _same_file(str(data.get("path")), d.path):
            return key
    return None


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b


def _write(graphs: list, fmt: str, dot_program: str | None, stdout) -> int:
    from sweeplint.graph_render import to_dot, to_json, to_mermaid

    if fmt == "json":
        data = [to_json(g) for g in graphs]
        stdout.write(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False) + "\n")
        return 0
    if fmt == "mermaid":
        stdout.write("\n".join(to_mermaid(g) for g in graphs))
        return 0
    text = "\n".join(to_dot(g) for g in graphs)
    if fmt == "dot":
        stdout.write(text)
        return 0
    image = render_image(text, fmt, dot_program)
    out = getattr(stdout, "buffer", None)
    if out is None:
        raise GraphUsageError(f"--format {fmt} writes binary data, which this output cannot take")
    out.write(image)
    out.flush()
    return 0


def render_image(dot_text: str, fmt: str, dot_program: str) -> bytes:
    """SVG or PNG bytes from Graphviz's `dot` (no shell; bounded in time)."""
    try:
        proc = subprocess.run([dot_program, f"-T{fmt}"], input=dot_text.encode("utf-8"), capture_output=True,
                              timeout=_DOT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise GraphUsageError(f"Graphviz's `dot` did not finish within {_DOT_TIMEOUT} seconds") from None
    except OSError as exc:
        raise GraphUsageError(f"cannot run Graphviz's `dot` ({dot_program}): {exc.strerror or exc}") from None
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphUsageError(f"Graphviz's `dot` failed: {reason[0] if reason else f'exit {proc.returncode}'}")
    return proc.stdout
