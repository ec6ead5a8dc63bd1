"""Configuration: `[tool.sweeplint]` in pyproject.toml or a `sweeplint.toml`, then the command line."""

from __future__ import annotations

import os
from pathlib import Path

from sweeplint.diagnostics import Confidence, Severity
from sweeplint.records import field, record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any



def _parse_toml(text: str) -> dict:
    # Imported on use: most runs find no settings file, and the parser is a visible share of a one-file run.
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads(text)


OPTIONS = (
    "select", "extend-select", "ignore", "per-file-ignores", "severity", "fail-on", "exclude",
    "extend-exclude", "study", "knowledge", "output-format", "jobs", "cache-dir", "confidence", "results",
    "force-exclude", "respect-gitignore",
)
STUDY_KEYS = ("config", "scientific", "nuisance", "fixed", "goal", "phase", "program")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", "__pycache__", "node_modules", ".tox",
    ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".sweeplint_cache", "site-packages",
    "build", "dist", ".eggs", ".hydra",
)


# The JSON schema of [tool.sweeplint] (and of sweeplint.toml), shipped for editors and validators.
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "sweeplint.schema.json"


class ConfigError(Exception):
    """A configuration problem the user must fix; reported on one line, exit code 2."""


@record
class StudySettings:
    """Roles and goal declared for the studies of one config in the settings file."""

    config: str
    scientific: tuple[str, ...] = ()
    nuisance: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    goal: str | None = None
    phase: str | None = None
    program: str | None = None


@record
class Settings:
    """The resolved configuration of a run: settings file, then the command line."""

    select: tuple[str, ...] = ("SL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    # The least sure findings shown: opinions resting on weakly inferred roles or phase are hidden
    # by default (`--confidence weak` shows them).
    confidence: Confidence = Confidence.STRONG
    exclude: tuple[str, ...] = ()
    # exclude also the files named on the command line (as pre-commit and editors name them)
    force_exclude: bool = False
    # leave out what .gitignore files ignore when walking directories
    respect_gitignore: bool = True
    studies: tuple[StudySettings, ...] = ()
    knowledge: dict[str, Any] = field(default_factory=dict)
    output_format: str | None = None
    jobs: int | None = None
    cache_dir: str | None = None
    results: dict[str, Any] = field(default_factory=dict)   # thresholds of the SL5xx rules (sweeplint.results.thresholds)
    since: str | None = None       # the git revision the round-to-round rules (SL6xx) compare with (sweeplint.history)
    root: Path = field(default_factory=Path.cwd)   # where the config file was found
    source: Path | None = None                     # the config file, if any


def find_config_file(start: Path) -> Path | None:
    """The nearest pyproject.toml with [tool.sweeplint], or sweeplint.toml, walking up."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / "sweeplint.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = _settings_text(candidate)
                data = _parse_toml(text)
            except (OSError, UnicodeDecodeError, ConfigError):
                continue
            except ValueError:  # invalid TOML: ours to report only if it configures sweeplint
                if "tool.sweeplint" in text:
                    return candidate
                continue
            tool = data.get("tool")
            if isinstance(tool, dict) and "sweeplint" in tool:
                return candidate
    return None


def _settings_text(path: Path) -> str:
    """A settings file's text: a regular file, read without blocking and up to a size no settings
    file reaches (a FIFO, /dev/zero or a huge file is a one-line error, not a hang)."""
    from sweeplint.source import UnreadableFile, read_text

    try:
        return read_text(str(path))
    except UnreadableFile as exc:
        raise ConfigError(f"{path}: {exc.message}") from None


def load_settings(config_file: Path | None, start: Path | None = None) -> Settings:
    """Settings from an explicit file, or from the one found by walking up from `start`."""
    if config_file is None and start is not None:
        config_file = find_config_file(start)
    if config_file is None:
        # No configuration: the project is where sweeplint runs (its cache goes there, as ruff does).
        return Settings(root=Path.cwd())
    try:
        data = _parse_toml(_settings_text(config_file))
    except FileNotFoundError:
        raise ConfigError(f"config file {config_file} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {config_file}: {exc}") from None
    except ValueError as exc:
        raise ConfigError(f"{config_file}: invalid TOML: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{config_file}: `tool` must be a table ([tool.sweeplint]), not {type(tool).__name__}")
    if config_file.name == "pyproject.toml":
        table = tool.get("sweeplint", {})
    else:
        table = tool.get("sweeplint", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{config_file}: `tool.sweeplint` must be a table of settings, not {type(table).__name__}")
    settings = from_table(table, str(config_file))
    settings.root = config_file.resolve().parent
    settings.source = config_file
    return settings


def _suggest(name: str, options: tuple[str, ...]) -> str:
    import difflib  # only to suggest a spelling, on an error

    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; valid options: {', '.join(options)}"


def _codes(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of rule codes")
    return tuple(v.strip() for v in value)


def from_table(table: dict, origin: str) -> Settings:
    s = Settings()
    for key, value in table.items():
        if key not in OPTIONS:
            raise ConfigError(f"{origin}: unknown option {key!r} in [tool.sweeplint]{_suggest(key, OPTIONS)}")
        where = f"{origin}: {key}"
        if key == "select":
            s.select = _codes(value, where)
        elif key == "extend-select":
            s.extend_select = _codes(value, where)
        elif key == "ignore":
            s.ignore = _codes(value, where)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must be a table of glob = [codes]")
            s.per_file_ignores = {glob: _codes(codes, f"{where}.{glob}") for glob, codes in value.items()}
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must be a table of CODE = \"error\"|\"warning\"|\"info\"")
            try:
                s.severity = {code: Severity.parse(str(level)) for code, level in value.items()}
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
        elif key == "fail-on":
            try:
                s.fail_on = Severity.parse(str(value))
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
        elif key == "confidence":
            try:
                s.confidence = Confidence.parse(str(value))
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
        elif key in ("exclude", "extend-exclude"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} must be a list of glob patterns")
            s.exclude = s.exclude + tuple(value)
        elif key == "study":
            s.studies = tuple(_study(item, f"{where}[{i}]") for i, item in enumerate(value if isinstance(value, list) else [value]))
        elif key == "knowledge":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must be a table")
            s.knowledge = value
        elif key == "output-format":
            s.output_format = str(value)
        elif key == "jobs":
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"{where} must be a positive integer")
            s.jobs = value
        elif key == "cache-dir":
            s.cache_dir = str(value)
        elif key == "results":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must be a table of thresholds (e.g. infeasible-fraction = 0.3)")
            s.results = value
        elif key in ("force-exclude", "respect-gitignore"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false")
            setattr(s, key.replace("-", "_"), value)
    return s


def _study(item: Any, where: str) -> StudySettings:
    if not isinstance(item, dict):
        raise ConfigError(f"{where} must be a table")
    for key in item:
        if key not in STUDY_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, STUDY_KEYS)}")
    if "config" not in item:
        raise ConfigError(f"{where} needs `config`, a glob naming the sweep files it describes")

    def names(k: str) -> tuple[str, ...]:
        v = item.get(k, ())
        return (v,) if isinstance(v, str) else tuple(str(x) for x in v)

    return StudySettings(
        config=str(item["config"]),
        scientific=names("scientific"),
        nuisance=names("nuisance"),
        fixed=names("fixed"),
        goal=item.get("goal"),
        phase=item.get("phase"),
        program=item.get("program"),
    )


def relative_to_root(path: str, root: Path) -> str:
    """A path relative to the settings root, with forward slashes, for glob matching."""
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:
        rel = path
    return rel.replace(os.sep, "/")


# --- `check --show-settings` -----------------------------------------------------------------


def _toml_value(value: Any) -> str:
    """A value in TOML syntax (strings, numbers, booleans, lists and inline tables)."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_key(key: Any) -> str:
    import re

    key = str(key)
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def show_settings(settings: Settings, jobs: int, cache_dir: str | None, rule_codes: list[str]) -> str:
    """The resolved settings as a `[tool.sweeplint]` table a user could paste into pyproject.toml,
    after comments saying where they came from and which rules (`rule_codes`) they enable."""
    table: dict[str, Any] = {
        "select": list(settings.select),
        "extend-select": list(settings.extend_select),
        "ignore": list(settings.ignore),
        "per-file-ignores": {glob: list(codes) for glob, codes in settings.per_file_ignores.items()},
        "severity": {code: str(level) for code, level in settings.severity.items()},
        "fail-on": str(settings.fail_on),
        "confidence": str(settings.confidence),
        "exclude": list(settings.exclude),
        "force-exclude": settings.force_exclude,
        "respect-gitignore": settings.respect_gitignore,
        "output-format": settings.output_format or "concise",
        "jobs": jobs,
    }
    if cache_dir is not None:
        table["cache-dir"] = cache_dir
    lines = [
        f"# Settings file: {settings.source.resolve() if settings.source else 'none (defaults)'}",
        f"# Project root: {Path(settings.root).resolve()}",
        f"# Default exclusions: {', '.join(DEFAULT_EXCLUDE)}",
        f"# Rules enabled ({len(rule_codes)}): {' '.join(rule_codes)}",
        f"# Cache: {cache_dir if cache_dir is not None else 'off (--no-cache)'}",
        f"# JSON schema of these settings (for editors): {SCHEMA_PATH}",
        "",
        "[tool.sweeplint]",
    ]
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    if settings.knowledge:
        lines += ["", "[tool.sweeplint.knowledge]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in settings.knowledge.items()]
    for study in settings.studies:
        lines += ["", "[[tool.sweeplint.study]]"]
        for key in STUDY_KEYS:
            value = getattr(study, key)
            if value not in (None, ()):
                lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
