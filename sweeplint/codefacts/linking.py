"""Linking a program's files: function-parameter roots resolved across the files, through the
names each file imports (step 3 of the pipeline, after each file's facts are extracted)."""

from __future__ import annotations

from sweeplint.codefacts.facts import Cond, Escape, FileFacts, FunctionDef, ProgramFacts, Read
from sweeplint.records import replace

# Names a dict of hyperparameters is usually given, and calls that pass a value on without using it.
CONFIG_LIKE = {
    "config", "cfg", "conf", "configs", "hparams", "hp", "hps", "hyperparams", "hyperparameters", "params", "param",
    "args", "opt", "opts", "options", "settings", "flags", "c", "cf", "train_config", "model_config", "run_config",
}
HARMLESS = {
    "print", "len", "str", "repr", "isinstance", "type", "id", "hash", "pprint", "dumps", "dump", "to_yaml", "save",
    "info", "debug", "warning", "error", "write", "hasattr", "float", "int", "bool", "round", "abs", "min", "max",
    "sum", "format", "init", "watch", "log", "range", "enumerate", "zip", "sorted", "list", "tuple", "set",
}


def link(program: str, files: dict[str, FileFacts], modules: dict[str, dict[str, str]]) -> ProgramFacts:
    """Resolve function-parameter roots across the program's files; concrete facts pass through.

    `files` maps a path to its facts (the entry first); `modules[path][local_name]` is the file an
    imported name or module refers to.
    """
    funcs: dict[tuple[str, str], FunctionDef] = {}
    for path, facts in files.items():
        for f in facts.functions:
            funcs[(path, f.qualname)] = f

    def target(path: str, callee: str) -> tuple[str, FunctionDef, bool] | None:
        """(file, function, is a class constructor) a callee text names."""
        head, _, rest = callee.partition(".")
        candidates: list[tuple[str, str]] = [(path, callee)]
        imported = modules.get(path, {}).get(head)
        hops = 0
        while imported is not None and hops < 4:
            candidates.append((imported[0], (imported[1] + ("." + rest if rest else "")) if imported[1] else rest))
            # a package's __init__ that re-exports the name from one of its modules: follow it there
            imported = modules.get(imported[0], {}).get(imported[1]) if imported[1] else None
            hops += 1
        for file, qual in candidates:
            if not qual:
                continue
            f = funcs.get((file, qual))
            if f is None:
                continue
            if f.is_class and (file, qual + ".__init__") in funcs:
                return file, funcs[(file, qual + ".__init__")], True
            return file, f, False
        return None

    bindings: dict[tuple[str, str], set[tuple[str, tuple[str, ...]]]] = {}
    # Insertion-ordered sets (dicts): a membership test per pass must not scan a list, or a long
    # function passing config values to many calls costs its length squared.
    extra_reads: dict[Read, None] = {}
    escapes: dict[Escape, None] = {}

    def sources(path: str, root: str, key: tuple[str, ...]) -> set[tuple[str, tuple[str, ...]]]:
        if root.startswith("param:"):
            bound = bindings.get((path, root), set())
            # a config-like parameter no call binds (a trainable the tool calls) holds the swept
            # values, as its reads do (resolve): handed to code we cannot follow, it escapes
            if not bound and root.rsplit(":", 1)[-1].lower() in CONFIG_LIKE:
                return {("unknown", key)}
            return {(r, k + key) for r, k in bound}
        return {(_concrete(root), key)}

    for _ in range(8):
        changed = False
        for path, facts in files.items():
            for p in facts.passes:
                found = sources(path, p.root, p.key)
                if not found:
                    continue
                hit = target(path, p.callee)
                leaf = p.callee.rsplit(".", 1)[-1]
                if hit is None:
                    if leaf not in HARMLESS and not p.callee.startswith("wandb."):
                        for r, k in found:
                            e = Escape(r, k, p.span, f"passed to {p.callee}", path)
                            escapes.setdefault(e)
                    continue
                file, func, is_class = hit
                if func.is_class:
                    # a class without a visible __init__ (a dataclass, a pydantic model...): its fields are not followed
                    for r, k in found:
                        e = Escape(r, k, p.span, f"passed to {p.callee}", path)
                        escapes.setdefault(e)
                    continue
                params = list(func.params)
                if func.is_method and params and params[0] in ("self", "cls"):
                    params = params[1:]
                if p.star == "**":
                    for name in params:
                        for r, k in found:
                            read = Read(r, k + (name,), p.span, how="kwarg", path=path)
                            extra_reads.setdefault(read)
                    if func.has_kwargs:
                        for r, k in found:
                            e = Escape(r, k, p.span, f"unpacked into {p.callee}(**...)", path)
                            escapes.setdefault(e)
                    continue
                if p.star:
                    continue
                pname = p.keyword if p.keyword in params else (params[p.position] if p.position is not None and p.position < len(params) else None)
                if pname is None:
                    continue
                slot = bindings.setdefault((file, f"param:{func.qualname}:{pname}"), set())
                before = len(slot)
                slot.update(found)
                changed = changed or len(slot) != before
        if not changed:
            break

    def resolve(path: str, root: str, key: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
        if not root.startswith("param:"):
            return [(_concrete(root), key)]
        bound = sorted(bindings.get((path, root), set()))
        if bound:
            return [(r, k + key) for r, k in bound]
        pname = root.rsplit(":", 1)[-1]
        return [("unknown", key)] if pname.lower() in CONFIG_LIKE else []

    def conds(path: str, items: tuple[Cond, ...]) -> tuple[Cond, ...]:
        out = []
        for c in items:
            if c.root is not None and c.root.startswith("param:"):
                hits = resolve(path, c.root, c.key)
                c = replace(c, root=hits[0][0], key=hits[0][1]) if hits else replace(c, root=None, key=())
            elif c.root is not None:
                c = replace(c, root=_concrete(c.root))
            out.append(c)
        return tuple(out)

    reads: list[Read] = []
    args, metrics, writes, calls, derivations, selections = [], [], [], [], [], []
    for path, facts in files.items():
        for r in facts.reads:
            for root, key in resolve(path, r.root, r.key):
                if key:
                    reads.append(replace(r, root=root, key=key, conditions=conds(path, r.conditions), path=path))
        for e in facts.escapes:
            for root, key in ([("*", ())] if e.root == "*" else resolve(path, e.root, e.key)):
                escapes.setdefault(replace(e, root=root, key=key, path=path))
        args.extend(replace(a, path=path) for a in facts.args)
        metrics.extend(replace(m, path=path) for m in facts.metrics)
        for w in facts.writes:
            for root, key in resolve(path, w.root, ()):
                writes.append(replace(w, root=root, keys=tuple(".".join(key + (k,)) for k in w.keys), path=path))
        for c in facts.calls:
            new_args = []
            for a in c.args:
                rs = tuple((r2, k2) for r, k in a.reads for r2, k2 in resolve(path, r, k))
                new_args.append(replace(a, reads=rs))
            calls.append(replace(c, args=tuple(new_args), conditions=conds(path, c.conditions), path=path))
        for d in facts.derivations:
            keys = tuple(dict.fromkeys((r2, k2) for r, k in d.reads for r2, k2 in resolve(path, r, k) if k2))
            if len(keys) >= 2:
                derivations.append(replace(d, reads=keys, path=path))
        selections.extend(replace(s, path=path) for s in facts.selections)
    reads.extend(extra_reads)
    return ProgramFacts(
        program=program,
        files=tuple(files),
        reads=tuple(reads),
        args=tuple(args),
        metrics=tuple(metrics),
        writes=tuple(writes),
        calls=tuple(calls),
        escapes=tuple(escapes),
        derivations=tuple(derivations),
        selected_by=tuple(selections),
        hydra_main=any(f.hydra_main for f in files.values()),
        uses_argparse=any(f.uses_argparse for f in files.values()),
        uses_wandb=any(f.uses_wandb for f in files.values()),
    )


def _concrete(root: str) -> str:
    return "unknown" if root == "hparams" else root
