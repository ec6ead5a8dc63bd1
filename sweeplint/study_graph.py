"""The container the hyperparameter graph is built in: a small directed multigraph.

Rules only store and look up nodes and edges, so importing networkx (~130 ms) and paying its
per-edge bookkeeping on every study bought nothing. This class offers the part of networkx's
MultiDiGraph interface the builders and rules use (`add_node`, `add_edge`, `nodes[n]`,
`nodes(data=True)`, `edges(data=True)`, `out_edges`, `in_edges`, `successors`, `get_edge_data`,
`in`), keeps the same iteration order, and converts to a real networkx graph (`to_networkx`)
for the exports and for the few algorithms that need one.
"""

from __future__ import annotations

from collections.abc import Iterator

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


class _NodeView:
    """`graph.nodes`: indexable by node, iterable, and callable like networkx's (`nodes(data=True)`)."""

    __slots__ = ("_attrs",)

    def __init__(self, attrs: dict):
        self._attrs = attrs

    def __getitem__(self, node: str) -> dict:
        return self._attrs[node]

    def get(self, node: str, default: Any = None) -> dict | None:
        return self._attrs.get(node, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._attrs)

    def __len__(self) -> int:
        return len(self._attrs)

    def __contains__(self, node: object) -> bool:
        return node in self._attrs

    def __call__(self, data: bool = False):
        return list(self._attrs.items()) if data else list(self._attrs)


class _EdgeView:
    """`graph.edges`: `edges[u, v, key]` gives an edge's attributes; `edges(data=True)` lists them."""

    __slots__ = ("_graph",)

    def __init__(self, graph: StudyGraph):
        self._graph = graph

    def __getitem__(self, edge: tuple) -> dict:
        u, v, key = edge
        return self._graph._succ[u][v][key]

    def __iter__(self):
        return iter(self())

    def __len__(self) -> int:
        return sum(len(keyed) for targets in self._graph._succ.values() for keyed in targets.values())

    def __call__(self, nbunch: Any = None, data: bool = False, keys: bool = False):
        succ = self._graph._succ
        sources = succ if nbunch is None else ([nbunch] if nbunch in succ else [n for n in nbunch if n in succ])
        return [_edge(u, v, k, d, data, keys) for u in sources for v, keyed in succ[u].items() for k, d in keyed.items()]


def _edge(u, v, k, d, data: bool, keys: bool) -> tuple:
    if keys:
        return (u, v, k, d) if data else (u, v, k)
    return (u, v, d) if data else (u, v)


class StudyGraph:
    """A directed multigraph with attributes on the graph, its nodes and its edges."""

    def __init__(self, **attrs: Any):
        self.graph: dict = attrs  # (the call's own keyword dict: no copy is needed)
        self._nodes: dict[str, dict] = {}
        self._succ: dict[str, dict[str, dict[int, dict]]] = {}
        self._pred: dict[str, dict[str, dict[int, dict]]] = {}
        self.nodes = _NodeView(self._nodes)
        self.edges = _EdgeView(self)
        # Answers to queries several rules ask of one study (sweeplint.graph.choice_parents); the
        # graph does not change once built, and lives as long as the file's Context.
        self.memo: dict = {}

    def __contains__(self, node: object) -> bool:
        return node in self._nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def add_node(self, node: str, **attrs: Any) -> None:
        found = self._nodes.get(node)
        if found is None:
            self._nodes[node] = dict(attrs)
            self._succ[node] = {}
            self._pred[node] = {}
        else:
            found.update(attrs)

    def add_node_from(self, node: str, attrs: dict) -> None:
        """`add_node(node, **attrs)` for a dict the caller made for it: a new node keeps that dict as
        its attributes instead of a copy (a graph gets one per parameter)."""
        found = self._nodes.get(node)
        if found is None:
            self._nodes[node] = attrs
            self._succ[node] = {}
            self._pred[node] = {}
        else:
            found.update(attrs)

    def add_edge(self, u: str, v: str, **attrs: Any) -> int:
        for node in (u, v):
            if node not in self._nodes:
                self.add_node(node)
        keyed = self._succ[u].setdefault(v, {})
        key = len(keyed)
        while key in keyed:
            key += 1
        data = dict(attrs)
        keyed[key] = data
        self._pred[v].setdefault(u, {})[key] = data
        return key

    def out_edges(self, node: str, data: bool = False, keys: bool = False) -> list[tuple]:
        targets = self._succ.get(node, {})
        return [_edge(node, v, k, d, data, keys) for v, keyed in targets.items() for k, d in keyed.items()]

    def in_edges(self, node: str, data: bool = False, keys: bool = False) -> list[tuple]:
        sources = self._pred.get(node, {})
        return [_edge(u, node, k, d, data, keys) for u, keyed in sources.items() for k, d in keyed.items()]

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])

    def get_edge_data(self, u: str, v: str) -> dict | None:
        return self._succ.get(u, {}).get(v)

    def reachable(self, start: str, follow) -> set[str]:
        """The nodes reachable from `start` (itself excluded unless on a cycle) along the edges for
        which `follow(u, v, data)` is true."""
        seen: set[str] = set()
        pending = [start]
        while pending:
            u = pending.pop()
            for v, keyed in self._succ.get(u, {}).items():
                if v not in seen and any(follow(u, v, d) for d in keyed.values()):
                    seen.add(v)
                    pending.append(v)
        return seen

    def to_networkx(self, follow=None):
        """The same graph as a networkx MultiDiGraph (nodes, edges and keys in the same order);
        with `follow(u, v, data)`, only the edges it accepts."""
        import networkx as nx

        out = nx.MultiDiGraph(**self.graph)
        for node, attrs in self._nodes.items():
            out.add_node(node, **attrs)
        for u, targets in self._succ.items():
            for v, keyed in targets.items():
                for key, data in keyed.items():
                    if follow is None or follow(u, v, data):
                        out.add_edge(u, v, key=key, **data)
        return out
