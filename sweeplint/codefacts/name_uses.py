"""Where names are used: in a file's tokens (outside imports) and below a node of its tree."""

from __future__ import annotations

import libcst as cst

from sweeplint.codefacts.cst_helpers import child_nodes


def used_names(code: str, names: tuple[str, ...]) -> bool:
    """Whether any of `names` occurs in the code outside import statements and comments."""
    import io
    import tokenize

    wanted = set(names)
    importing = False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL):
                importing = False
            elif tok.type == tokenize.NAME:
                if tok.string in ("import", "from") and not importing:
                    importing = True
                elif not importing and tok.string in wanted:
                    return True
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return True  # cannot tell: keep the cautious answer
    return False


def name_counts(node: cst.CSTNode) -> dict[str, int]:
    """How often each identifier occurs below a node (a plain walk: libcst's visitors cost more)."""
    counts: dict[str, int] = {}
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is cst.Name:
            counts[current.value] = counts.get(current.value, 0) + 1
        elif kind is cst.Attribute:
            stack.append(current.value)  # `self.lr` is not the local `lr`
            continue
        elif kind is cst.Arg:
            stack.append(current.value)  # nor is the keyword of `f(lr=0.1)`
            continue
        stack.extend(child_nodes(current))
    return counts
