"""The hyperparameter graph as a picture: Graphviz DOT, Mermaid and JSON exports.

What the picture shows (besides the graph of sweeplint.graph):
    a legend            the role colours, a declared role's bold border, the finding marks, the edge kinds
    finding marks       a node a finding concerns gets a red (error), orange (warning) or blue (info)
                        border and a line naming the codes; node attribute `findings`: [[code, severity, message]]
    sampled range       node attribute `samples`: what the tool really draws, when it differs from the
                        bounds as written (a W&B log_uniform's bounds are exponents: `samples 1 .. 1.105`)
    code clusters       code sites (and calls, code keys) grouped in one cluster per file
The command that builds, annotates and renders the graph is sweeplint.graph_command.
"""

from __future__ import annotations

from sweeplint.graph import _plain

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

ROLE_STYLE = {  # DOT fill colour and Mermaid class per role
    "scientific": "#f4c542",
    "nuisance": "#9ecae1",
    "fixed": "#d9d9d9",
}
SEVERITY_STYLE = {  # border colour of a node with findings, by its worst severity
    "error": "#d62728",
    "warning": "#ff7f0e",
    "info": "#1f77b4",
}
_SEVERITY_ORDER = ("error", "warning", "info")
_CODE_KINDS = ("code-site", "call", "code-key")
_EDGE_STYLE = {  # kind -> (DOT attributes, legend text)
    "conditional-on": ({"style": "solid", "color": "#1f77b4"}, "conditional on (if parent in values)"),
    "interacts-with": ({"style": "dashed", "dir": "none", "color": "#d62728"}, "interacts with (tune together)"),
    "code": ({"style": "dotted", "color": "#7f7f7f"}, "read, derived or logged in the code"),
}


def worst_severity(data: dict) -> str | None:
    found = {f[1] for f in data.get("findings") or ()}
    return next((s for s in _SEVERITY_ORDER if s in found), None)


def _label(data: dict) -> str:
    kind = data.get("kind")
    lines: list[str]
    if kind == "parameter":
        role = data.get("role") or "?"
        role_text = role if data.get("role_declared") else f"{role} (inferred)"
        family = data.get("family")
        lines = [data["name"], role_text + (f" · {family}" if family else ""), data.get("describe", "")]
        if data.get("samples"):
            lines.append(f"really samples {data['samples']}")
    elif kind == "metric":
        lines = [f"metric {data.get('name')} ({data.get('goal')})"]
    elif kind == "code-site":
        lines = [f"line {data.get('line')}" + (f" · {data['api']}" if data.get("api") else "")]
    elif kind == "call":
        lines = [f"{data.get('func')}()" + (f" · line {data['line']}" if data.get("line") else "")]
    else:
        lines = [str(data.get("name") or kind or "")]
    codes = list(dict.fromkeys(f[0] for f in data.get("findings") or ()))
    if codes:
        lines.append(f"! {' '.join(codes[:4])}{' ...' if len(codes) > 4 else ''} ({worst_severity(data)})")
    return "\n".join(line for line in lines if line)


def _edge_label(data: dict) -> str:
    kind = data.get("kind")
    if kind == "conditional-on":
        values = data.get("values") or []
        op = data.get("op") or "in"
        return f"if {op} {', '.join(map(str, values))}" if values else "if"
    if kind == "consumed-by" and data.get("keyword"):
        return f"{data['keyword']}="
    return ""


def _dot_quote(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: dict) -> str:
    return "[" + ", ".join(f"{k}={_dot_quote(v)}" for k, v in attrs.items()) + "]"


def _node_attrs(data: dict) -> dict:
    attrs = {"label": _label(data), "kind": data.get("kind", "")}
    kind = data.get("kind")
    if kind == "parameter":
        role = data.get("role") or ""
        attrs["role"] = role
        attrs["fillcolor"] = ROLE_STYLE.get(role, "#ffffff")
        attrs["penwidth"] = "2" if data.get("role_declared") else "1"
        if data.get("family"):
            attrs["family"] = data["family"]
    elif kind == "metric":
        attrs["shape"] = "ellipse"
        attrs["fillcolor"] = "#c7e9c0"
    else:
        attrs["shape"] = "note"
        attrs["fillcolor"] = "#ffffff"
    severity = worst_severity(data)
    if severity:
        attrs["color"] = SEVERITY_STYLE[severity]
        attrs["penwidth"] = "3"
        attrs["findings"] = " ".join(dict.fromkeys(f[0] for f in data["findings"]))
        attrs["tooltip"] = "\n".join(f"{c} ({s}): {m}" for c, s, m in data["findings"])
    return attrs


def code_clusters(graph) -> dict[str, list[str]]:
    """Code nodes by the file they are in (in the order the graph holds them)."""
    out: dict[str, list[str]] = {}
    for key, data in graph.nodes(data=True):
        if data.get("kind") in _CODE_KINDS:
            out.setdefault(str(data.get("path") or "code"), []).append(key)
    return out


def _dot_legend(indent: str = "  ") -> list[str]:
    out = [f"{indent}subgraph cluster_legend {{", f'{indent}  label="Legend"; fontname="Helvetica"; style="rounded"; color="#999999";']
    items = [(f"legend:{role}", {"label": f"{role} parameter", "fillcolor": colour}) for role, colour in ROLE_STYLE.items()]
    items.append(("legend:declared", {"label": "role declared in the config", "fillcolor": "#ffffff", "penwidth": "2"}))
    items += [(f"legend:{sev}", {"label": f"has a finding ({sev})", "fillcolor": "#ffffff", "color": colour, "penwidth": "3"})
              for sev, colour in SEVERITY_STYLE.items()]
    items.append(("legend:metric", {"label": "objective metric", "shape": "ellipse", "fillcolor": "#c7e9c0"}))
    items.append(("legend:code", {"label": "code site (grouped per file)", "shape": "note", "fillcolor": "#ffffff"}))
    for key, attrs in items:
        out.append(f"{indent}  {_dot_quote(key)} {_dot_attrs({**attrs, 'kind': 'legend'})};")
    for kind, (style, text) in _EDGE_STYLE.items():
        a, b = f"legend:{kind}:from", f"legend:{kind}:to"
        out.append(f'{indent}  {_dot_quote(a)} [label="", shape=point, kind="legend"];')
        out.append(f'{indent}  {_dot_quote(b)} {_dot_attrs({"label": text, "shape": "plaintext", "style": "", "kind": "legend"})};')
        out.append(f"{indent}  {_dot_quote(a)} -> {_dot_quote(b)} {_dot_attrs({**style, 'kind': 'legend'})};")
    out.append(f"{indent}}}")
    return out


def to_dot(graph, legend: bool = True) -> str:
    """Graphviz DOT: role = fill colour (bold border when declared); a finding = coloured thick
    border; conditional-on edges solid with the parent values, interacts-with dashed and
    undirected, code edges dotted; code nodes in one cluster per file; a legend cluster."""
    title = graph.graph.get("name") or graph.graph.get("format") or "sweep"
    out = [f"digraph {_dot_quote(title)} {{", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
           '  edge [fontname="Helvetica"];']
    clustered = code_clusters(graph)
    in_cluster = {key for keys in clustered.values() for key in keys}
    for key, data in graph.nodes(data=True):
        if key not in in_cluster:
            out.append(f"  {_dot_quote(key)} {_dot_attrs(_node_attrs(data))};")
    for i, (path, keys) in enumerate(clustered.items()):
        out.append(f"  subgraph cluster_code_{i} {{")
        out.append(f'    label={_dot_quote(path)}; fontname="Helvetica"; style="rounded,dashed"; color="#7f7f7f";')
        for key in keys:
            out.append(f"    {_dot_quote(key)} {_dot_attrs(_node_attrs(graph.nodes[key]))};")
        out.append("  }")
    for u, v, data in graph.edges(data=True):
        kind = data.get("kind", "")
        attrs = {"kind": kind}
        label = _edge_label(data)
        if label:
            attrs["label"] = label
        attrs.update(_EDGE_STYLE.get(kind, _EDGE_STYLE["code"])[0])
        out.append(f"  {_dot_quote(u)} -> {_dot_quote(v)} {_dot_attrs(attrs)};")
    if legend:
        out += _dot_legend()
    out.append("}")
    return "\n".join(out) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(graph, legend: bool = True) -> str:
    """Mermaid flowchart: roles and finding severities as classes, code nodes in one subgraph per
    file, `-->|values|` conditional-on, `-.-` interacts-with, and a Legend subgraph."""
    ids = {key: f"n{i}" for i, key in enumerate(graph.nodes)}
    out = ["flowchart LR"]
    clustered = code_clusters(graph)
    in_cluster = {key for keys in clustered.values() for key in keys}

    def node_line(key, data, indent="  "):
        shape = ("([", "])") if data.get("kind") == "metric" else ("[", "]")
        return f'{indent}{ids[key]}{shape[0]}"{_mermaid_text(_label(data))}"{shape[1]}'

    for key, data in graph.nodes(data=True):
        if key not in in_cluster:
            out.append(node_line(key, data))
    for i, (path, keys) in enumerate(clustered.items()):
        out.append(f'  subgraph code{i} ["{_mermaid_text(path)}"]')
        out.extend(node_line(key, graph.nodes[key], "    ") for key in keys)
        out.append("  end")
    for u, v, data in graph.edges(data=True):
        kind = data.get("kind")
        label = _mermaid_text(_edge_label(data))
        if kind == "interacts-with":
            out.append(f"  {ids[u]} -. interacts .- {ids[v]}")
        elif kind == "conditional-on":
            out.append(f'  {ids[u]} -->|"{label or "if"}"| {ids[v]}')
        else:
            out.append(f'  {ids[u]} -.->|"{label or kind}"| {ids[v]}' if label else f"  {ids[u]} -.-> {ids[v]}")
    if legend:
        out.append('  subgraph legend ["Legend"]')
        out += [f'    legend_{role}["{role} parameter"]:::{role}' for role in ROLE_STYLE]
        out.append('    legend_declared["role declared in the config"]:::declared')
        out += [f'    legend_{sev}["has a finding ({sev})"]:::finding_{sev}' for sev in SEVERITY_STYLE]
        out.append('    legend_metric(["objective metric"])')
        out.append('    legend_a[" "] -->|"conditional on"| legend_b[" "]')
        out.append('    legend_c[" "] -. interacts .- legend_d[" "]')
        out.append('    legend_e[" "] -.->|"code"| legend_f[" "]')
        out.append("  end")
    for role, colour in ROLE_STYLE.items():
        out.append(f"  classDef {role} fill:{colour},stroke:#333")
    out.append("  classDef declared stroke-width:3px")
    for sev, colour in SEVERITY_STYLE.items():
        out.append(f"  classDef finding_{sev} stroke:{colour},stroke-width:4px")
    for role in ROLE_STYLE:
        members = [ids[k] for k, d in graph.nodes(data=True) if d.get("kind") == "parameter" and d.get("role") == role]
        if members:
            out.append(f"  class {','.join(members)} {role}")
    declared = [ids[k] for k, d in graph.nodes(data=True) if d.get("role_declared")]
    if declared:
        out.append(f"  class {','.join(declared)} declared")
    for sev in SEVERITY_STYLE:
        marked = [ids[k] for k, d in graph.nodes(data=True) if worst_severity(d) == sev]
        if marked:
            out.append(f"  class {','.join(marked)} finding_{sev}")
    return "\n".join(out) + "\n"


def to_json(graph) -> dict:
    """networkx node-link data (edges under "links", as `networkx.node_link_graph` reads by default)."""
    import networkx as nx

    try:
        data = nx.node_link_data(graph, edges="links")
    except TypeError:  # networkx < 3.4 has no `edges` argument and uses "links"
        data = nx.node_link_data(graph)
    return _plain(data)
