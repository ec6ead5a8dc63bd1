"""Which class a Hydra config instantiates where a sweep sets a key, and whether it takes that key.

`model.net.lin1_size` in a sweep lands in the `net` node of the option the primary config selects for
the `model` group (`defaults: [model: chebnet]` -> `configs/model/chebnet.yaml`). When that node
names a `_target_` class of the project itself, the class's constructor says which keys it takes
(read from the project's code with the code facts; nothing imported). Only the plain case is
judged: the option chosen by the primary config's defaults (or by the sweep file's own override of
the group), the node a mapping with a literal `_target_`, the key absent from it, and a constructor
written in the project with no `**kwargs`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from sweeplint.codefacts.facts import FileFacts, FunctionDef
from sweeplint.records import record
from sweeplint.source import UnreadableFile, read_head

MAX_BYTES = 200_000


@record(frozen=True, slots=True)
class TargetMiss:
    """A swept key the class instantiated at its node does not take."""

    option: str                  # "model=chebnet"
    target: str                  # the `_target_` as written
    init_path: str               # the file of the constructor
    init: FunctionDef


def _yaml(path: Path):
    from sweeplint.yamldoc import YAMLReadError, load_data

    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        return load_data(read_head(path, MAX_BYTES).decode("utf-8", errors="replace"), "omegaconf")
    except (OSError, UnreadableFile, YAMLReadError, RecursionError):
        return None


def _chosen(defaults, group: str) -> str | None | bool:
    """The option a defaults list picks for a group: its name, None when it names none, False when
    the list does something we do not follow with it (an interpolation, a list of options)."""
    if not isinstance(defaults, list):
        return None
    picked: str | None | bool = None
    for item in defaults:
        if not isinstance(item, dict) or len(item) != 1:
            continue
        (key, value), = item.items()
        name = str(key).split()[-1].lstrip("/")
        if name.split("@")[0] != group:
            continue
        if not isinstance(value, str) or "$" in value:
            return False
        picked = value
    return picked


def missed_key(config_dir: str, primary: str | None, sweep_path: str, name: str, project: Path,
               facts_of: Callable[[str], FileFacts]) -> TargetMiss | None:
    parts = name.split(".")
    if len(parts) < 2 or primary is None:
        return None
    group, inner, leaf = parts[0], parts[1:-1], parts[-1]
    folder = Path(config_dir)
    sweep = _yaml(Path(sweep_path))
    option = _chosen(sweep.get("defaults"), group) if isinstance(sweep, dict) else None
    if option is None:
        main = _yaml(folder / (primary if primary.endswith((".yaml", ".yml")) else primary + ".yaml"))
        option = _chosen(main.get("defaults"), group) if isinstance(main, dict) else None
    if not isinstance(option, str) or not re.fullmatch(r"[\w\-/]+", option):
        return None
    node = _yaml(folder / group / f"{option}.yaml")
    for key in inner:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict) or leaf in node or "defaults" in node:
        return None
    target = node.get("_target_")
    if not isinstance(target, str) or not re.fullmatch(r"[A-Za-z_][\w.]*\.[A-Za-z_]\w*", target):
        return None
    module, _, cls = target.rpartition(".")
    for base in (project, project / "src"):
        file = base.joinpath(*module.split(".")).with_suffix(".py")
        if not file.is_file():
            continue
        facts = facts_of(str(file))
        init = next((f for f in facts.functions if f.qualname == f"{cls}.__init__"), None)
        if facts.error is not None or init is None or init.has_kwargs or leaf in init.params:
            return None
        return TargetMiss(f"{group}={option}", target, str(file), init)
    return None


def primary_config(entry: str) -> str | None:
    """The config_name of the @hydra.main in an entry file, read as text."""
    from sweeplint.codefacts.program import _HYDRA_MAIN, _KEYWORD, _literal

    try:
        text = read_head(entry, 1_000_000).decode("utf-8", errors="replace")
    except (OSError, UnreadableFile):
        return None
    for match in re.finditer(_HYDRA_MAIN, text):
        named = re.search(_KEYWORD["config_name"], match.group(1))
        if named is not None and _literal(named):
            return _literal(named)
    return None
