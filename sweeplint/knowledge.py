"""The knowledge base: which names mean which hyperparameter family, and which families interact.

It is data (`rules/knowledge/*.yaml`), validated on load, extended by users through
`[tool.sweeplint.knowledge]` (inline `families`/`interactions`/`optimizers`, or `files` to read).
Every validation error is a ConfigError naming the file and the key at fault. The data model (and
the matching of names to families) is `sweeplint.knowledge_model`, whose names are also importable
from here.
"""

from __future__ import annotations

from pathlib import Path

from sweeplint.catalogue import data_dir, load_yaml
from sweeplint.knowledge_model import (EXTENSION_KEYS, FAMILY_KEYS, GENERIC_LEAVES, KINDS, LIMIT_KEYS, LIMIT_OPS,
                                       LOWER_OPS, ROLES, Family, Interaction, Knowledge, Limit, normalise,
                                       optimizer_key)
from sweeplint.schedules import Schedules, parse_schedules
from sweeplint.settings import ConfigError

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# the data model's names, importable from here as before the split
__all__ = ["EXTENSION_KEYS", "FAMILY_KEYS", "GENERIC_LEAVES", "KINDS", "LIMIT_KEYS", "LIMIT_OPS", "LOWER_OPS", "ROLES",
           "Family", "Interaction", "Knowledge", "Limit", "load_knowledge", "normalise", "optimizer_key"]

# --- loading and validation ------------------------------------------------------------------


def _family(name: Any, spec: Any, origin: str, optimizers: set[str]) -> Family:
    where = f"{origin}: family {name!r}"
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{origin}: a family name must be a non-empty string, not {name!r}")
    if not isinstance(spec, dict):
        raise ConfigError(f"{where} must be a mapping with kind, aliases, ... (not {type(spec).__name__})")
    for key in spec:
        if key not in FAMILY_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (valid: {', '.join(FAMILY_KEYS)})")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    role = spec.get("role", "fixed")
    if role not in ROLES:
        raise ConfigError(f"{where}: role must be one of {', '.join(ROLES)}, not {role!r}")

    def strings(key: str) -> tuple[str, ...]:
        value = spec.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(f"{where}: {key} must be a list of non-empty strings, not {value!r}")
        return tuple(value)

    log_scale = spec.get("log_scale", False)
    if not isinstance(log_scale, bool):
        raise ConfigError(f"{where}: log_scale must be true or false, not {log_scale!r}")
    label = spec.get("label", "")
    if not isinstance(label, str):
        raise ConfigError(f"{where}: label must be a string, not {label!r}")
    integer = spec.get("integer", False)
    if not isinstance(integer, bool):
        raise ConfigError(f"{where}: integer must be true or false, not {integer!r}")
    conditional = tuple(v.lower() for v in strings("conditional_on"))
    for value in conditional:
        if value not in optimizers:
            raise ConfigError(f"{where}: conditional_on names {value!r}, which is not a known optimizer "
                              f"(add it under `optimizers`)")
    tokens = tuple(t.lower().replace("-", "_").strip("_") for t in strings("tokens"))
    not_with = tuple(w.lower() for w in strings("not_with"))
    plausible = _limits(spec.get("plausible", []), where, optimizers)
    doubles_as = spec.get("doubles_as", "")
    if not isinstance(doubles_as, str):
        raise ConfigError(f"{where}: doubles_as must name a family, not {doubles_as!r}")
    return Family(name, kind, role, log_scale, strings("aliases"), strings("suffixes"), conditional, label,
                  strings("prefixes"), tokens, not_with, integer, plausible, doubles_as)


def _limits(value: Any, where: str, optimizers: dict[str, str]) -> tuple[Limit, ...]:
    """A family's `plausible` list, each entry one comparison with its reason."""
    if not isinstance(value, list):
        raise ConfigError(f"{where}: plausible must be a list of limits such as {{above: 0, why: ...}}")
    out = []
    for index, entry in enumerate(value):
        at = f"{where}: plausible[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{at} must be a mapping such as {{above: 0, why: ...}}")
        for key in entry:
            if key not in LIMIT_KEYS:
                raise ConfigError(f"{at}: unknown key {key!r} (valid: {', '.join(LIMIT_KEYS)})")
        ops = [op for op in LIMIT_OPS if op in entry]
        if len(ops) != 1:
            raise ConfigError(f"{at}: give exactly one of {', '.join(LIMIT_OPS)}")
        op, bound = ops[0], entry[ops[0]]
        upper = None
        if op == "not_within":
            if not (isinstance(bound, list) and len(bound) == 2 and all(_real(b) for b in bound) and bound[0] < bound[1]):
                raise ConfigError(f"{at}: not_within must be [low, high] with low < high, not {bound!r}")
            bound, upper = bound
        elif not _real(bound):
            raise ConfigError(f"{at}: {op} must be a number, not {bound!r}")
        elif op == "useful_from" and not bound > 0:
            raise ConfigError(f"{at}: useful_from must be a positive number (a log scale has no 0), not {bound!r}")
        severity = entry.get("severity", "warning")
        if severity not in ("warning", "error"):
            raise ConfigError(f"{at}: severity must be warning or error, not {severity!r}")
        why = entry.get("why")
        if not isinstance(why, str) or not why.strip():
            raise ConfigError(f"{at}: why must say, in words, what goes wrong outside the limit")
        exact = entry.get("exact", False)
        if not isinstance(exact, bool):
            raise ConfigError(f"{at}: exact must be true or false, not {exact!r}")
        names = entry.get("optimizers", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"{at}: optimizers must be a list of optimizer names or groups")
        groups = set(optimizers.values())
        for n in names:
            if n.lower() not in optimizers and n.lower() not in groups:
                raise ConfigError(f"{at}: optimizers names {n!r}, which is neither a known optimizer nor a group")
        out.append(Limit(op, float(bound), why.strip(), severity, float(upper) if upper is not None else None,
                         tuple(n.lower() for n in names), exact))
    return tuple(out)


def _real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _merge(kb: Knowledge, data: Any, origin: str) -> None:
    """Add one document's `optimizers`, `families` and `interactions` to the knowledge base."""
    if data is None:
        return
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: must be a mapping with families, interactions or optimizers")
    optimizers = data.get("optimizers")
    if optimizers is not None:
        if isinstance(optimizers, list):
            if not all(isinstance(o, str) for o in optimizers):
                raise ConfigError(f"{origin}: optimizers must map optimizer names to their group (or list names)")
            optimizers = {o: o for o in optimizers}
        if not isinstance(optimizers, dict) or not all(
            isinstance(o, str) and o.strip() and isinstance(g, str) and g.strip() for o, g in optimizers.items()
        ):
            raise ConfigError(f"{origin}: optimizers must map optimizer names to their group (or list names)")
        for name, group in optimizers.items():
            kb.optimizers[name.strip().lower().replace("-", "_")] = group.strip().lower()
    decoupled = data.get("decoupled_weight_decay")
    if decoupled is not None:
        if not isinstance(decoupled, list) or not all(isinstance(o, str) and o.strip() for o in decoupled):
            raise ConfigError(f"{origin}: decoupled_weight_decay must be a list of optimizer names")
        kb.decoupled.update(o.strip().lower().replace("-", "_") for o in decoupled)
    families = data.get("families")
    if families is not None:
        if not isinstance(families, dict):
            raise ConfigError(f"{origin}: families must be a mapping of family name to its description")
        added = []  # (indexed once, when all are read)
        for name, spec in families.items():
            existing = kb.families.get(name)
            if existing is not None and isinstance(spec, dict) and "kind" not in spec:
                # Extending a known family: new aliases, suffixes, optimizers; other keys may be changed.
                extra = _family(name, {"kind": existing.kind, **spec}, origin, kb.optimizers)
                added.append(Family(
                    name, existing.kind, extra.role if "role" in spec else existing.role,
                    extra.log_scale if "log_scale" in spec else existing.log_scale,
                    existing.aliases + extra.aliases, existing.suffixes + extra.suffixes,
                    existing.conditional_on + extra.conditional_on, extra.label or existing.label,
                    existing.prefixes + extra.prefixes, existing.tokens + extra.tokens,
                    existing.not_with + extra.not_with, extra.integer if "integer" in spec else existing.integer,
                    extra.plausible if "plausible" in spec else existing.plausible,
                    extra.doubles_as or existing.doubles_as,
                ))
            else:
                added.append(_family(name, spec, origin, kb.optimizers))
        kb.add_families(added)
    interactions = data.get("interactions")
    if interactions is not None:
        if not isinstance(interactions, list):
            raise ConfigError(f"{origin}: interactions must be a list of [family, family] pairs")
        for index, entry in enumerate(interactions):
            where = f"{origin}: interactions[{index}]"
            why = ""
            pair = entry
            if isinstance(entry, dict):
                unknown = set(entry) - {"pair", "why"}
                if unknown:
                    raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (valid: pair, why)")
                pair, why = entry.get("pair"), entry.get("why", "")
                if not isinstance(why, str):
                    raise ConfigError(f"{where}: why must be a string")
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair) and pair[0] != pair[1]):
                raise ConfigError(f"{where}: an interaction must be a pair of two different families, [a, b], not {pair!r}")
            for p in pair:
                if p not in kb.families:
                    raise ConfigError(f"{where}: unknown family {p!r}")
            kb.interactions[frozenset(pair)] = Interaction(pair[0], pair[1], why.strip())


def _read_user(path: Path, shown: str) -> Any:
    """A knowledge file named in the user's settings: a pull request may bring it, so it is read the
    way sweep configs are (a regular file, a size cap, a node budget for aliases) and an error quotes
    a position, never the expanded value."""
    from sweeplint.source import UnreadableFile, read_text
    from sweeplint.yamldoc import YAMLReadError, compose, to_python

    try:
        text = read_text(str(path))
    except UnreadableFile as exc:
        raise ConfigError(f"{shown}: {exc.message}") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read the knowledge file: {exc.strerror or exc}") from None
    try:
        document = compose(text)
    except YAMLReadError as exc:
        raise ConfigError(f"{shown}:{exc.span.line}:{exc.span.column}: not valid YAML: {exc.message[:300]}") from None
    return to_python(document.roots[0]) if document.roots else None


def _read(path: Path, shown: str) -> Any:
    try:
        return load_yaml(path)
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read the knowledge file: {exc.strerror or exc}") from None
    except Exception as exc:  # noqa: BLE001 - a YAML error in a knowledge file
        raise ConfigError(f"{shown}: not valid YAML: {exc}") from None


SHIPPED = ("optimizers.yaml", "families.yaml", "interactions.yaml", "schedules.yaml")
DATA = ("lengths.yaml", "trial_budgets.yaml")  # the other files of rules/knowledge/ the engine reads (shipped_data)


def _shipped_knowledge(folder: Path, cache: Any = None) -> Knowledge:
    """The shipped knowledge base (a fresh one: the user's extensions are added to it).

    Parsing and validating the files is a visible share of a one-file run, and of the main
    process's start-up before a pool forks: sweeplint/knowledge_shipped.py holds the knowledge
    base they make, built and validated when it was generated, used while the files hold the
    texts it was generated from. Else the files are read and validated here."""
    from sweeplint import knowledge_shipped

    if _texts(folder) == knowledge_shipped.TEXTS:
        return knowledge_shipped.knowledge()
    kb = Knowledge()
    try:
        _merge_shipped(kb, _shipped_documents(folder, cache))
    except ConfigError:
        if cache is None:
            raise
        kb = Knowledge()  # a cached entry that does not validate: the files themselves decide
        _merge_shipped(kb, _shipped_documents(folder))
    return kb


def _shipped_documents(folder: Path, cache: Any = None) -> list:
    """The parsed shipped knowledge files, in SHIPPED order (None for a missing schedules file):
    with a cache, kept there, keyed by the files' contents. Either way they are validated by
    _merge exactly as freshly parsed ones."""
    key = cache.knowledge_key(folder, SHIPPED) if cache is not None else None
    if key is not None:
        documents = cache.get_knowledge(key, len(SHIPPED))
        if documents is not None:
            return documents
    documents = [_read(folder / name, name) for name in SHIPPED[:3]]
    schedules = folder / SHIPPED[3]
    documents.append(load_yaml(schedules) if schedules.is_file() else None)
    if key is not None:
        cache.put_knowledge(key, documents)
    return documents


def shipped_data(name: str) -> Any:
    """A data file of rules/knowledge/ (one of DATA) parsed. sweeplint/knowledge_shipped.py holds it
    parsed, used while the file holds the text it was parsed from: parsing it was a visible share
    of a small run, and is paid by every worker of a pool."""
    from sweeplint import knowledge_shipped

    path = data_dir() / "knowledge" / name
    if _text(path) == knowledge_shipped.DATA_TEXTS.get(name, False):
        return knowledge_shipped.data()[name]
    return load_yaml(path)


def _text(path: Path) -> str | None:
    """A file's text as load_yaml reads it; None when it cannot be read (load_yaml then says why)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _texts(folder: Path) -> tuple[str | None, ...] | None:
    """The shipped files' texts as load_yaml reads them (None for a missing one); None when one
    cannot be read (_read then says why)."""
    texts = []
    for name in SHIPPED:
        try:
            with open(folder / name, encoding="utf-8") as handle:
                texts.append(handle.read())
        except FileNotFoundError:
            texts.append(None)
        except (OSError, UnicodeDecodeError):
            return None
    return tuple(texts)


def render_shipped() -> str:
    """The text of sweeplint/knowledge_shipped.py: the knowledge base the shipped files make,
    validated, written as the Python expression that builds it."""
    from sweeplint.knowledge_shipped_render import literal_of_document, source_of

    folder = data_dir() / "knowledge"
    texts = _texts(folder)
    kb = Knowledge()
    _merge_shipped(kb, [load_yaml(folder / name) if text is not None else None for name, text in zip(SHIPPED, texts)])
    data_texts = {name: _text(folder / name) for name in DATA}
    data = {name: load_yaml(folder / name) for name in DATA}
    return (
        '"""Generated by `python -m sweeplint.knowledge --write` from rules/knowledge/; do not edit.\n\n'
        "The knowledge base the shipped files (sweeplint.knowledge.SHIPPED) make, validated, and the texts\n"
        'it was made from: sweeplint.knowledge uses it only while the files still hold exactly these texts."""\n\n'
        "from sweeplint.knowledge_model import Family, Interaction, Knowledge, Limit\n"
        "from sweeplint.schedules import Schedules, Setting\n\n"
        f"TEXTS = {texts!r}\n\n\n"
        "def knowledge() -> Knowledge:\n"
        '    """The shipped knowledge base, fresh objects at each call."""\n'
        f"    return {source_of(kb)}\n\n\n"
        f"DATA_TEXTS = {data_texts!r}\n\n\n"
        "def data() -> dict:\n"
        '    """The data files (sweeplint.knowledge.DATA) parsed from DATA_TEXTS, fresh objects at each call."""\n'
        f"    return {literal_of_document(data)}\n"
    )


def _merge_shipped(kb: Knowledge, documents: list) -> None:
    optimizers, families, interactions, schedules = documents
    _merge(kb, optimizers, "optimizers.yaml")
    _merge(kb, {"families": families}, "families.yaml")
    _merge(kb, interactions, "interactions.yaml")
    kb.schedules = Schedules() if schedules is None else parse_schedules(schedules, SHIPPED[3])


def load_knowledge(settings: Any = None, cache: Any = None) -> Knowledge:
    """The shipped knowledge base plus the user's extensions. `cache`: a sweeplint.cache.Cache that
    keeps the parsed shipped files between runs."""
    kb = _shipped_knowledge(data_dir() / "knowledge", cache)
    extra = getattr(settings, "knowledge", None) or {}
    if extra:
        source = getattr(settings, "source", None)
        origin = f"{source}: [tool.sweeplint.knowledge]" if source else "[tool.sweeplint.knowledge]"
        for key in extra:
            if key not in EXTENSION_KEYS:
                raise ConfigError(f"{origin}: unknown key {key!r} (valid: {', '.join(EXTENSION_KEYS)})")
        files = extra.get("files", [])
        if isinstance(files, str):
            files = [files]
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise ConfigError(f"{origin}: files must be a list of paths to YAML files")
        root = Path(getattr(settings, "root", None) or Path.cwd())
        for file in files:
            data = _read_user(root / file, f"{origin}: files: {file}")
            _merge(kb, data if data is not None else {}, str(file))
        _merge(kb, {k: v for k, v in extra.items() if k != "files"}, origin)
    return kb


def main(argv: list[str] | None = None) -> int:
    from sweeplint.generated_file import write_or_check

    return write_or_check(Path(__file__).with_name("knowledge_shipped.py"), render_shipped(), "python -m sweeplint.knowledge", argv)


if __name__ == "__main__":
    raise SystemExit(main())
