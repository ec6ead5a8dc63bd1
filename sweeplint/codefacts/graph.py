"""Code facts in the hyperparameter graph: code-site nodes, consumed-by and conditional-on edges.

Node ids (strings, so every export format can show them):
    param:<name>             a parameter of the study (added here if the graph lacks it)
    code:<path>:<line>:<col> a place in the program that reads a parameter, or a call it flows into
    metric:<name>            the objective (linked to the code sites that log it)
    code-key:<name>          a key the program reads but the study does not sweep (kind="code-key",
                             `name`, `path`, `line`), added only when it is derived together with a parameter
Edges (attribute `kind`):
    consumed-by      param -> code site that reads it; read site -> call site (`keyword`)
    conditional-on   code site -> param it is guarded by (`op`, `values`, `text`)
    logged-by        metric -> code site that logs it
    derived-from     param <-> param, or param <-> code-key, in both directions: the program combines the
                     two arithmetically (`lr = args.lr * args.batch_size / 256`); `via`="code", `path`,
                     `line`, `column` of the expression. So a rule can ask whether the learning rate is
                     scaled with the swept batch size.
"""

from __future__ import annotations

from sweeplint.codefacts.facts import ProgramFacts, key_matches
from sweeplint.codefacts.queries import normalise_metric
from sweeplint.model import Study

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


def param_node(name: str) -> str:
    return f"param:{name}"


def site_node(path: str, line: int, column: int) -> str:
    return f"code:{path}:{line}:{column}"


def add_code_facts(graph: Any, study: Study, facts: ProgramFacts) -> None:
    """Add what the program does with the study's parameters to a StudyGraph or networkx MultiDiGraph."""
    names = [p.name for p in study.parameters]
    for name in names:
        node = param_node(name)
        if node not in graph:
            graph.add_node(node, kind="parameter", name=name)
    for read in facts.reads:
        owners = [n for n in names if key_matches(read.root, read.key, n)]
        if not owners:
            continue
        site = site_node(read.path, read.span.line, read.span.column)
        graph.add_node(site, kind="code-site", path=read.path, line=read.span.line, column=read.span.column,
                       source=read.root, key=".".join(read.key), default=read.default if read.has_default else None)
        for owner in owners:
            graph.add_edge(param_node(owner), site, kind="consumed-by", how=read.how)
        for consumer in read.consumers:
            call = f"call:{read.path}:{consumer.line}:{consumer.func}"
            graph.add_node(call, kind="call", func=consumer.func, path=read.path, line=consumer.line)
            graph.add_edge(site, call, kind="consumed-by", keyword=consumer.keyword, via=consumer.via)
        for cond in read.conditions:
            if cond.root is None:
                continue
            tested = [n for n in names if key_matches(cond.root, cond.key, n)]
            for parent in tested:
                graph.add_edge(site, param_node(parent), kind="conditional-on", op=cond.op,
                               values=list(cond.values), text=cond.text)
    _add_derivations(graph, names, facts)
    if study.objective is not None and isinstance(study.objective.name.value, str):
        metric = study.objective.name.value
        node = f"metric:{metric}"
        if node not in graph:
            graph.add_node(node, kind="metric", name=metric)
        for m in facts.metrics:
            if m.key is not None and normalise_metric(m.key) == normalise_metric(metric):
                site = site_node(m.path, m.span.line, m.span.column)
                graph.add_node(site, kind="code-site", path=m.path, line=m.span.line, column=m.span.column, api=m.api)
                graph.add_edge(node, site, kind="logged-by", api=m.api)


def code_key_node(name: str) -> str:
    return f"code-key:{name}"


def _add_derivations(graph: Any, names: list[str], facts: ProgramFacts) -> None:
    """derived-from edges between the keys of each arithmetic combination, when one side is swept."""
    for d in facts.derivations:
        ends: list[list[str]] = []   # for each key involved: its param nodes, or its code-key node
        swept: list[bool] = []
        for root, key in d.reads:
            owners = [param_node(n) for n in names if key_matches(root, key, n)]
            swept.append(bool(owners))
            ends.append(owners or [code_key_node(".".join(key))])
        where = {"via": "code", "path": d.path, "line": d.span.line, "column": d.span.column}
        for i in range(len(ends)):
            for j in range(i + 1, len(ends)):
                if not (swept[i] or swept[j]):
                    continue  # neither key is a parameter of the study: nothing of the study to link
                for a in ends[i]:
                    for b in ends[j]:
                        if a == b:
                            continue
                        for node in (a, b):
                            if node.startswith("code-key:") and node not in graph:
                                graph.add_node(node, kind="code-key", name=node[len("code-key:"):], path=d.path, line=d.span.line)
                        graph.add_edge(a, b, kind="derived-from", **where)
                        graph.add_edge(b, a, kind="derived-from", **where)


def read_conditions(study: Study, facts: ProgramFacts, name: str) -> list[tuple]:
    """For each read of `name`: the tuple of (parent parameter, op, values) conditions it sits under.

    The evidence SL303/SL304 use from code: `momentum` read only under `optimizer == "sgd"` gives
    [(("optimizer", "==", ("sgd",)),)]; a read outside any `if` on a parameter gives [()].
    """
    names = [p.name for p in study.parameters]
    out = []
    for read in facts.reads_of(name):
        conds = []
        for cond in read.conditions:
            if cond.root is None:
                continue
            for parent in names:
                if key_matches(cond.root, cond.key, parent):
                    conds.append((parent, cond.op, tuple(cond.values)))
        out.append(tuple(conds))
    return out


# --- evidence for the conditional-hyperparameter rules (SL303 merged-conditional, SL304 unconditional-conditional)


def _norm(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def active_values(read, parent: str, choices: tuple) -> frozenset:
    """The values of `parent` under which a read runs, from the conditions around it."""
    active = set(_norm(v) for v in choices)
    for cond in read.conditions:
        if cond.root is None or not key_matches(cond.root, cond.key, parent):
            continue
        values = {_norm(v) for v in cond.values}
        if cond.op == "==":
            active &= values
        elif cond.op == "in":
            active &= values
        elif cond.op == "!=" or cond.op == "not in":
            active -= values
    return frozenset(active)


def conditional_evidence(study: Study, facts: ProgramFacts) -> list[dict]:
    """How the code uses each swept parameter across the values of a swept categorical parent.

    One dict per (parameter, parent) where the code's `if`s on the parent matter:
        kind "partial": the parameter is read only for some parent values (`active`), although the
                        sweep samples it for all of them (SL304: momentum swept while optimizer=adam);
        kind "shared":  the parameter is read in two or more branches that split the parent's values
                        (SL303: one learning rate for SGD and Adam).
    `sites` lists (path, span, condition text) of the reads.
    """
    from sweeplint.model import Space

    parents = [q for q in study.parameters if q.space is Space.CATEGORICAL and q.varies]
    out: list[dict] = []
    for p in study.varied:
        reads = [r for r in facts.reads_of(p.name)]
        if not reads:
            continue
        for q in parents:
            if q.name == p.name:
                continue
            choices = tuple(v.value for v in q.values)
            everything = frozenset(_norm(v) for v in choices)
            groups = {}
            for r in reads:
                conditioned = [c for c in r.conditions if c.root is not None and key_matches(c.root, c.key, q.name)]
                if not conditioned:
                    groups.setdefault(everything, []).append(r)
                    continue
                groups.setdefault(active_values(r, q.name, choices), []).append(r)
            if everything in groups:
                continue  # read whatever the parent is
            active = frozenset().union(*groups) if groups else frozenset()
            sites = tuple((r.path, r.span, " and ".join(c.text for c in r.conditions)) for rs in groups.values() for r in rs)
            if len([g for g in groups if g]) >= 2:
                out.append({"kind": "shared", "parameter": p.name, "parent": q.name,
                            "branches": tuple(sorted(tuple(sorted(map(str, g))) for g in groups if g)), "sites": sites})
            elif active and active < everything:
                out.append({"kind": "partial", "parameter": p.name, "parent": q.name,
                            "active": tuple(sorted(map(str, active))), "sites": sites})
    return out
