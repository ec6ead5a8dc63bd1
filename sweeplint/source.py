"""Turning bytes into text we can point into, and the `# sweeplint:` comments in it."""

from __future__ import annotations

import codecs
import re
from sweeplint.model import Directive, Span

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


def read_bytes(path: str) -> bytes:
    """The first MAX_FILE_BYTES + 1 bytes of a regular file. A FIFO, device or socket is refused
    without blocking (opened non-blocking, then checked)."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnreadableFile("not a regular file (a FIFO, device or socket); not read")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)


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

_DIRECTIVE = re.compile(r"(?:^|\s)#\s*sweeplint:\s*(?P<body>.*?)\s*$")
_ITEM = re.compile(r"\s*(?P<name>[A-Za-z][A-Za-z0-9_-]*)\s*(?:=\s*(?P<value>[^\s=,]*(?:\s*,\s*[^\s,=]+)*))?")

ROLE_DIRECTIVES = ("scientific", "nuisance", "fixed", "goal", "phase", "program")
SUPPRESSION_DIRECTIVES = ("disable", "disable-file")
DIRECTIVE_NAMES = SUPPRESSION_DIRECTIVES + ROLE_DIRECTIVES


def parse_directives(text: str) -> tuple[Directive, ...]:
    """Every `# sweeplint: name=value, ...` comment in the file, with positions."""
    found: list[Directive] = []
    if "sweeplint:" not in text:
        return tuple(found)
    for number, line in enumerate(split_lines(text), start=1):
        if "sweeplint:" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if not match:
            continue
        body_start = match.start("body")
        for item in re.finditer(r"[^;]+", match.group("body")):
            chunk = item.group(0)
            m = _ITEM.match(chunk)
            if not m or not m.group("name"):
                continue
            start = body_start + item.start() + m.start("name")
            end = body_start + item.start() + m.end()
            raw = m.group("value") or ""
            values = tuple(v.strip() for v in raw.split(",") if v.strip())
            if m.group("value") is not None:
                v_start = body_start + item.start() + m.start("value")
                v_end = body_start + item.start() + m.end("value")
            else:
                v_start, v_end = start, end
            found.append(
                Directive(
                    m.group("name"),
                    values,
                    Span(number, start + 1, number, end + 1),
                    Span(number, v_start + 1, number, v_end + 1),
                )
            )
    return tuple(found)
