"""Which Hydra sweep parameters choose a config group (`model=resnet`, `+experiment=big`).

Such a parameter is consumed by composition: Hydra merges the chosen file into the config, so no
code reads the parameter's own name. A name is a config group when the sweep's defaults list names
it, or when a directory of that name sits in the sweep's config directory (the sweep file's own
folder or one of the few above it, as in `configs/hparams_search/optuna.yaml` next to
`configs/model/`).
"""

from __future__ import annotations

import os

from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# How far above the sweep file its config directory may be (`configs/hydra/sweeper/x.yaml`).
_CONFIG_DIR_DEPTH = 3


def group_name(parameter: str) -> str | None:
    """The config group a sweep override would select, or None for a plain config key.

    `+experiment` and `++data` add or force a group choice; `model/encoder` is a nested group;
    `db@backup` places a group under another package. Dotted names are config keys.
    """
    bare = parameter.lstrip("+~").split("@", 1)[0].strip("/")
    if not bare or "." in bare or bare.startswith("hydra/") or bare == "hydra":
        return None
    return bare


def defaults_groups(root: Any) -> set[str]:
    """Config groups named in a document's defaults list (`- model: resnet`, `- override /data: x`)."""
    out: set[str] = set()
    items = root.get("defaults") if isinstance(root, YMap) else None
    if not isinstance(items, YSeq):
        return out
    for item in items.items:
        if not isinstance(item, YMap) or len(item.pairs) != 1:
            continue
        key = item.pairs[0][0]
        if not isinstance(key, YScalar) or not isinstance(key.value, str):
            continue
        name = key.value.strip()
        for prefix in ("override ", "optional "):
            if name.startswith(prefix):
                name = name[len(prefix):].strip()
        name = name.split("@", 1)[0].strip("/")
        if name and not name.startswith("hydra"):
            out.add(name)
    return out


def config_folders(path: str) -> list[str]:
    """Where a config group's folder may sit: the sweep file's folder and the few above it (none
    for a text that is not a file), each ending with a separator. Found once per sweep file, not
    once per parameter."""
    if not path or path.startswith("<") or not os.path.isfile(path):
        return []
    folder = os.path.dirname(os.path.abspath(path))
    folders = [folder]
    for _ in range(_CONFIG_DIR_DEPTH):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folders.append(parent)
        folder = parent
    return [os.path.join(folder, "") for folder in folders]


def directory_group(folders: list[str], group: str) -> bool:
    """A folder named like the group in one of the sweep file's config folders (config_folders).

    A plain name (`model`, as most groups are) is what os.path.join appends unchanged to a folder
    ending with a separator, so it is appended directly (the join was half of the check's cost).
    Most of these paths do not exist, which os.access says without the exception that the failing
    stat of os.path.isdir raises (the other half); a path that exists is then asked if it is a folder."""
    if group.isidentifier():
        paths = [folder + group for folder in folders]
    else:
        parts = group.split("/")
        paths = [os.path.join(folder, *parts) for folder in folders]
    return any(_exists(path) and os.path.isdir(path) for path in paths)


def _exists(path: str) -> bool:
    try:
        return os.access(path, os.F_OK)
    except ValueError:  # a NUL in the name (os.path.isdir says False to it too)
        return False


def selects_config_group(parameter: str, folders: list[str], declared: set[str]) -> bool:
    """Whether a parameter chooses a config group declared in the defaults list or found as a
    folder (`folders`: config_folders of the sweep file)."""
    group = group_name(parameter)
    if group is None:
        return False
    return group in declared or directory_group(folders, group)
