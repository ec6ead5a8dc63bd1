"""`sweeplint check --add-noqa`: a suppression comment for every current finding.

Each finding gets `# sweeplint: disable=SLxxx` at the end of its line (the syntax sweeplint.source
reads). A line that already has a `disable` directive gets the new codes merged into it; a line with
another `# sweeplint:` comment gets the directive as one more `;`-separated item; any other comment
stays and the directive follows it. Nothing else in the file changes (line endings, a UTF-8 BOM).

Findings that cannot be suppressed on their line are left alone and counted: findings in JSON files
(JSON has no comments), lines that end inside a multi-line string or a YAML block scalar, a Python
line continued with a backslash, and findings about sweeplint's own comments or reading the file
(SL000, SL001, SL002, SL999), which are fixed rather than suppressed.
"""

from __future__ import annotations

import io
import re

from sweeplint.records import field, record

NOT_SUPPRESSED = ("SL000", "SL001", "SL002", "SL999")
_BREAK = re.compile(r"(\r\n|[\r\n\x85\u2028\u2029])")


@record
class NoqaResult:
    """What --add-noqa did."""

    added: int = 0                                     # codes written (a new directive or merged)
    files: list[str] = field(default_factory=list)     # files changed
    skipped: int = 0                                   # findings that could not be suppressed in place

    def summary(self) -> str:
        files = len(self.files)
        line = f"Added {self.added} suppression{'s' if self.added != 1 else ''}"
        line += f" to {files} file{'s' if files != 1 else ''}." if self.added else "."
        if self.skipped:
            line += (f" {self.skipped} finding{'s' if self.skipped != 1 else ''} cannot be suppressed on "
                     f"{'their' if self.skipped != 1 else 'its'} line (JSON files, lines inside multi-line strings, "
                     "findings located in another file, SL000-SL002); fix them or use per-file-ignores.")
        return line + "\n"


def add_noqa(diagnostics, checked_files: list[str]) -> NoqaResult:
    """Write the suppressions for `diagnostics` into the checked sweep files."""
    result = NoqaResult()
    wanted: dict[str, dict[int, list[str]]] = {}
    checked = set(checked_files)
    for d in diagnostics:
        if d.code in NOT_SUPPRESSED or d.path not in checked or not d.path.lower().endswith((".yaml", ".yml", ".py")):
            result.skipped += 1
            continue
        codes = wanted.setdefault(d.path, {}).setdefault(d.span.line, [])
        if d.code not in codes:
            codes.append(d.code)
    for path, by_line in sorted(wanted.items()):
        added, skipped = _add_to_file(path, by_line)
        result.added += added
        result.skipped += skipped
        if added:
            result.files.append(path)
    return result


def _add_to_file(path: str, by_line: dict[int, list[str]]) -> tuple[int, int]:
    from sweeplint.source import UnreadableFile, read_bytes, replace_file

    try:
        data = read_bytes(path)
    except (OSError, UnreadableFile):
        return 0, sum(len(c) for c in by_line.values())
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = data[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        return 0, sum(len(c) for c in by_line.values())
    pieces = _BREAK.split(text)    # line, break, line, break, ..., last line
    lines = pieces[0::2]
    blocked = _python_blocked(text) if path.lower().endswith(".py") else _yaml_blocked(text)
    added = skipped = 0
    for number, codes in sorted(by_line.items()):
        if not 0 < number <= len(lines) or number in blocked:
            skipped += len(codes)
            continue
        new_line, count = with_directive(lines[number - 1], number, codes)
        lines[number - 1] = new_line
        added += count
    if not added:
        return 0, skipped
    pieces[0::2] = lines
    replace_file(path, bom + "".join(pieces).encode("utf-8"))
    return added, skipped


def with_directive(line: str, number: int, codes: list[str]) -> tuple[str, int]:
    """The line with `codes` suppressed on it, and how many codes were added."""
    from sweeplint.source import parse_suppressions

    existing = [s for s in parse_suppressions(line) if s.kind == "disable" and s.malformed is None]
    for directive in existing:
        if directive.every_rule:
            return line, 0
        have = {c for c, _ in directive.codes}
        missing = [c for c in codes if c not in have]
        if not missing:
            return line, 0
        at = directive.codes[-1][1].end_column - 1
        return line[:at] + "".join(f",{c}" for c in missing) + line[at:], len(missing)
    directive = "disable=" + ",".join(codes)
    stripped = line.rstrip()
    if re.search(r"(?:^|\s)#\s*sweeplint\s*:", stripped, re.IGNORECASE):
        return stripped + f"; {directive}" + line[len(stripped):], len(codes)
    if not stripped:
        return f"# sweeplint: {directive}", len(codes)
    return stripped + f"  # sweeplint: {directive}" + line[len(stripped):], len(codes)


def _yaml_blocked(text: str) -> set[int]:
    """Lines (1-based) whose end lies inside a scalar: the lines of a block scalar after its
    header, and every line of a multi-line quoted or plain scalar but its last."""
    import yaml

    blocked: set[int] = set()
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if not isinstance(token, yaml.ScalarToken):
                continue
            start, end = token.start_mark.line + 1, token.end_mark.line + 1
            if end == start:
                continue
            last = end if token.end_mark.column > 0 else end - 1
            first = start + 1 if token.style in ("|", ">") else start
            if token.style in ("|", ">"):
                blocked.update(range(first, last + 1))
            else:
                blocked.update(range(first, end))
    except yaml.YAMLError:
        pass
    return blocked


def _python_blocked(text: str) -> set[int]:
    """Lines (1-based) whose end lies inside a multi-line string, or that end with a backslash."""
    import tokenize

    blocked: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                blocked.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        pass
    for number, line in enumerate(_BREAK.split(text)[0::2], start=1):
        if line.rstrip().endswith("\\") and "#" not in line:
            blocked.add(number)
    return blocked
