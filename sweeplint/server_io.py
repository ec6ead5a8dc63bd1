"""Reading Language Server Protocol frames from a stream without ever going deaf, and the UTF-16
columns its positions count in.

A frame is a block of `Name: value` header lines, an empty line, and a body of Content-Length bytes.
An editor, a proxy or a crashed plugin can send anything: a header block without a usable length, a
body that is not JSON, JSON that is not an object. Each bad frame is answered (when it can be) or
dropped, and reading goes on with the next header block, so the server never stops listening.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import BinaryIO

MAX_HEADER_LINE = 8192                  # bytes; a longer "header" is garbage, not a header
MAX_BODY_BYTES = 64 * 1024 * 1024       # a frame larger than this is skipped, not read into memory

# JSON-RPC error codes.
PARSE_ERROR = -32700
INVALID_REQUEST = -32600


def utf16_column(line_text: str | None, column: int) -> int:
    """A 1-based code-point column as the 0-based UTF-16 offset LSP positions use."""
    index = max(0, column - 1)
    if line_text is None:
        return index
    head = line_text[:index]
    return len(head.encode("utf-16-le")) // 2 + max(0, index - len(head))


@dataclass(slots=True)
class Frame:
    """One frame: its decoded message, or why it was refused (then `message` is None)."""

    message: dict | None
    error: tuple[int, str] | None = None
    request_id: object = None             # the id of a refused request, when it could be read


def frames(stream: BinaryIO) -> Iterator[Frame]:
    """Every frame on the stream until it ends; bad ones come out with an error instead of a message."""
    while True:
        length = _header_block(stream)
        if length is None:
            return
        if length < 0:
            yield Frame(None, (INVALID_REQUEST, "a header block without a valid Content-Length was dropped"))
            continue
        if length > MAX_BODY_BYTES:
            if not _skip(stream, length):
                return
            yield Frame(None, (INVALID_REQUEST, f"a message of {length} bytes is larger than sweeplint accepts"))
            continue
        body = stream.read(length)
        if len(body) < length:
            return
        yield _decode(body)


def _header_block(stream: BinaryIO) -> int | None:
    """The Content-Length of the next header block; -1 when it has none that is usable; None at the end."""
    length = -1
    seen_any = False
    while True:
        line = stream.readline(MAX_HEADER_LINE)
        if not line:
            return None
        if not line.endswith(b"\n"):
            # An over-long line: drop the rest of it.
            while line and not line.endswith(b"\n"):
                line = stream.readline(MAX_HEADER_LINE)
            if not line:
                return None
            seen_any = True
            length = -1
            continue
        text = line.strip()
        if not text:
            if seen_any:
                return length
            continue  # blank lines between frames are tolerated
        seen_any = True
        name, sep, value = text.partition(b":")
        if sep and name.strip().lower() == b"content-length":
            value = value.strip()
            length = int(value) if value.isdigit() and len(value) < 19 else -1


def _skip(stream: BinaryIO, length: int) -> bool:
    while length > 0:
        chunk = stream.read(min(length, 1 << 20))
        if not chunk:
            return False
        length -= len(chunk)
    return True


def _decode(body: bytes) -> Frame:
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Frame(None, (PARSE_ERROR, "the message is not valid JSON"))
    if not isinstance(message, dict):
        return Frame(None, (INVALID_REQUEST, "a JSON-RPC message must be an object"))
    if not isinstance(message.get("method", ""), str):
        return Frame(None, (INVALID_REQUEST, "the method must be a string"), _id_of(message))
    return Frame(message)


def _id_of(message: dict) -> object:
    value = message.get("id")
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def error_response(frame: Frame) -> dict:
    code, text = frame.error or (INVALID_REQUEST, "invalid message")
    return {"jsonrpc": "2.0", "id": frame.request_id, "error": {"code": code, "message": text}}


def serve(stream: BinaryIO, handle: Callable[[bytes], None], answer: Callable[[dict], None]) -> None:
    """Hand each good frame, re-encoded as a clean frame, to `handle`; answer bad ones with `answer`."""
    for frame in frames(stream):
        if frame.message is None:
            answer(error_response(frame))
            continue
        body = json.dumps(frame.message).encode("utf-8")
        handle(b"Content-Length: %d\r\n\r\n" % len(body) + body)
