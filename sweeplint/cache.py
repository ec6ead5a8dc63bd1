"""Results kept between runs, so that an unchanged repository is checked at the cost of reading it.

Layout (all JSON, never pickle: a cache directory may come from anywhere, and loading it must not be
able to run code):

    <cache dir>/CACHEDIR.TAG, .gitignore
    <cache dir>/v1/results/ab/<key>.json   the diagnostics of one file
    <cache dir>/v1/facts/ab/<key>.json     the code facts of one Python text (see sweeplint.codefacts)

A result's key covers the sweeplint version and its own source files, the selected rules, every setting
that changes results, the knowledge base, the working directory, the file's path and the hash of its
bytes. The entry also lists the files the result depends on (the program a config runs and the local
modules it imports, or the places where a missing program was looked for) with their hashes; a lookup
re-hashes them, so editing a training script re-checks exactly the configs that run it.

Writes are atomic (a temporary file in the same folder, then `os.replace`); two processes writing the
same entry at once each write a complete file and one of them wins. An entry that cannot be read,
does not parse, or carries another key is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from sweeplint.source import MAX_FILE_BYTES, UnreadableFile, open_regular, read_bytes

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

FORMAT = 1
DEFAULT_DIR = ".sweeplint_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This directory is a cache made by sweeplint; it can be deleted.\n"


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_path(path: str) -> str | None:
    """Hash of a file's bytes, or None when it does not exist, cannot be read or is not a regular file.

    Bounded whatever the path names: a FIFO, device or socket is refused without blocking
    (source.open_regular), and only the first MAX_FILE_BYTES + 1 bytes are hashed, in chunks,
    together with the size; sweeplint reads no more of a file than that, so no result can depend on
    the rest.
    """
    try:
        fd = open_regular(path)
    except (OSError, ValueError, UnreadableFile):
        return None
    try:
        digest = hashlib.sha256(str(os.fstat(fd).st_size).encode())
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def _checksum(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@lru_cache(maxsize=1)
def _source_fingerprint() -> list:
    """Size and modification time of sweeplint's own modules: an edited rule invalidates results.

    Taken once per process (a run asks for it once per group of targets): the code running is the
    code that was imported, whatever happens to the files later. Read with scandir and names cut
    from the path rather than os.walk and relpath: a one-file run pays this on every start."""
    package = str(Path(__file__).resolve().parent)
    out = []
    pending = [(package, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.endswith(".py"):
                try:
                    st = os.stat(entry.path)
                except OSError:
                    continue
                out.append([prefix + name, st.st_size, st.st_mtime_ns])
            elif name != "__pycache__" and entry.is_dir() and not entry.is_symlink():
                pending.append((entry.path, prefix + name + os.sep))
    out.sort()
    return out


def _knowledge_fingerprint(settings: Any) -> list:
    """The shipped knowledge files and the user's extra ones, by content."""
    out = []
    try:
        from sweeplint.catalogue import data_dir

        folder = data_dir() / "knowledge"
        for path in sorted(folder.glob("*.yaml")):
            out.append([path.name, hash_path(str(path))])
    except (OSError, FileNotFoundError):
        pass
    extra = getattr(settings, "knowledge", None) or {}
    root = Path(getattr(settings, "root", None) or Path.cwd())
    for file in extra.get("files", []) if isinstance(extra, dict) else []:
        out.append([str(file), hash_path(str(root / str(file)))])
    return out


def _plain(value: Any) -> Any:
    """Settings as JSON-able data, deterministically."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    own = getattr(type(value), "__record_fields__", None)  # (a record's dataclass view costs an import)
    if own is not None:
        return {name: _plain(getattr(value, name)) for name in own}
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return str(value)


def run_key(settings: Any, rule_codes: Iterable[str]) -> str:
    """Everything besides the file itself that a result depends on."""
    from sweeplint import __version__

    fields = {}
    for name in ("severity", "per_file_ignores", "studies", "knowledge", "root"):
        fields[name] = _plain(getattr(settings, name, None))
    data = {
        "format": FORMAT,
        "version": __version__,
        "source": _source_fingerprint(),
        "rules": sorted(rule_codes),
        "settings": fields,
        "knowledge": _knowledge_fingerprint(settings),
        "cwd": os.getcwd(),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class Cache:
    """A folder of JSON entries. Every failure to read or write is silent: the cache is only a cache."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self._prepared = False
        self._hashes: dict[str, str | None] = {}

    # --- storage -------------------------------------------------------------------------------

    def entries_folder(self) -> str:
        """The real path of the folder that holds this cache's entries (nothing else is ours)."""
        return os.path.realpath(self.directory / f"v{FORMAT}")

    def _path(self, kind: str, key: str) -> Path:
        return self.directory / f"v{FORMAT}" / kind / key[:2] / f"{key}.json"

    def load(self, kind: str, key: str) -> Any:
        try:
            data = read_bytes(str(self._path(kind, key)))
            if len(data) > MAX_FILE_BYTES:
                return None
            entry = json.loads(data)
        except (OSError, ValueError, UnreadableFile, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("sweeplint-cache") != FORMAT or entry.get("key") != key:
            return None
        return entry.get("value")

    def store(self, kind: str, key: str, value: Any) -> None:
        path = self._path(kind, key)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps({"sweeplint-cache": FORMAT, "key": key, "value": value}, separators=(",", ":"))
            temp = path.parent / f".{key}.{os.getpid()}.{id(value):x}.tmp"
            with open(temp, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(temp, path)
        except (OSError, TypeError, ValueError):
            try:
                temp.unlink()  # type: ignore[possibly-undefined]
            except (OSError, NameError, UnboundLocalError):
                pass

    def _prepare(self) -> None:
        if self._prepared:
            return
        self._prepared = True
        # The tag and the ignore-everything file mark a folder as ours. A folder that already held
        # other things (`cache-dir = "."`) is not: they go into our own subfolder, or they would
        # hide the project from git and from backups.
        ours = not self.directory.exists() or (self.directory / "CACHEDIR.TAG").exists() or not any(self.directory.iterdir())
        folder = self.directory if ours else self.directory / f"v{FORMAT}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "# made by sweeplint\n*\n")):
            target = folder / name
            if not target.exists():
                try:
                    temp = folder / f".{name}.{os.getpid()}.tmp"
                    temp.write_text(text, encoding="utf-8")
                    os.replace(temp, target)
                except OSError:
                    pass

    # --- code facts (the FactsCache protocol of sweeplint.codefacts) -------------------------------

    def get(self, key: str) -> dict | None:
        value = self.load("facts", key)
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict) -> None:
        self.store("facts", key, value)

    # --- the parsed shipped knowledge base (sweeplint.knowledge) -----------------------------------

    def knowledge_key(self, folder: Path, names: Iterable[str]) -> str | None:
        """A key naming the knowledge files by content; None when one cannot be read."""
        hashes = []
        for name in names:
            path = folder / name
            digest = hash_path(str(path))
            if digest is None and path.exists():
                return None
            hashes.append([name, digest])
        return hashlib.sha256(json.dumps([FORMAT, hashes]).encode()).hexdigest()

    def get_knowledge(self, key: str, count: int) -> list | None:
        """The stored documents, or None unless they are whole: mappings (or empty files) whose
        checksum matches, so a damaged entry is parsed again rather than half-believed."""
        entry = self.load("knowledge", key)
        if not isinstance(entry, dict):
            return None
        documents = entry.get("documents")
        if not isinstance(documents, list) or len(documents) != count or not all(d is None or isinstance(d, dict) for d in documents):
            return None
        if entry.get("sha256") != _checksum(documents):
            return None
        return documents

    def put_knowledge(self, key: str, documents: list) -> None:
        # Only documents JSON keeps exactly (no non-string keys, no dates...) are stored.
        try:
            if json.loads(json.dumps(documents)) != documents:
                return
        except (TypeError, ValueError, RecursionError):
            return
        self.store("knowledge", key, {"documents": documents, "sha256": _checksum(documents)})

    # --- results of one file ---------------------------------------------------------------------

    def current_hash(self, path: str) -> str | None:
        if path not in self._hashes:
            self._hashes[path] = hash_path(path)
        return self._hashes[path]

    def result_key(self, run: str, path: str, explicit: bool, digest: str) -> str:
        return hashlib.sha256(f"{run}\0{path}\0{int(explicit)}\0{digest}".encode("utf-8", "surrogatepass")).hexdigest()

    def lookup(self, key: str) -> dict | None:
        """A stored result whose dependencies are all unchanged, or None."""
        value = self.load("results", key)
        try:
            if not isinstance(value, dict) or not isinstance(value["sweep"], bool):
                return None
            for path, digest in value["deps"].items():
                if self.current_hash(path) != digest:
                    return None
            decode_diagnostics(value["diagnostics"])  # validates the shape
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return value

    def save(self, key: str, sweep: bool, diagnostics: list, deps: Iterable[str]) -> None:
        self.store("results", key, {
            "sweep": sweep,
            "diagnostics": encode_diagnostics(diagnostics),
            "deps": {path: self.current_hash(path) for path in sorted(set(deps))},
        })


# --- diagnostics as JSON ---------------------------------------------------------------------


def encode_diagnostics(diagnostics: list) -> list:
    from sweeplint.fixes import encode_fix

    out = []
    for d in diagnostics:
        out.append([
            d.code, d.name, int(d.severity), d.message, d.path, _span(d.span),
            [[r.path, _span(r.span), r.message] for r in d.related],
            int(d.confidence) if d.confidence is not None else None,
            encode_fix(d.fix),
            d.help,
        ])
    return out


def _span(span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def decode_diagnostics(data: list) -> list:
    from sweeplint.diagnostics import Confidence, Diagnostic, Related, Severity
    from sweeplint.fixes import decode_fix
    from sweeplint.model import Span

    out = []
    for code, name, severity, message, path, span, related, confidence, fix, help_text in data:
        if not all(isinstance(v, str) for v in (code, name, message, path)) or not isinstance(help_text, (str, type(None))):
            raise ValueError("malformed diagnostic")
        out.append(Diagnostic(
            code, name, Severity(int(severity)), message, path, Span(*(int(v) for v in span)),
            tuple(Related(str(p), Span(*(int(v) for v in s)), str(m)) for p, s, m in related),
            Confidence(int(confidence)) if confidence is not None else None,
            decode_fix(fix),
            help_text,
        ))
    return out
