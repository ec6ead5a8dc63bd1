"""JUnit XML, as CI systems display test reports: one test case per checked file, one failure
per finding in it. A file with no finding is a passing test case.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

_INVALID_XML = dict.fromkeys(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped."""
    return str(text).translate(_INVALID_XML).replace("\ufffe", "").replace("\uffff", "")


def _attr(text) -> str:
    return quoteattr(_clean(str(text)))


def render(diagnostics, ctx) -> str:
    from sweeplint.report import relative_path

    files: list[str] = []
    seen: set[str] = set()
    by_file: dict[str, list] = {}
    for path in list(getattr(ctx, "files", None) or ()) + [d.path for d in diagnostics]:
        key = relative_path(path)
        if key not in seen:
            seen.add(key)
            files.append(key)
    for d in diagnostics:
        by_file.setdefault(relative_path(d.path), []).append(d)

    failures = sum(1 for path in files if by_file.get(path))   # failed test cases, as JUnit counts them
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(f'<testsuites name="sweeplint" tests={_attr(len(files))} failures={_attr(failures)} errors="0">')
    out.append(f'  <testsuite name="sweeplint" tests={_attr(len(files))} failures={_attr(failures)} errors="0" skipped="0">')
    for path in files:
        found = by_file.get(path, [])
        head = f"    <testcase classname=\"sweeplint\" name={_attr(path)} file={_attr(path)}"
        if not found:
            out.append(head + "/>")
            continue
        out.append(head + ">")
        for d in found:
            body = f"{path}:{d.span.line}:{d.span.column}: {d.severity}: {d.code} {d.message}"
            for r in d.related:
                body += f"\n  {relative_path(r.path)}:{r.span.line}:{r.span.column}: {r.message}"
            if d.help:
                body += f"\n  help: {d.help}"
            out.append(
                f"      <failure type={_attr(d.code + ' ' + d.name)} message={_attr(d.message)}>"
                f"{escape(_clean(body))}</failure>"
            )
        out.append("    </testcase>")
    out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
