"""A rule's documentation, rendered from its class and its catalogue file."""

from __future__ import annotations

from sweeplint.catalogue import rule_doc


def _examples(doc: dict, kind: str) -> list[dict]:
    return [e for e in (doc.get("examples", {}) or {}).get(kind, []) or [] if isinstance(e, dict)]


def explain(rule, fmt: str = "text") -> str:
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


def _indent(text: str, n: int = 2) -> str:
    return "\n".join((" " * n + line) if line else "" for line in text.splitlines())
