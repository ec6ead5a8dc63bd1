"""Adopting sweeplint on a repository with existing findings: a baseline of the findings to accept.

`sweeplint check --write-baseline FILE` records every current finding; `--baseline FILE` then
reports only findings that are not in it. A finding is recognised by its fingerprint
(sweeplint.fingerprint): it survives lines added or removed elsewhere and moves of the flagged
line, and changes when the flagged line itself changes (then the finding counts as new).

The file is JSON, written in a stable order so that it diffs well under version control:

    {
      "sweeplint-baseline": 1,
      "findings": [
        {"path": "sweeps/a.yaml", "line": 7, "code": "SL102", "message": "...", "fingerprint": "9f2c..."}
      ]
    }

Paths are relative to the repository root. Only `fingerprint` is used for matching; `path`, `line`,
`code` and `message` are there for the people reading the file (the line is where the finding was
when the baseline was written).
"""

from __future__ import annotations

import json

from sweeplint.records import record

FORMAT_KEY = "sweeplint-baseline"
FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read; reported as a usage error."""


@record(frozen=True)
class Baseline:
    """The findings a baseline file records, by fingerprint."""

    path: str
    fingerprints: frozenset[str]


def load_baseline(path: str) -> Baseline:
    from sweeplint.source import UnreadableFile, read_text

    try:
        data = json.loads(read_text(path))  # a regular file, without blocking, within the size cap
    except UnreadableFile as exc:
        raise BaselineError(f"cannot read the baseline file {path}: {exc.message}") from None
    except FileNotFoundError:
        raise BaselineError(f"baseline file {path} does not exist (write one with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read the baseline file {path}: {exc}") from None
    except ValueError as exc:
        raise BaselineError(f"{path} is not a sweeplint baseline (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or FORMAT_KEY not in data or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not a sweeplint baseline (write one with --write-baseline {path})")
    if data[FORMAT_KEY] != FORMAT_VERSION:
        raise BaselineError(f"{path} is a baseline of format {data[FORMAT_KEY]!r}; this sweeplint reads format {FORMAT_VERSION}")
    found = set()
    for entry in data["findings"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"{path}: every finding needs a `fingerprint` string")
        found.add(entry["fingerprint"])
    return Baseline(path, frozenset(found))


def baseline_text(diagnostics, texts: dict | None, root: str | None) -> str:
    """The baseline file recording `diagnostics`."""
    from sweeplint.fingerprint import fingerprints
    from sweeplint.report import relative_path

    entries = [
        {"path": relative_path(d.path, root), "line": d.span.line, "code": d.code, "message": d.message, "fingerprint": key}
        for d, key in zip(diagnostics, fingerprints(diagnostics, texts, root))
    ]
    entries.sort(key=lambda e: (e["path"], e["line"], e["code"], e["fingerprint"]))
    return json.dumps({FORMAT_KEY: FORMAT_VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"


def new_findings(diagnostics, baseline: Baseline, texts: dict | None, root: str | None) -> list:
    """The diagnostics whose fingerprints the baseline does not hold, in order."""
    from sweeplint.fingerprint import fingerprints

    return [d for d, key in zip(diagnostics, fingerprints(diagnostics, texts, root)) if key not in baseline.fingerprints]
