"""`sweeplint results --report DIR`: the round's pictures as PNG and SVG files, and one HTML page
that holds them (embedded, so the page is one self-contained file) beside the findings.

Per study: one axis plot per searched parameter (`<study>-<parameter>.png`/`.svg`), the best
trials' training curves when the storage kept per-step values (`<study>-curves.png`/`.svg`), and
in `index.html` each parameter's plot next to the findings about that parameter, study-wide
findings first. matplotlib is imported only here (and in sweeplint.results.plots).
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sweeplint.settings import ConfigError

INSTALL_HINT = "--report needs matplotlib: pip install 'sweeplint[report]'"


def require_matplotlib() -> None:
    """A one-line usage error (exit 2) when the plotting library is missing, before any work."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None


@dataclass
class StudyReport:
    """One judged study: its round (sweeplint.results.analysis.Round) and the findings shown for it."""

    round: object
    findings: list = field(default_factory=list)


def write(directory: str, studies: list[StudyReport]) -> Path:
    """Write the pictures and index.html into `directory` (created); the page's path."""
    try:
        from sweeplint.results import plots
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--report: cannot create {directory}: {exc.strerror or exc}") from None
    sections, used = [], set()
    for study in studies:
        round_ = study.round
        stem = _unique(_slug(round_.results.name or Path(round_.results.path).stem or "study"), used)
        shown = set()
        rows = []
        for searched in round_.searched:
            figure = plots.axis_plot(round_, searched)
            image = _save(figure, out, f"{stem}-{_slug(searched.parameter.name)}")
            mine = [d for d in study.findings if _about(d, searched)]
            shown.update(id(d) for d in mine)
            rows.append((f"{searched.parameter.name}", image, mine))
        curves = plots.curves_plot(round_)
        if curves is not None:
            # findings about how training went (SL503) sit beside the curves that show it
            mine = [d for d in study.findings if id(d) not in shown and d.code == "SL503"]
            shown.update(id(d) for d in mine)
            rows.append(("training curves of the best trials", _save(curves, out, f"{stem}-curves"), mine))
        general = [d for d in study.findings if id(d) not in shown]
        sections.append(_section(round_, general, rows))
    page = out / "index.html"
    try:
        page.write_text(_page(sections), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--report: cannot write {page}: {exc.strerror or exc}") from None
    return page


def _about(diagnostic, searched) -> bool:
    """A finding placed at the parameter's own line (only a space config gives parameters lines)."""
    return searched.span.line > 0 and diagnostic.path == searched.path and diagnostic.span == searched.span


def _save(figure, out: Path, stem: str) -> bytes:
    """Save as PNG and SVG; the PNG's bytes, for embedding."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = buffer.getvalue()
    try:
        (out / f"{stem}.png").write_bytes(data)
        figure.savefig(out / f"{stem}.svg", format="svg")
    except OSError as exc:
        raise ConfigError(f"--report: cannot write into {out}: {exc.strerror or exc}") from None
    return data


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "x"


def _unique(stem: str, used: set) -> str:
    candidate, n = stem, 2
    while candidate in used:
        candidate, n = f"{stem}-{n}", n + 1
    used.add(candidate)
    return candidate


def _findings(items) -> str:
    if not items:
        return '<p class="none">No findings.</p>'
    lines = []
    for d in items:
        where = f"{d.path}:{d.span.line}:{d.span.column}" if d.span.line > 0 else d.path
        lines.append(f'<li class="{html.escape(str(d.severity))}"><code>{html.escape(d.code)}</code> '
                     f'<span class="sev">{html.escape(str(d.severity))}</span> '
                     f'<span class="where">{html.escape(where)}</span><br>{html.escape(d.message)}</li>')
    return '<ul class="findings">' + "".join(lines) + "</ul>"


def _section(round_, general, rows) -> str:
    results = round_.results
    usable = sum(1 for t in results.trials if t.usable)
    failed = sum(1 for t in results.trials if t.infeasible)
    head = (f"<h2>{html.escape(results.name or results.path)}</h2>"
            f'<p class="meta">{html.escape(results.path)} ({html.escape(results.source)}): {len(results.trials)} trials, '
            f"{usable} completed with a value, {failed} failed or diverged; "
            f"{html.escape(results.metric or 'objective')}, {html.escape(results.goal or 'goal unknown')}</p>")
    parts = [head, "<h3>Findings about the whole study</h3>", _findings(general)]
    for title, image, mine in rows:
        encoded = base64.b64encode(image).decode("ascii")
        parts.append(f'<div class="row"><figure><img alt="{html.escape(title)}" '
                     f'src="data:image/png;base64,{encoded}"><figcaption>{html.escape(title)}</figcaption></figure>'
                     f'<div class="side"><h3>{html.escape(title)}</h3>{_findings(mine)}</div></div>')
    return "<section>" + "".join(parts) + "</section>"


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1400px; }
.row { display: flex; gap: 1.5em; align-items: flex-start; margin: 1em 0; border-top: 1px solid #ddd; padding-top: 1em; }
figure { margin: 0; flex: 0 0 640px; } figure img { width: 640px; }
figcaption { font-size: 0.85em; color: #666; } .side { flex: 1; }
.findings { padding-left: 1.2em; } .findings li { margin-bottom: 0.6em; }
.sev { font-weight: bold; } .error .sev { color: #b00; } .warning .sev { color: #b60; } .info .sev { color: #06b; }
.where { color: #666; font-size: 0.9em; } .meta { color: #555; } .none { color: #080; }
"""


def _page(sections) -> str:
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>sweeplint results report</title><style>" + _STYLE + "</style></head><body>"
            "<h1>sweeplint results report</h1>" + "".join(sections) + "</body></html>\n")
