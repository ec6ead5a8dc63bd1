"""A rule's documentation, rendered from its class and its catalogue file."""

from __future__ import annotations

from sweeplint.catalogue import rule_doc


def _examples(doc: dict, kind: str) -> list[dict]:
    return [e for e in (doc.get("examples", {}) or {}).get(kind, []) or [] if isinstance(e, dict)]


def explain(rule, fmt: str = "text", reports: bool = False) -> str:
    """The rule's page; with `reports`, the text page also shows what sweeplint reports on the bad
    example (message and help), which means checking it, so one rule at a time."""
    doc = rule_doc(rule.code)
    summary = str(doc.get("summary", "")).strip()
    why = str(doc.get("why", "")).strip()
    fix = str(doc.get("fix", "")).strip()
    how = str(doc.get("how_to_fix", "")).strip()
    if fmt == "markdown":
        out = [f"## {rule.code} {rule.name}", "", f"Default severity: **{rule.severity}**", "", summary, ""]
        out += ["### Why", "", why, ""] if why else []
        out += ["### How to fix", "", how or fix, ""]
        out += [f"**Automatic fix:** {_automatic_fix(doc)}", ""] if doc.get("fix_applicability") else []
        for kind, title in (("bad", "Bad"), ("good", "Good")):
            for example in _examples(doc, kind):
                # a round-to-round example's earlier versions (committed, oldest first), then the new one
                versions = [(f"{title}, earlier version {i + 1}", ", committed", v) for i, v in enumerate(example.get("previous") or [])]
                for label, note, files in versions + [(title, "", example.get("files") or {})]:
                    for name, content in files.items():
                        lang = "python" if name.endswith(".py") else "json" if name.endswith(".json") else "text" if name.endswith(".csv") else "yaml"
                        out += [f"{label} (`{name}`{note}):", "", f"```{lang}", str(content).rstrip("\n"), "```", ""]
        return "\n".join(out) + "\n"
    out = [f"{rule.code} {rule.name} [{rule.severity}]", "", summary, ""]
    if why:
        out += ["Why:", _indent(why), ""]
    out += ["How to fix:", _indent(how or fix), ""]
    out += ["Automatic fix:", _indent(_wrap(_automatic_fix(doc))), ""] if doc.get("fix_applicability") else []
    for kind in ("bad", "good"):
        examples = _examples(doc, kind)
        if not examples:
            continue
        out += [f"Example ({kind}):"]
        earlier = [(f" (earlier version {i + 1}, committed)", v) for i, v in enumerate(examples[0].get("previous") or [])]
        for note, files in earlier + [(" (now)" if earlier else "", examples[0].get("files") or {})]:
            for name, content in files.items():
                out += [f"  # {name}{note}", _indent(str(content).rstrip("\n"), 4)]
        reported = _reported(rule, examples[0]) if kind == "bad" and reports and not earlier else []
        if reported:
            out += ["", "What sweeplint reports on it (the message, then its help):", *reported]
        out.append("")
    return "\n".join(out) + "\n"


def _automatic_fix(doc: dict) -> str:
    """Which fix the rule offers: safe ones `--fix` applies, unsafe ones need `--unsafe-fixes`."""
    kind = str(doc.get("fix_applicability")).strip()
    how = {"safe": "safe (`sweeplint check --fix` applies it)",
           "unsafe": "unsafe (`sweeplint check --fix --unsafe-fixes` applies it)"}.get(
        kind, f"{kind} (`--fix` applies the safe ones, `--fix --unsafe-fixes` all)")
    note = str(doc.get("fix_note", "")).strip()
    return f"{how}. {note}" if note else how + "."


def _wrap(text: str) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, 98))


def _reported(rule, example: dict) -> list[str]:
    """The findings of `rule` on a catalogue example, checked in a scratch folder as a user's files
    would be: each one's concise line and its help, so the rule's page shows both."""
    import tempfile
    import textwrap
    from pathlib import Path

    from sweeplint.settings import from_table

    files = example.get("files") or {}
    try:
        with tempfile.TemporaryDirectory(prefix="sweeplint-rule-") as scratch:
            root = Path(scratch)
            for name, content in files.items():
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(str(content), encoding="utf-8")
            settings = from_table(example.get("settings") or {}, "example")
            settings.root = root
            settings.select, settings.extend_select = (rule.code,), ()   # only this rule is imported and run
            if "results" in example:
                from sweeplint.results.judge import judge

                space = example.get("space")
                found = judge([str(root / r) for r in example["results"]], settings,
                              str(root / space) if space else None).diagnostics
            else:
                from sweeplint.lint import lint_paths

                found = lint_paths([str(root / example.get("check", next(iter(files))))], settings).diagnostics
            lines = []
            for d in found:
                if d.code != rule.code:
                    continue
                where = Path(d.path).relative_to(root).as_posix() if Path(d.path).is_relative_to(root) else d.path
                lines.append(f"  {where}:{d.span.line}:{d.span.column}: {d.severity}: {d.code} {d.message}")
                if d.help:
                    lines.append(textwrap.fill(d.help, 100, initial_indent="    help: ", subsequent_indent=" " * 10))
            return lines
    except Exception:  # noqa: BLE001 - an example that cannot be checked still has its documentation
        return []


def _indent(text: str, n: int = 2) -> str:
    return "\n".join((" " * n + line) if line else "" for line in text.splitlines())
