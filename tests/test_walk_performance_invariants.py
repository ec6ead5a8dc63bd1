"""The shortcuts the code-facts walk and the worker pool take for speed give exactly what the slow,
documented ways give: children, positions and code spellings of every node; pool chunks that keep
a config with the program it names."""

from __future__ import annotations

import libcst as cst

from cstkit import every_node
from sweeplint.codefacts.cst_helpers import child_nodes, try_evaluate
from sweeplint.codefacts.positions import node_positions
from sweeplint.parallel import affinity_chunks
from sweeplint.pyeval import evaluate, is_known

SOURCE = '''\
"""A module with most of the syntax the walk meets."""
from __future__ import annotations
import os, sys as system
from .pkg import (a as b, c)


@decorator(1, key="v")
async def f(x, /, y: int = 2, *args, z=(3), **kw) -> dict[str, int]:
    global G
    lr = config["lr"] if x else -1e-3
    async with open(x) as h, other():
        async for i in h:
            yield i ** 2
    try:
        pass
    except (ValueError, KeyError) as e:
        raise RuntimeError("no") from e
    else:
        del lr
    finally:
        print(f"{x!r:>10} {y=}", *args, sep="")
    match x:
        case {"k": [1, *rest]} | Point(x=0) if rest:
            return lambda q, *r: q[1:2, ::3]
        case _:
            return {**kw, "a": [i for i in range(3) if i], "b": {j: j for j in ()}}


class C(Base, metaclass=Meta):
    attr: int = 1  # a comment

    def m(self): return (yield from g()) or not self.attr; x = y = 1
while (n := next(it, None)) is not None: n += 1
'''


def test_children_are_libcst_children_in_the_same_order():
    module = cst.parse_module(SOURCE)
    for node in every_node(module):
        fast, slow = child_nodes(node), list(node.children)
        assert len(fast) == len(slow) and all(a is b for a, b in zip(fast, slow)), type(node).__name__


def test_positions_and_code_match_libcst():
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(SOURCE)
    positions = node_positions(module)
    assert type(positions).__name__ == "_OffsetPositions"  # not the fallback
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    for node in every_node(module):
        r = ranges.get(node)
        if r is None:  # a node that generates no code of its own place (some empty whitespace)
            continue
        span = positions.span(node)
        assert (span.line, span.column, span.end_line, span.end_column) == (
            r.start.line, r.start.column + 1, r.end.line, r.end.column + 1), type(node).__name__
        if isinstance(node, cst.BaseExpression):
            assert positions.code(node).split() == module.code_for_node(node).split()


def test_the_literal_pre_check_never_hides_a_known_value():
    for text in ("1e-3", "-2", "2 ** 10", "(1, 'a', None)", "[1, [2.5]]", "{'a': 1}", "{1, 2}", "math.pi * 2",
                 "float('1e-4')", "np.log(10)", "int('3') + abs(-1)", "x", "f(1)", "a.b", "[*x]", "{**d}",
                 "round(x)", "1j", "'a' + 'b'", "not True", "math.log(2, 10)", "os.path.join('a')"):
        node = cst.parse_expression(text)
        value = evaluate(node)
        assert try_evaluate(node) == ((True, value) if is_known(value) else (False, None)), text


def test_pool_chunks_keep_a_config_with_the_program_it_names():
    pending = []
    for project in range(4):
        for script in range(3):
            pending.append((len(pending), f"p{project}/train_{script}.py", True, b"x = 1\n" * 200, None))
        for config in range(6):
            name = f"train_{config % 3}"
            pending.append((len(pending), f"p{project}/sweeps/s{config}.yaml", True, f"program: {name}.py\n".encode(), None))
    ordered, bounds = affinity_chunks(pending, 4)
    assert sorted(item[0] for item in ordered) == list(range(len(pending)))
    chunk_of = {item[1]: i for i, (start, end) in enumerate(bounds) for item in ordered[start:end]}
    for _, path, _, data, _ in pending:
        if path.endswith(".yaml"):
            project = path.split("/")[0]
            program = data.decode().split()[1]
            assert chunk_of[path] == chunk_of[f"{project}/{program}"]
    assert len(bounds) == 4 and all(end > start for start, end in bounds)


def test_pool_chunks_taken_last_hold_one_group_each():
    # 40 projects: a program and the two configs naming it, then 200 configs naming no program
    pending = []
    for project in range(40):
        pending.append((len(pending), f"p{project}/train.py", True, b"x = 1\n" * 50, None))
        for config in range(2):
            pending.append((len(pending), f"p{project}/s{config}.yaml", True, b"program: train.py\n", None))
    for config in range(200):
        pending.append((len(pending), f"loose/s{config}.yaml", True, b"method: random\n", None))
    ordered, bounds = affinity_chunks(pending, 64)
    assert sorted(item[0] for item in ordered) == list(range(len(pending)))
    assert len(bounds) <= 255 and all(end > start for start, end in bounds)
    chunks = [[item[1] for item in ordered[start:end]] for start, end in bounds]
    chunk_of = {path: i for i, paths in enumerate(chunks) for path in paths}
    for project in range(40):  # a program and its configs stay in one chunk
        assert chunk_of[f"p{project}/s0.yaml"] == chunk_of[f"p{project}/s1.yaml"] == chunk_of[f"p{project}/train.py"]
    # the chunks of several groups come first; the last ones are a single config each
    sizes = [len(paths) for paths in chunks]
    assert len(bounds) > 64 and sizes[-(len(bounds) - 60):] == [1] * (len(bounds) - 60)
    assert max(sizes[:60]) > 1
