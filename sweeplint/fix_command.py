"""`sweeplint check --fix / --unsafe-fixes / --diff`: applying the fixes findings offer.

Fixes are applied per file, in passes: the fixes of one pass whose edits do not overlap are applied
together (an overlapping one waits for the next pass), the file is checked again in memory, and
the new findings' fixes make the next pass, until nothing changes or MAX_PASSES is reached. Files
are written once, atomically, at the end; then the paths are checked again so the report shows
what remains. `--diff` prints what `--fix` would change as a unified diff and writes nothing.
Standard input (`-`) with `--fix` prints the fixed text to standard output and the report to
standard error.
"""

from __future__ import annotations

import sys

from sweeplint.fixes import Fix, line_starts, offset
from sweeplint.records import field, record

MAX_PASSES = 10
EXIT_OK, EXIT_FINDINGS = 0, 1


def applicable(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (unsafe or fix.safe)


def apply_fixes(text: str, fixes: list[Fix], path: str) -> tuple[str, int]:
    """`text` with every fix whose edits overlap no earlier fix's applied; how many were applied.

    Fixes are taken in the order of their first edit; a fix whose edit is not in the text (a stale
    span) is skipped. Every edit of a fix is applied, or none."""
    starts = line_starts(text, path)
    ranges: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, str]] = []
    applied = 0
    keyed = []
    for fix in fixes:
        edits = []
        for edit in fix.edits:
            if edit.path is not None and edit.path != path:
                break
            start = offset(starts, text, edit.span.line, edit.span.column)
            end = offset(starts, text, edit.span.end_line, edit.span.end_column)
            if start is None or end is None or end < start:
                break
            edits.append((start, end, edit.text))
        else:
            if edits:
                keyed.append((min(e[0] for e in edits), edits))
    for _, edits in sorted(keyed, key=lambda item: item[0]):
        if any(_overlap(a, b, c, d) for a, b, _ in edits for c, d in ranges):
            continue
        ranges.extend((a, b) for a, b, _ in edits)
        chosen.extend(edits)
        applied += 1
    # From the end backwards; of two insertions at one point the one listed first ends up first.
    for _, _, start, end, new in sorted(((e[0], i, *e) for i, e in enumerate(chosen)), reverse=True):
        text = text[:start] + new + text[end:]
    return text, applied


def _overlap(a: int, b: int, c: int, d: int) -> bool:
    """Whether two edits collide: their ranges share a character, or both insert at one point."""
    return (a < d and c < b) or (a == b == c == d) or (a == b and c < a < d) or (c == d and a < c < b)


@record
class FixRun:
    """The texts --fix produced, the originals, and the fixes applied per file."""

    texts: dict[str, str] = field(default_factory=dict)      # path -> fixed text (changed files only)
    originals: dict[str, str] = field(default_factory=dict)  # path -> text before
    counts: dict[str, int] = field(default_factory=dict)     # path -> fixes applied

    @property
    def fixed(self) -> int:
        return sum(self.counts.values())


def fix_in_memory(diagnostics, unsafe: bool, read, relint) -> FixRun:
    """Apply fixes pass after pass until stable. `read(path)` gives a file's text (None when it
    cannot be read); `relint(path, text)` the diagnostics of that text."""
    run = FixRun()
    pending: dict[str, list[Fix]] = {}
    for d in diagnostics:
        if applicable(d.fix, unsafe):
            pending.setdefault(d.path, []).append(d.fix)
    for path, fixes in pending.items():
        text = read(path)
        if text is None:
            continue
        original = text
        for _ in range(MAX_PASSES):
            new, count = apply_fixes(text, fixes, path)
            if count == 0 or new == text:
                break
            run.counts[path] = run.counts.get(path, 0) + count
            text = new
            fixes = [d.fix for d in relint(path, text) if d.path == path and applicable(d.fix, unsafe)]
            if not fixes:
                break
        if text != original:
            run.texts[path] = text
            run.originals[path] = original
        else:
            run.counts.pop(path, None)
    return run


def unified_diff(run: FixRun) -> str:
    import difflib

    out = []
    for path in sorted(run.texts):
        out.extend(difflib.unified_diff(run.originals[path].splitlines(True), run.texts[path].splitlines(True),
                                        fromfile=path, tofile=path))
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += "\n\\ No newline at end of file\n"
    return "".join(out)


def write_text(path: str, text: str) -> None:
    """Atomically, in the file's own encoding (and byte-order mark), keeping its permissions."""
    from sweeplint.source import _BOMS, read_bytes, replace_file

    data = read_bytes(path)
    encoded = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            encoded = bom + text.encode(encoding)
            break
    if encoded is None:
        encoded = text.encode("utf-8")
    replace_file(path, encoded)


def fixable_counts(diagnostics) -> tuple[int, int]:
    """(findings --fix would fix, findings only --unsafe-fixes would)."""
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.safe)
    unsafe = sum(1 for d in diagnostics if d.fix is not None and not d.fix.safe)
    return safe, unsafe


def summary_note(result) -> str:
    """What the summary line adds about fixes: how many were applied, how many more could be."""
    out = ""
    fixed = getattr(result, "fixed", 0)
    if fixed:
        out += f" Fixed {fixed} problem{'s' if fixed != 1 else ''}."
    safe, unsafe = fixable_counts(result.diagnostics)
    if getattr(result, "unsafe_fixes", False):
        safe, unsafe = safe + unsafe, 0
    if safe and unsafe:
        out += f" {safe} fixable with --fix; {unsafe} more with --unsafe-fixes."
    elif safe:
        out += f" {safe} fixable with --fix."
    elif unsafe:
        out += f" {unsafe} fixable with --fix --unsafe-fixes."
    return out


def after_lint(args, result, settings, stdin, lint):
    """The command line's step after the first check: nothing without --fix/--diff; else apply or
    show the fixes. Returns the result to report, or an exit code when the run is over (--diff, or
    --fix on standard input). `lint(paths, stdin)` checks again with the run's settings."""
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    result.unsafe_fixes = unsafe
    if not (args.fix or args.diff):
        return result

    def read(path: str) -> str | None:
        if stdin is not None and path == stdin[0]:
            return stdin[1] if isinstance(stdin[1], str) else None
        from sweeplint.source import UnreadableFile, read_text

        try:
            return read_text(path)
        except (OSError, UnreadableFile):
            return None

    def relint(path: str, text: str):
        return lint([path], (path, text)).diagnostics

    checked = set(result.files)
    run = fix_in_memory([d for d in result.diagnostics if d.path in checked], unsafe, read, relint)
    if args.diff:
        sys.stdout.write(unified_diff(run))
        sys.stdout.flush()
        n = run.fixed
        sys.stderr.write(f"Would fix {n} problem{'s' if n != 1 else ''}.\n" if n else "No fixes available.\n")
        return EXIT_FINDINGS if run.texts else EXIT_OK
    if stdin is not None:
        return _fix_stdin(args, settings, stdin, run, lint)
    for path, text in list(run.texts.items()):
        try:
            write_text(path, text)
        except OSError as exc:   # a read-only file: said once, the others are still fixed
            sys.stderr.write(f"sweeplint: error: cannot write the fixes to {path}: {exc.strerror or exc}\n")
            del run.texts[path]
            run.counts.pop(path, None)
    if run.texts:
        result = lint(args.paths or ["."], None)
    result.fixed = run.fixed
    result.unsafe_fixes = unsafe
    return result


def _fix_stdin(args, settings, stdin, run: FixRun, lint) -> int:
    """The fixed text to standard output (the input unchanged when nothing was fixed), and what
    remains to standard error, as concise lines."""
    from sweeplint.report import ReportContext
    from sweeplint.report.concise import render

    name, content = stdin
    text = run.texts.get(name, content if isinstance(content, str) else "")
    sys.stdout.write(text)
    sys.stdout.flush()
    result = lint([name], (name, text))
    result.fixed = run.fixed
    result.unsafe_fixes = bool(getattr(args, "unsafe_fixes", False))
    sys.stderr.write(render(result.diagnostics, ReportContext()))
    n = len(result.diagnostics)
    if not getattr(args, "quiet", False):
        found = f"Found {n} problem{'s' if n != 1 else ''}." if n else "All checks passed."
        sys.stderr.write(f"{found}{summary_note(result)}\n")
    if getattr(args, "exit_zero", False):
        return EXIT_OK
    return EXIT_FINDINGS if any(d.severity >= settings.fail_on for d in result.diagnostics) else EXIT_OK
