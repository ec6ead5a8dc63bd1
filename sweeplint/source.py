"""Turning bytes into text we can point into, and the `# sweeplint:` comments in it."""

from __future__ import annotations

import codecs
import os
import re
import stat

from sweeplint.model import Directive, Span
from sweeplint.records import record

MAX_FILE_BYTES = 8 * 1024 * 1024  # larger files are not sweep configs anyone writes by hand

_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class UnreadableFile(Exception):
    """The file cannot be turned into text; the message and position say why."""

    def __init__(self, message: str, span: Span = Span.point(1, 1)):
        super().__init__(message)
        self.message = message
        self.span = span


def decode(data: bytes) -> str:
    """Text of a file: BOM-aware, UTF-8 otherwise; binary and undecodable bytes are refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableFile(f"cannot decode the file as {encoding}: {exc.reason}") from None
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        # Lines and columns the way the rest of sweeplint counts them: any of CR, LF, CRLF ends a
        # line, and a column is a character, not a byte.
        breaks = list(re.finditer(rb"\r\n|\r|\n", before))
        line = len(breaks) + 1
        start = breaks[-1].end() if breaks else 0
        column = len(before[start:].decode("utf-8", errors="replace")) + 1
        raise UnreadableFile(
            f"invalid UTF-8 byte 0x{data[exc.start]:02x}; save the file as UTF-8",
            Span.point(line, column),
        ) from None


def open_regular(path: str) -> int:
    """A file descriptor of a regular file, for reading. A FIFO, device or socket is refused without
    blocking (opened non-blocking, then checked): UnreadableFile. The caller closes it."""
    return _open_regular(path)[0]


def _open_regular(path: str) -> tuple[int, int]:
    """open_regular's descriptor, and the file's size when it was opened."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile("not a regular file (a FIFO, device or socket); not read")
    except BaseException:
        os.close(fd)
        raise
    return fd, status.st_size


def read_head(path, limit: int) -> bytes:
    """The first `limit` bytes of a regular file; a FIFO or device is UnreadableFile, not waited on
    (what the project walks use to peek into files they may not need)."""
    with os.fdopen(open_regular(str(path)), "rb") as handle:
        return handle.read(limit)


_READ_MORE = 64 * 1024  # past the size a file had when opened


def read_bytes(path: str) -> bytes:
    """The first MAX_FILE_BYTES + 1 bytes of a regular file (see open_regular).

    Read from the descriptor directly (a buffered file object per file cost more than the read):
    the size it had when opened in one read, then until the end in small reads, as it may have
    grown since or report no size (as /proc does). A read allocates all it asks for before it
    reads: asking for the whole bound would cost every file 8 MiB."""
    fd, size = _open_regular(path)
    try:
        parts = [os.read(fd, min(size, MAX_FILE_BYTES) + 1)]
        read = len(parts[0])
        while read <= MAX_FILE_BYTES:
            more = os.read(fd, min(_READ_MORE, MAX_FILE_BYTES + 1 - read))
            if not more:
                break
            parts.append(more)  # (joined once: adding each part would copy all before it again)
            read += len(more)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def replace_file(path: str, data: bytes) -> None:
    """Write `data` over an existing file atomically (a temporary file beside it, then a rename),
    keeping the file's permissions: what `--fix` and `--add-noqa` write."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def text_of(data: bytes) -> str:
    """Decoded text of bytes read by read_bytes, refusing ones too large to be hand-written configs."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not read")
    return decode(data)


def read_text(path: str) -> str:
    """Read and decode a file from disk, refusing ones too large to be hand-written configs."""
    return text_of(read_bytes(path))


def split_lines(text: str) -> list[str]:
    """Lines as a YAML parser counts them (CR, LF, CRLF, NEL, LS, PS all end a line)."""
    return _LINE_BREAK.split(text)


# --- directives ------------------------------------------------------------------------------

# The patterns of directives are compiled (by re, which keeps them) when a file has a directive:
# most files have none, and compiling them all cost ~1.5 ms of every run's start-up.
_DIRECTIVE = r"(?i)(?:^|\s)#\s*sweeplint\s*:\s*(?P<body>.*?)\s*$"
_ITEM = r"\s*(?P<name>[A-Za-z][A-Za-z0-9_-]*)\s*(?:=\s*(?P<value>[^\s=,]*(?:\s*,\s*[^\s,=]+)*))?"

ROLE_DIRECTIVES = ("scientific", "nuisance", "fixed", "goal", "phase", "program")
SUPPRESSION_DIRECTIVES = ("disable", "disable-file", "enable")
DIRECTIVE_NAMES = SUPPRESSION_DIRECTIVES + ROLE_DIRECTIVES


def _directive_items(text: str):
    """(line number, column of the item's first character, item text) of every `;`-separated item
    of every `# sweeplint:` comment."""
    if "sweeplint" not in text.lower():
        return
    for number, line in enumerate(split_lines(text), start=1):
        if "sweeplint" not in line.lower():
            continue
        match = re.search(_DIRECTIVE, line)
        if not match:
            continue
        body_start = match.start("body")
        for item in re.finditer(r"[^;]+", match.group("body")):
            yield number, line, body_start + item.start(), item.group(0)


def parse_directives(text: str) -> tuple[Directive, ...]:
    """Every `# sweeplint: name=value, ...` comment in the file, with positions. Names are read
    case-insensitively (`# sweeplint: Disable=...` is a `disable`)."""
    found: list[Directive] = []
    for number, _line, offset, chunk in _directive_items(text):
        m = re.match(_ITEM, chunk)
        if not m or not m.group("name"):
            continue
        start = offset + m.start("name")
        end = offset + m.end()
        raw = m.group("value") or ""
        values = tuple(v.strip() for v in raw.split(",") if v.strip())
        if m.group("value") is not None:
            v_start = offset + m.start("value")
            v_end = offset + m.end("value")
        else:
            v_start, v_end = start, end
        found.append(
            Directive(
                m.group("name").lower(),
                values,
                Span(number, start + 1, number, end + 1),
                Span(number, v_start + 1, number, v_end + 1),
            )
        )
    return tuple(found)


# --- suppressions ----------------------------------------------------------------------------
# As forgiving as a `noqa` comment: `disable=SL101`, `disable SL101`, `disable: SL101, SL102`,
# `disable SL101 SL102 -- why`, and a bare `disable` (every rule). Whatever follows the codes is
# the writer's own note. A list that cannot be read is reported rather than guessed at, so a typo
# never turns into a blanket suppression.

_SUPPRESSION = r"(?i)\s*(?P<name>disable-file|disable|enable)(?![A-Za-z0-9_-])"
_TOKEN = r"[^\s,]+"
_CODE = r"(?:(?i:SL\d*|ALL)|[A-Z]{1,4}\d{1,5})\Z"    # SL101, sl1, ALL, another tool's E501
_RULE_NAME = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+\Z"                 # linear-scale-parameter


@record(frozen=True, slots=True)
class Suppression:
    """A `# sweeplint: disable ...`, `disable-file ...` or `enable ...` comment."""

    kind: str                              # "disable", "disable-file" or "enable"
    codes: tuple[tuple[str, Span], ...]    # (upper-cased code, prefix, rule name or ALL; where it is written)
    span: Span                             # the directive, from its name to its last code
    own_line: bool                         # the comment is alone on its line
    malformed: str | None = None           # why the list of codes cannot be read

    @property
    def every_rule(self) -> bool:
        return not self.codes and self.malformed is None


def _looks_like_a_code(token: str) -> bool:
    """A token meant as a code even though it is not one (`SLl01`, `SL101x`, `F401`)."""
    return token[:2].upper() == "SL" or any(c.isdigit() for c in token)


def parse_suppressions(text: str) -> tuple[Suppression, ...]:
    found: list[Suppression] = []
    for number, line, offset, chunk in _directive_items(text):
        m = re.match(_SUPPRESSION, chunk)
        if not m:
            continue
        kind = m.group("name").lower()
        rest_at = m.end()
        separator = re.match(r"\s*[=:]\s*", chunk[rest_at:])
        explicit = separator is not None
        if explicit:
            rest_at += separator.end()
        codes: list[tuple[str, Span]] = []
        malformed = None
        end = offset + m.end()
        for token in re.compile(_TOKEN).finditer(chunk, rest_at):
            word = token.group(0)
            if word.startswith("#"):
                break  # a comment after the directive
            if re.match(_CODE, word) or re.match(_RULE_NAME, word):
                at = offset + token.start()
                codes.append((word.upper(), Span(number, at + 1, number, at + len(word) + 1)))
                end = offset + token.end()
                continue
            if _looks_like_a_code(word):
                malformed = f"{word!r} is not a rule code (codes look like SL101; prefixes like SL1 and rule names work too)"
                end = offset + token.end()
            break  # the rest is the writer's note
        if explicit and not codes and malformed is None:
            malformed = f"`{kind}=` names no rule; write e.g. `{kind}=SL101`, or a bare `{kind}` for every rule"
        start = offset + m.start("name")
        own_line = line.lstrip().startswith("#")
        found.append(Suppression(kind, tuple(codes), Span(number, start + 1, number, end + 1), own_line, malformed))
    return tuple(found)
