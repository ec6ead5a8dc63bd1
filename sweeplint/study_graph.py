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


class _NodeView(dict):
    """`graph.nodes`: the graph's node -> attributes dict itself (indexable, iterable, `get`, `in`),
    callable like networkx's (`nodes(data=True)`). (A dict, not a wrapper around one: rules look
    nodes up some 5,000 times a run, and each look-up through a wrapper was a further call.)"""

    __slots__ = ()

    def __call__(self, data: bool = False):
        return list(self.items()) if data else list(self)


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
        nodes, succ = self._graph._nodes, self._graph._succ
        sources = nodes if nbunch is None else ([nbunch] if nbunch in nodes else [n for n in nbunch if n in nodes])
        return [_edge(u, v, k, d, data, keys) for u in sources for v, keyed in succ.get(u, _NONE).items()
                for k, d in keyed.items()]


_NONE: dict = {}  # (the edges of a node that has none: never changed)


def _edge(u, v, k, d, data: bool, keys: bool) -> tuple:
    if keys:
        return (u, v, k, d) if data else (u, v, k)
    return (u, v, d) if data else (u, v)


class StudyGraph:
    """A directed multigraph with attributes on the graph, its nodes and its edges."""

    def __init__(self, **attrs: Any):
        self.graph: dict = attrs  # (the call's own keyword dict: no copy is needed)
        self._nodes: dict[str, dict] = _NodeView()
        # A node's edges out and in, by the node at their other end and their key; a node has entries
        # only once it has edges (most parameters have none: no empty dicts made for them).
        self._succ: dict[str, dict[str, dict[int, dict]]] = {}
        self._pred: dict[str, dict[str, dict[int, dict]]] = {}
        self.nodes = self._nodes
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
        else:
            found.update(attrs)

    def add_node_from(self, node: str, attrs: dict) -> None:
        """`add_node(node, **attrs)` for a dict the caller made for it: a new node keeps that dict as
        its attributes instead of a copy (a graph gets one per parameter)."""
        found = self._nodes.get(node)
        if found is None:
            self._nodes[node] = attrs
        else:
            found.update(attrs)

    def add_edge(self, u: str, v: str, **attrs: Any) -> int:
        for node in (u, v):
            if node not in self._nodes:
                self.add_node(node)
        keyed = self._succ.setdefault(u, {}).setdefault(v, {})
        key = len(keyed)
        while key in keyed:
            key += 1
        data = dict(attrs)
        keyed[key] = data
        self._pred.setdefault(v, {}).setdefault(u, {})[key] = data
        return key

    def out_edges(self, node: str, data: bool = False, keys: bool = False) -> list[tuple]:
        targets = self._succ.get(node, _NONE)
        return [_edge(node, v, k, d, data, keys) for v, keyed in targets.items() for k, d in keyed.items()]

    def in_edges(self, node: str, data: bool = False, keys: bool = False) -> list[tuple]:
        sources = self._pred.get(node, _NONE)
        return [_edge(u, node, k, d, data, keys) for u, keyed in sources.items() for k, d in keyed.items()]

    def successors(self, node: str) -> Iterator[str]:
        if node not in self._nodes:
            raise KeyError(node)
        return iter(self._succ.get(node, _NONE))

    def predecessors(self, node: str) -> Iterator[str]:
        if node not in self._nodes:
            raise KeyError(node)
        return iter(self._pred.get(node, _NONE))

    def get_edge_data(self, u: str, v: str) -> dict | None:
        return self._succ.get(u, _NONE).get(v)

    def reachable(self, start: str, follow) -> set[str]:
        """The nodes reachable from `start` (itself excluded unless on a cycle) along the edges for
        which `follow(u, v, data)` is true."""
        seen: set[str] = set()
        pending = [start]
        while pending:
            u = pending.pop()
            for v, keyed in self._succ.get(u, _NONE).items():
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
        for u in self._nodes:
            for v, keyed in self._succ.get(u, _NONE).items():
                for key, data in keyed.items():
                    if follow is None or follow(u, v, data):
                        out.add_edge(u, v, key=key, **data)
        return out
