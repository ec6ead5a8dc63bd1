"""Step 4 of the pipeline: the hyperparameter graph of a study.

Rules get it as a `sweeplint.study_graph.StudyGraph` (built on first request, no networkx);
`build_graph` gives the same graph as a networkx MultiDiGraph for the exports.

Nodes (string ids, so every export can show them):
    param:<name>    a parameter: name, family, family_kind, log_scale, conditional_on, role,
                    role_declared, role_reason, space, varied, values/low/high, line, column
                    (the rules' graph: only kind, name, family, family_kind, space, varied, values)
    metric:<name>   the objective (name, goal)
    code:... call:...  code sites, added by `sweeplint.codefacts.graph.add_code_facts` when the
                    program's facts are known
Edges (attribute `kind`):
    conditional-on  child param -> parent param (`values`: the parent values it exists for,
                    `source`: "config"); code sites -> parent param with `op`/`values` from the code
    interacts-with  between two params whose families interact (`why_a`, `why_b`); one edge per
                    pair, in the exports only: the rules' graph keeps them per family
                    (`FamilyInteractions`, asked with `interaction_between`)
    derived-from    a -> b when the value the program gets for a is computed from b (an OmegaConf
                    `${b}` interpolation in a, `wd = cfg.wd * cfg.width` in the code); `via` says which
    consumed-by, logged-by   from the code facts

Rules ask the graph (`interaction_between`, `active_values`) instead of re-deriving relations, so
evidence from the training code joins without changing them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sweeplint.model import MethodKind, Parameter, Space, Study, number
from sweeplint.records import record
from sweeplint.study_graph import StudyGraph  # (a small module: imported here, not on every build)

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


def param_node(name: str) -> str:
    return f"param:{name}"


def _plain(value: Any) -> Any:
    """A JSON- and DOT-friendly copy of a literal value."""
    kind = type(value)
    if kind is str or kind is bool:  # (the common cases first: a graph holds every value of every parameter)
        return value
    if kind is float:
        return "nan" if value != value else value
    if kind is int:
        return value if abs(value) <= 2**53 else str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, float) and value != value:  # NaN
            return "nan"
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
            return str(value)
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


# Space.X.value through the enum's descriptor costs several times a dict look-up, for every node.
_SPACE_NAMES = {space: space.value for space in Space}
_METHOD_KIND_NAMES = {kind: kind.value for kind in MethodKind}


def describe_space(p: Parameter) -> str:
    """`{4, 6, 8}`, `log-uniform 1e-05 .. 0.1`, `= 0.01`: a short text for labels."""
    if p.space is Space.CONSTANT:
        return f"= {_short(p.constant_value)}"
    if p.space is Space.CATEGORICAL:
        shown = ", ".join(_short(v.value) for v in p.values[:6]) + (", ..." if len(p.values) > 6 else "")
        return "{" + shown + "}"
    if p.space in (Space.UNIFORM, Space.INT, Space.QUANTIZED):
        low, high = number(p.low), number(p.high)
        scale = "log-" if p.log else ""
        kind = p.space.value  # "uniform", "int" or "quantized"
        if low is not None and high is not None:
            return f"{scale}{kind} {low:g} .. {high:g}"
        return f"{scale}{kind}"
    return p.space.value


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:21] + "..."


class FamilyInteractions:
    """Which parameters interact, kept per family and asked per pair.

    An interacts-with edge per pair grows with the square of the parameters: a thousand parameters
    of interacting families are some 250,000 edges and as many reasons, built on every study whether
    or not a rule asks. The rules' graph keeps this instead (linear in the parameters); the exports
    (`build_graph`) still get one edge per pair."""

    def __init__(self, families: dict[str, str], knowledge: Any):
        self._family = families  # parameter name -> its family's name, for the names that have one
        self._knowledge = knowledge
        self._reasons: dict[tuple[str, str], str | None] = {}

    def between(self, name: str, other: str) -> str | None:
        """Why fixing `name` spoils comparisons over `other`, if their families interact."""
        fa, fb = self._family.get(name), self._family.get(other)
        if fa is None or fb is None or fa == fb:
            return None
        key = (fa, fb)
        if key not in self._reasons:
            inter = self._knowledge.interaction(fa, fb)
            self._reasons[key] = None if inter is None else inter.reason(fa, fb, self._knowledge)
        return self._reasons[key]


def build_graph(study: Study, knowledge: Any, roles: Any, facts: Any = None):
    """The networkx MultiDiGraph of a study; with `facts` (codefacts.ProgramFacts), code sites too."""
    return build_study_graph(study, knowledge, roles, facts, interaction_edges=True).to_networkx()


def build_study_graph(study: Study, knowledge: Any, roles: Any, facts: Any = None, interaction_edges: bool = False):
    """The graph of a study as the rules query it (a StudyGraph); with `facts`, code sites too.
    Interactions are kept per family (`graph.interactions`); `interaction_edges` adds an
    interacts-with edge per pair too, and the parameter nodes' other attributes (roles, `describe`
    label, spans, bounds), for the exports."""
    graph = StudyGraph(
        name=study.name or "",
        format=study.format,
        method=study.method.name if study.method is not None else None,
        method_kind=_METHOD_KIND_NAMES[study.method.kind] if study.method is not None else None,
        phase=roles.phase,
        phase_declared=roles.phase_declared,
        phase_reason=roles.phase_reason,
        goal=roles.goal,
    )
    families = {}  # parameter name -> its family's name, for the names that have one
    family_of = knowledge.family_of if knowledge is not None else lambda name: None
    by_name = {}  # the first parameter of each name, as study.parameter gives it
    for p in study.parameters:
        by_name.setdefault(p.name, p)
        family = family_of(p.name)
        if family is not None:
            families[p.name] = family.name
        if interaction_edges:
            attrs = _exported_parameter(p, family, roles.of(p.name))
        else:
            # The rules read only these keys of a parameter node; the others (roles, spans, bounds,
            # the family's notes) are for the exports, and making them for every parameter of every
            # study was most of building a rules' graph.
            attrs = {
                "kind": "parameter",
                "name": p.name,
                "family": family.name if family else None,
                "family_kind": family.kind if family else None,
                "space": _SPACE_NAMES[p.space],
                "varied": p.varies,
            }
            if p.values:
                attrs["values"] = [_plain(v.value) for v in p.values]
        graph.add_node_from(f"param:{p.name}", attrs)  # (param_node's key, without a call per parameter)
    for p in study.parameters:
        cond = p.condition
        if cond is None or cond.parent not in by_name:
            continue
        child, parent, values = param_node(p.name), param_node(cond.parent), [_plain(v) for v in cond.values]
        if not any(d.get("kind") == "conditional-on" and d.get("values") == values
                   for d in (graph.get_edge_data(child, parent) or {}).values()):
            graph.add_edge(child, parent, kind="conditional-on", values=values, source="config")
    interactions = graph.interactions = FamilyInteractions(families, knowledge)
    if interaction_edges:
        # One node per name: a parameter repeated under several branches of a choice (NNI nested
        # choices) is one node with one conditional-on edge per branch.
        names = list(dict.fromkeys(p.name for p in study.parameters))
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                why_a = interactions.between(a, b)
                if why_a is not None:
                    graph.add_edge(param_node(a), param_node(b), kind="interacts-with",
                                   families=[families[a], families[b]], why_a=why_a,
                                   why_b=interactions.between(b, a))
    for d in study.derivations:
        target = param_node(d.target)
        if target not in graph:
            graph.add_node(target, kind="config-key", name=d.target)
        for source in d.sources:
            key = param_node(source)
            if key not in graph:
                graph.add_node(key, kind="config-key", name=source)
            if key != target:
                graph.add_edge(target, key, kind="derived-from", via=d.via, path=d.path,
                               line=d.span.line, column=d.span.column)
    if study.objective is not None and isinstance(study.objective.name.value, str):
        metric = study.objective.name.value
        graph.add_node(f"metric:{metric}", kind="metric", name=metric, goal=study.objective.goal)
    if facts is not None:
        try:
            from sweeplint.codefacts.graph import add_code_facts
        except ImportError:  # the code-facts step is not installed in this build
            add_code_facts = None
        if add_code_facts is not None:
            add_code_facts(graph, study, facts)
    return graph


def _exported_parameter(p: Parameter, family: Any, assignment: Any) -> dict:
    """Every attribute of a parameter's node, as the exports (`build_graph`) show it."""
    attrs = {
        "kind": "parameter",
        "name": p.name,
        "family": family.name if family else None,
        "family_kind": family.kind if family else None,
        "log_scale": bool(family.log_scale) if family else False,
        "conditional_on": list(family.conditional_on) if family else [],
        "role": assignment.role if assignment else None,
        "role_declared": bool(assignment and assignment.declared),
        "role_reason": assignment.reason if assignment else "",
        "space": _SPACE_NAMES[p.space],
        "distribution": p.distribution,
        "varied": p.varies,
        "log": p.log,
        "describe": describe_space(p),
        "line": p.key_span.line,
        "column": p.key_span.column,
    }
    if p.values:
        attrs["values"] = [_plain(v.value) for v in p.values]
    if p.low is not None:
        attrs["low"] = _plain(p.low.value)
    if p.high is not None:
        attrs["high"] = _plain(p.high.value)
    return attrs


# --- queries the rules use ------------------------------------------------------------------------


def parameter_nodes(graph, role: str | None = None, varied: bool | None = None) -> list[dict]:
    out = []
    for _, data in graph.nodes(data=True):
        if data.get("kind") != "parameter":
            continue
        if role is not None and data.get("role") != role:
            continue
        if varied is not None and bool(data.get("varied")) != varied:
            continue
        out.append(data)
    return out


def derived_from(graph, name: str) -> list[str]:
    """The names whose values the value of `name` is computed from, followed through chains of
    derivations (`a: ${b}`, `b: ${c}` gives b and c): an interpolation of an interpolation, or a
    code expression over a derived key, still makes a depend on c."""
    key = param_node(name)
    if key not in graph:
        key = f"code-key:{name}"
        if key not in graph:
            return []
    found = _reachable(graph, key, lambda u, v, d: d.get("kind") == "derived-from")
    return sorted(graph.nodes[n].get("name", n) for n in found - {key})


def _reachable(graph, start: str, follow) -> set[str]:
    """Nodes reachable from `start` along the edges `follow` accepts (a StudyGraph or networkx graph)."""
    if hasattr(graph, "reachable"):
        return graph.reachable(start, follow)
    seen: set[str] = set()
    pending = [start]
    while pending:
        u = pending.pop()
        for _, v, d in graph.out_edges(u, data=True):
            if v not in seen and follow(u, v, d):
                seen.add(v)
                pending.append(v)
    return seen


def node(graph, name: str) -> dict | None:
    # (a StudyGraph's or a networkx graph's node view; the key spelled as param_node does, without
    # its call: rules ask this some 5,000 times a run)
    return graph.nodes.get(f"param:{name}")


def interaction_between(graph, name: str, other: str) -> str | None:
    """Why fixing parameter `name` spoils comparisons over parameter `other`, if their families
    interact (a graph of `build_study_graph`)."""
    return graph.interactions.between(name, other)


def interactions_of(graph, name: str) -> list[tuple[str, str]]:
    """(other parameter, why fixing *name* spoils comparisons over the other) for each interacts-with
    edge of an exported graph (`build_graph`)."""
    key = param_node(name)
    if key not in graph:
        return []
    out = []
    for u, v, data in list(graph.out_edges(key, data=True)) + list(graph.in_edges(key, data=True)):
        if data.get("kind") != "interacts-with":
            continue
        other = v if u == key else u
        why = data.get("why_a") if u == key else data.get("why_b")
        out.append((graph.nodes[other]["name"], why or ""))
    return out


@record(frozen=True, slots=True)
class Activity:
    """The values of a parent under which a parameter is used, and what says so."""

    values: frozenset | None      # normalised parent values (None: unknown)
    source: str                   # "config" | "code" | "knowledge" | "none"
    sites: tuple = ()             # (path, line, column) of the code reads that gave the evidence
    branches: tuple = ()          # config: the values of each separate copy (one per branch of a choice)

    def groups(self) -> tuple:
        """The sets of parent values that share one sampled value of the parameter."""
        if self.values is None:
            return ()
        return self.branches or (self.values,)


def norm_value(value: Any) -> Any:
    """A choice value as compared across config, code and knowledge: strings case-folded, and
    anything unhashable (a list given as a choice) by its text."""
    if isinstance(value, str):
        return value.strip().lower()
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


_norm = norm_value


def active_values(graph, child: str, parent: str, parent_values: Iterable[Any], knowledge: Any) -> Activity:
    """Under which values of `parent` the parameter `child` has an effect.

    Evidence, strongest first: the config's own condition (a nested choice), the program's code
    (reads of the parameter under `if` tests on the parent, when code facts are in the graph), the
    knowledge base (momentum exists for SGD, not for Adam). Unknown optimizers make it unknown.
    """
    everything = frozenset(map(_norm, parent_values))
    ckey, pkey = param_node(child), param_node(parent)
    if ckey not in graph or pkey not in graph:
        return Activity(None, "none")
    edges = graph.out_edges(ckey, data=True)
    child_data = graph.nodes[ckey]
    conditional = child_data.get("kind") == "parameter" and any(d.get("kind") == "conditional-on" for _, _, d in edges)
    if conditional:  # (a parameter with no condition of its own heads no chain of them either)
        branches = tuple(
            frozenset(_norm(v) for v in data.get("values", ())) & everything
            for _, target, data in edges if target == pkey and data.get("kind") == "conditional-on"
        )
        if branches:
            return Activity(frozenset().union(*branches), "config", branches=branches)
        chained = _through_chain(graph, ckey, pkey, everything)
        if chained:
            return Activity(frozenset().union(*chained), "config", branches=chained)
    # Code: reads of the child, and the conditions on the parent around each read.
    sites = [t for _, t, d in edges if d.get("kind") == "consumed-by" and graph.nodes[t].get("kind") == "code-site"]
    if sites:
        active: set = set()
        known = True
        where = []
        for site in sites:
            tests = [d for _, t, d in graph.out_edges(site, data=True) if t == pkey and d.get("kind") == "conditional-on"]
            data = graph.nodes[site]
            where.append((data.get("path"), data.get("line"), data.get("column")))
            here = set(everything)
            for test in tests:
                values = {_norm(v) for v in test.get("values", ())}
                op = test.get("op")
                if op in ("==", "in"):
                    here &= values
                elif op in ("!=", "not in"):
                    here -= values
                else:
                    known = False
            active |= here
        if known:
            return Activity(frozenset(active), "code", tuple(where))
    family = knowledge.families.get(child_data["family"]) if child_data.get("family") else None
    if family is None or not family.conditional_on:
        return Activity(everything, "knowledge" if family is not None else "none")
    active = set()
    for value in parent_values:
        uses = knowledge.uses(family, value)
        if uses is None:
            return Activity(None, "none")
        if uses:
            active.add(_norm(value))
    return Activity(frozenset(active), "knowledge")


def _through_chain(graph, ckey: str, pkey: str, everything: frozenset) -> tuple:
    """The parent values under which a parameter nested two or more levels deep exists: `lr` under
    `sgd_config=a`, itself under `optimizer=sgd`, exists only for optimizer=sgd. One set per chain."""
    def follow(u, v, d) -> bool:
        return d.get("kind") == "conditional-on" and graph.nodes[u].get("kind") == "parameter"

    if pkey not in _reachable(graph, ckey, follow):
        return ()
    # A chain of two or more conditions: rare, and the one place a path algorithm is worth importing.
    import networkx as nx

    conditional = graph.to_networkx(follow) if hasattr(graph, "to_networkx") else nx.subgraph_view(
        graph, filter_edge=lambda u, v, k: follow(u, v, graph.edges[u, v, k]))
    out = []
    for path in nx.all_simple_paths(conditional, ckey, pkey, cutoff=8):
        last = path[-2]
        for data in graph.get_edge_data(last, pkey).values():
            if data.get("kind") == "conditional-on":
                out.append(frozenset(_norm(v) for v in data.get("values", ())) & everything)
        if len(out) >= 64:
            break
    return tuple(dict.fromkeys(out))


_NOT_KEPT = object()  # (a memo's answer may be anything, None and () included)


def _kept(graph, key: tuple, work, *args):
    """`work(*args)`, kept in a StudyGraph's memo under `key`: several rules ask the same question of a
    study's graph, which does not change while they run (a graph without a memo computes it again).
    (The work is named with its arguments, not wrapped in a closure: most askers find the answer
    kept, and a closure was made for every one of them; and a miss is found with `get`, not by
    catching KeyError, which cost more than the look-up.)"""
    memo = getattr(graph, "memo", None)
    if memo is None:
        return work(*args)
    found = memo.get(key, _NOT_KEPT)
    if found is _NOT_KEPT:
        found = memo[key] = work(*args)
    return found


def choice_parents(graph, kinds: Iterable[str] = ("optimizer-choice",)) -> list[dict]:
    """Varied categorical parameters of the given family kinds with two or more distinct values:
    the parents other parameters may be conditional on (two rules ask it of every study)."""
    kinds = tuple(kinds)
    return list(_kept(graph, ("choice_parents", kinds), _choice_parents, graph, kinds))


def _choice_parents(graph, kinds: tuple[str, ...]) -> tuple[dict, ...]:
    # (the family's kind tested first: most parameters are no choice of these kinds)
    return tuple(data for _, data in graph.nodes(data=True)
                 if data.get("family_kind") in kinds and data.get("kind") == "parameter" and data.get("varied")
                 and data.get("space") == "categorical" and len(distinct_values(data)) >= 2)


def choice_values(graph, parent: dict) -> list:
    """The distinct values of a choice parent (a node of `choice_parents`), kept per study: two
    rules ask them for every parameter the choice governs. The caller must not change the list."""
    return _kept(graph, ("choice_values", parent["name"]), distinct_values, parent)


def choice_activity(graph, child: str, parent: dict, knowledge: Any) -> Activity:
    """`active_values` of a parameter under the distinct values of a choice parent (a node of
    `choice_parents`), kept per study: SL303 and SL304 ask it for most of the same pairs, and the
    knowledge base does not change during a file's check either."""
    return _kept(graph, ("choice_activity", child, parent["name"]), _choice_activity, graph, child, parent, knowledge)


def _choice_activity(graph, child: str, parent: dict, knowledge: Any) -> Activity:
    return active_values(graph, child, parent["name"], choice_values(graph, parent), knowledge)


def distinct_values(data: dict) -> list:
    out = []
    for v in data.get("values", []):
        if v not in out:
            out.append(v)
    return out
