"""Helpers for tests that look at libcst trees."""

from __future__ import annotations


def every_node(module):
    """Every node of a libcst tree, the root first (depth first, each node's children in reverse)."""
    stack = [module]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)
