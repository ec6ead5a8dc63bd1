"""SL201 for a Katib trial that receives a parameter only as an environment variable which the
program never reads (`env: [{name: LR, value: "${trialParameters.lr}"}]` and no `os.environ["LR"]`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sweeplint.codefacts.queries import related, short
from sweeplint.diagnostics import Finding
from sweeplint.model import Span
from sweeplint.rule import Context

_PLACEHOLDER = re.compile(r"\$\{trialParameters\.([^}]+)\}")
# variables that frameworks and launchers read themselves
_FRAMEWORK_PREFIXES = ("TF_", "CUDA_", "NCCL_", "OMP_", "MASTER_", "WORLD_", "RANK", "LOCAL_", "PYTHON", "HF_", "TORCH",
                       "KERAS_", "WANDB_", "MLFLOW_", "AWS_", "GOOGLE_", "KATIB", "KUBE", "XLA_", "JAX_", "HOROVOD_")


def env_only_parameters(ctx: Context) -> Iterator[Finding]:
    for study in ctx.studies:
        if study.trial_template is None or not ctx.varied(study):
            continue
        facts = ctx.code(study)  # first: without a program to read, the file need not be composed again
        if facts is None or facts.hydra_main:
            continue
        carried = _env_carriers(ctx.file.text)
        if not carried:
            continue
        from sweeplint.codefacts.env_reads import env_names  # (only with a program's facts)
        from sweeplint.codefacts.interproc import Interproc

        read = env_names(Interproc(facts.files))
        if read is None:
            continue  # the program may read variables whose names we cannot see
        for p in ctx.varied(study):
            names = [b.name.value for b in study.trial_template.bindings
                     if b.name is not None and b.reference is not None and b.reference.value == p.name]
            if not names or any(n not in carried or carried[n][1] for n in names):
                continue  # not bound, or also handed over some other way (a command-line argument...)
            for name in names:
                variable, _, span = carried[name][0]
                if variable in read or variable.startswith(_FRAMEWORK_PREFIXES):
                    continue
                if len(re.findall(rf"\b{re.escape(variable)}\b", ctx.file.text)) > 1 or _in_launch_files(ctx, facts.program, variable):
                    continue  # expanded in the command (`$(LR)`), or by a script or Dockerfile that starts the program
                yield Finding(
                    span,
                    f"the trial template hands {p.name} to the trial only as the environment variable {variable}, "
                    f"which the program ({short(ctx, facts.program)}) never reads",
                    help=f"Every trial trains with the same value and the differences between runs are noise: read "
                         f"os.environ[{variable!r}] in the program, or pass the value as a command-line argument it parses.",
                    related=(related(facts.program, Span.point(1, 1), "the program"),),
                )


def _env_carriers(text: str) -> dict[str, tuple[tuple[str, object, Span], bool]]:
    """trial parameter -> ((variable, container, span of the value), whether it is also used elsewhere in
    the trial spec), for each `${trialParameters.x}` that is the whole value of an env entry."""
    from sweeplint.yamldoc import YAMLReadError, YMap, YScalar, YSeq, compose

    try:
        roots = compose(text).roots
    except (YAMLReadError, ValueError, RecursionError):
        return {}
    env: dict[str, tuple[str, object, Span]] = {}
    other: set[str] = set()

    def walk(node, depth: int, in_env: bool) -> None:
        if depth > 60:
            return
        if isinstance(node, YMap):
            for key, value in node.pairs:
                key_text = key.value if isinstance(key, YScalar) else None
                if key_text == "env" and isinstance(value, YSeq):
                    for item in value.items:
                        walk_env(item, depth + 1)
                else:
                    walk(value, depth + 1, in_env)
        elif isinstance(node, YSeq):
            for item in node.items:
                walk(item, depth + 1, in_env)
        elif isinstance(node, YScalar) and isinstance(node.value, str):
            other.update(_PLACEHOLDER.findall(node.value))

    def walk_env(item, depth: int) -> None:
        if not isinstance(item, YMap):
            walk(item, depth, True)
            return
        name, value = item.get("name"), item.get("value")
        if isinstance(name, YScalar) and isinstance(value, YScalar) and isinstance(value.value, str):
            whole = _PLACEHOLDER.fullmatch(value.value.strip())
            if whole and isinstance(name.value, str):
                env.setdefault(whole.group(1), (name.value, item, value.span))
                return
        walk(item, depth, True)

    for root in roots:
        if isinstance(root, YMap):
            spec = root.get("spec")
            template = spec.get("trialTemplate") if isinstance(spec, YMap) else None
            if isinstance(template, YMap):
                walk(template.get("trialSpec"), 0, False)
    return {name: (entry, name in other) for name, entry in env.items()}


def _in_launch_files(ctx: Context, program: str, variable: str) -> bool:
    """Whether a shell script or Dockerfile beside the program (or at the project root) names the variable."""
    from pathlib import Path

    from sweeplint.source import UnreadableFile, read_head

    folders = {Path(program).resolve().parent}
    root = getattr(getattr(ctx, "settings", None), "root", None)
    if root is not None:
        folders.add(Path(root).resolve())
    folders |= {f.parent for f in list(folders)}
    pattern = re.compile(rf"\b{re.escape(variable)}\b")
    for folder in folders:
        try:
            candidates = [f for f in folder.iterdir() if f.is_file() and (f.suffix in (".sh", ".bash") or f.name.startswith("Dockerfile")
                                                                          or f.name in ("entrypoint", "Makefile"))]
        except OSError:
            continue
        for f in candidates[:50]:
            try:
                text = read_head(str(f), 200_000).decode("utf-8", "replace")
            except (OSError, UnreadableFile):
                return True  # cannot tell: it may
            if pattern.search(text):
                return True
    return False
