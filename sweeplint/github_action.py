"""What the GitHub Action shows besides the report itself (`python -m sweeplint.github_action`).

After `sweeplint check` has run in the requested format, the action runs it once more as JSON (served
from the cache) and calls this module, which
- prints a readable summary to the log: every finding as a line, the totals, and the error when
  sweeplint could not run;
- appends the same as Markdown to the job summary ($GITHUB_STEP_SUMMARY);
- says how many annotations GitHub did not show (it shows at most 10 of each kind per step);
- makes sure a SARIF file is a valid SARIF log even when sweeplint stopped before writing one, so the
  upload step that follows never meets an empty file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# GitHub Actions shows at most this many annotations of each kind (error, warning, notice) per step.
ANNOTATIONS_SHOWN = 10
KINDS = (("error", "error", "errors"), ("warning", "warning", "warnings"), ("info", "notice", "notices"))
TABLE_ROWS = 100  # findings listed in the job summary; the log lists them all


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def load_report(path: str | None) -> list[dict] | None:
    """The findings of the JSON report, or None when there is none (sweeplint stopped early)."""
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, list) else None


def totals(findings: list[dict]) -> str:
    counts = {severity: sum(1 for f in findings if f.get("severity") == severity) for severity, _, _ in KINDS}
    parts = [_plural(counts[s], s) for s, _, _ in KINDS if counts[s]]
    return f"{_plural(len(findings), 'problem')} ({', '.join(parts)})" if findings else "no problems"


def hidden_annotations(findings: list[dict]) -> str | None:
    """How many annotations of each kind GitHub did not show, or None when it showed them all."""
    hidden = []
    for severity, kind, kinds in KINDS:
        n = sum(1 for f in findings if f.get("severity") == severity)
        if n > ANNOTATIONS_SHOWN:
            hidden.append(f"{n - ANNOTATIONS_SHOWN} of {_plural(n, kind + ' annotation')}")
    if not hidden:
        return None
    return (f"GitHub shows at most {ANNOTATIONS_SHOWN} annotations of each kind per step: "
            f"{' and '.join(hidden)} were not shown on the diff. Every finding is listed in the log "
            "and in the job summary.")


def _status(exit_code: int, findings: list[dict] | None) -> str:
    if exit_code == 0:
        return "passed" + (f" ({totals(findings)} below the fail level)" if findings else "")
    if exit_code == 1:
        return f"failed: {totals(findings or [])}"
    return "could not check the sweeps (exit code 2)"


def log_text(findings: list[dict] | None, exit_code: int, errors: str, annotations: bool) -> str:
    lines = [f"{f['path']}:{f['line']}:{f['column']}: {f['severity']}: {f['code']} {f['message']}" for f in findings or []]
    lines.append(f"sweeplint {_status(exit_code, findings)}.")
    lines += [line for line in errors.strip().splitlines() if line.strip()]
    note = hidden_annotations(findings or []) if annotations else None
    if note:
        lines.append(note)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(findings: list[dict] | None, exit_code: int, errors: str, annotations: bool) -> str:
    icon = {0: "✅", 1: "❌"}.get(exit_code, "⚠️")
    out = [f"### {icon} sweeplint {_status(exit_code, findings)}", ""]
    if errors.strip():
        out += ["```", errors.strip(), "```", ""]
    if findings:
        out += ["| severity | rule | location | message |", "|---|---|---|---|"]
        for f in findings[:TABLE_ROWS]:
            out.append(f"| {f['severity']} | {f['code']} {f['name']} | `{_cell(f['path'])}:{f['line']}:{f['column']}` | {_cell(f['message'])} |")
        if len(findings) > TABLE_ROWS:
            out.append(f"\n… and {len(findings) - TABLE_ROWS} more (every finding is in the log).")
        out.append("")
    note = hidden_annotations(findings or []) if annotations else None
    if note:
        out += [f"> {note}", ""]
    return "\n".join(out) + "\n"


def ensure_sarif(path: str, exit_code: int, errors: str) -> bool:
    """Write a SARIF log holding the error when `path` is missing, empty or not a SARIF log.
    Returns whether it had to."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("version") == "2.1.0" and isinstance(data.get("runs"), list):
            return False
    except (OSError, ValueError):
        pass
    from sweeplint.report.sarif import error_log

    reason = errors.strip().splitlines()[-1] if errors.strip() else f"sweeplint exited with code {exit_code} without writing a SARIF log"
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(error_log(reason, exit_code or 2), encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sweeplint.github_action", description=__doc__.splitlines()[0])
    parser.add_argument("--report", help="the JSON report of the same check")
    parser.add_argument("--errors", help="a file holding what sweeplint printed on standard error")
    parser.add_argument("--exit-code", type=int, required=True, help="the exit code of the check")
    parser.add_argument("--output-format", default="github", help="the format the check reported in")
    parser.add_argument("--sarif-file", help="make sure this is a valid SARIF log")
    parser.add_argument("--baseline", help="the baseline file the check compared with (said in the summary)")
    parser.add_argument("--since", help="the git revision the round-to-round rules compared with (said in the summary)")
    args = parser.parse_args(argv)

    findings = load_report(args.report)
    errors = ""
    if args.errors:
        try:
            errors = Path(args.errors).read_text(encoding="utf-8", errors="replace")
        except OSError:
            pass
    if args.exit_code != 2:
        errors = ""  # the JSON run's notes (e.g. "no sweep files found") are in the summary already
    annotations = args.output_format == "github"
    if args.sarif_file and ensure_sarif(args.sarif_file, args.exit_code, errors):
        errors += f"\n(wrote a SARIF log holding the error to {args.sarif_file}, so that its upload still works)"
    baseline = (f"Only findings that are not in the baseline {args.baseline} are reported.\n"
                if args.baseline and args.exit_code != 2 else "")
    if args.since and args.exit_code != 2:
        baseline += f"Round-to-round rules (SL6xx) compared each sweep config with its version at {args.since}.\n"
    sys.stdout.write(log_text(findings, args.exit_code, errors, annotations) + baseline)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown(findings, args.exit_code, errors, annotations) + (f"{baseline}\n" if baseline else ""))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
