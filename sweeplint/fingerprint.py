"""What identifies a finding across runs, whatever lines were added or removed around it.

One definition serves the GitLab and SARIF reports and the baseline (`--write-baseline`): a hash of
- the path, relative to the repository root (the same whatever the working directory);
- the rule code;
- the message, with the line numbers it quotes (`train.py:12`, `line 7`) taken out, so a finding
  whose message points into another file survives edits there;
- the text of the flagged line with its whitespace collapsed, and the lines that enclose it (each
  line above with less indentation: the YAML keys or Python blocks it sits in). A finding keeps its
  fingerprint when lines move, and the same `min: 0` under two parameters gives two fingerprints;
- an occurrence number that tells identical findings on identical lines apart.

The line number is used only when the file's text is not available.
"""

from __future__ import annotations

import hashlib
import re

# `train.py:12`, `'the program':12:4` and `line 7` / `lines 3` in messages
_LINE_REFERENCE = re.compile(r"(?<=[\w'\")\]]):\d+(?::\d+)?|\blines? \d+")
_SPACES = re.compile(r"\s+")
_COMMENT = re.compile(r"\s+#.*$")   # a trailing comment: editing it (or adding a suppression) keeps the fingerprint
MAX_ENCLOSING = 20   # enclosing lines looked at (deeply nested data gains nothing from more)


def _normalised(line: str) -> str:
    return _SPACES.sub(" ", _COMMENT.sub("", line).strip())


def anchor_text(lines: list[str], line: int) -> str:
    """The flagged line and the lines that enclose it, normalised, innermost first."""
    if not 0 < line <= len(lines):
        return ""
    flagged = lines[line - 1]
    parts = [_normalised(flagged)]
    indent = len(flagged) - len(flagged.lstrip()) if flagged.strip() else None
    for index in range(line - 2, -1, -1):
        if indent == 0 or len(parts) > MAX_ENCLOSING:
            break
        text = lines[index]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        own = len(text) - len(text.lstrip())
        if indent is None or own < indent:
            parts.append(_normalised(text))
            indent = own
    return "\n".join(parts)


def message_key(message: str) -> str:
    """The message without the line numbers it quotes."""
    return _LINE_REFERENCE.sub(":#", message)


def fingerprint(d, texts: dict | None, occurrence: int = 0, root: str | None = None, lines: list[str] | None = None) -> str:
    """One finding's fingerprint (32 hex digits). `texts` maps a path to the file's text."""
    from sweeplint.report import relative_path

    if lines is None:
        text = (texts or {}).get(d.path)
        if text is not None:
            from sweeplint.source import split_lines

            lines = split_lines(text)
    anchor = f"text:{anchor_text(lines, d.span.line)}" if lines is not None else f"line:{d.span.line}"
    key = "\0".join((relative_path(d.path, root), d.code, message_key(d.message), anchor, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def fingerprints(diagnostics, texts: dict | None, root: str | None = None) -> list[str]:
    """The fingerprint of each diagnostic, in order; repeated ones get their occurrence number."""
    from sweeplint.source import split_lines

    split: dict[str, list[str]] = {p: split_lines(t) for p, t in (texts or {}).items()}
    keys: list[str] = []
    seen: dict[str, int] = {}
    for d in diagnostics:
        base = fingerprint(d, None, root=root, lines=split.get(d.path))
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        keys.append(base if occurrence == 0 else fingerprint(d, None, occurrence, root, split.get(d.path)))
    return keys
