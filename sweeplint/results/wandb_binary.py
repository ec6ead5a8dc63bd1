"""The records of a W&B run's binary log (`run-<id>.wandb`), read without the W&B client.

A run made offline keeps its config, its per-step history and its summary only in this file (its
`files/` folder then holds no config.yaml or wandb-summary.json). The file is a LevelDB-style log:
a 7-byte header (`:W&B`, a 2-byte magic, a version byte), then 32 KiB blocks of chunks, each with a
4-byte checksum, a 2-byte length and a type (full, first, middle, last) that joins chunks into
records. Each record is a protocol-buffer `Record`; the few fields read here, by number:

    Record:        history=2 (HistoryRecord), summary=3 (SummaryRecord), config=5 (ConfigRecord),
                   run=17 (RunRecord), exit=18 (RunExitRecord)
    HistoryRecord: item=1 (HistoryItem), step=2 (HistoryStep: num=1)
    HistoryItem, SummaryItem, ConfigItem: key=1, nested_key=2 (repeated), value_json=16
    SummaryRecord, ConfigRecord: update=1 (items)
    RunRecord:     run_id=1, config=4 (ConfigRecord), summary=5 (SummaryRecord), display_name=8
    RunExitRecord: exit_code=1

Reading is bounded (file size, record count) and never raises on damage: a broken chunk ends the
read, keeping what came before, as a crashed run's log is cut short.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field
from pathlib import Path

HEADER = b":W&B"
BLOCK = 32 * 1024
CHUNK_HEADER = 7
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4
MAX_BYTES = 256 * 1024 * 1024
MAX_RECORDS = 2_000_000
MAX_VALUE = 64 * 1024       # a value's JSON text longer than this (an image, a table) is skipped


@dataclass
class RunLog:
    """What one run's binary log says; `complete` is False when the log was cut short."""

    run_id: str = ""
    name: str = ""
    config: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)    # metric -> [(step, value)]
    exit_code: int | None = None
    complete: bool = True


class Broken(ValueError):
    pass


def read_run_log(path: Path, metrics: set[str]) -> RunLog:
    """Config, summary and the histories of `metrics` from one `.wandb` file."""
    log = RunLog()
    import os

    from sweeplint.source import UnreadableFile, open_regular

    try:
        fd = open_regular(str(path))   # a FIFO named like a log is refused, not waited on
    except UnreadableFile as exc:
        raise Broken(exc.message) from None
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise Broken(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if not data.startswith(HEADER) or len(data) < CHUNK_HEADER:
        raise Broken("not a W&B run log (no :W&B header)")
    for number, record in enumerate(_records(data, log)):
        if number >= MAX_RECORDS:
            log.complete = False
            break
        try:
            _take(record, log, metrics)
        except (Broken, IndexError, UnicodeDecodeError, struct.error):
            log.complete = False
            break
    return log


def _records(data: bytes, log: RunLog):
    """The joined records; a chunk whose length runs past its block, or an unknown type, ends them."""
    position, pending = CHUNK_HEADER, None
    while position + CHUNK_HEADER <= len(data):
        left = BLOCK - position % BLOCK
        if left < CHUNK_HEADER:            # a block's tail too short for a header is padding
            position += left
            continue
        length, kind = struct.unpack_from("<HB", data, position + 4)
        start = position + CHUNK_HEADER
        if kind == 0 and length == 0:      # zero padding at the end of a preallocated block
            position += left
            continue
        if length > left - CHUNK_HEADER or start + length > len(data) or kind not in (FULL, FIRST, MIDDLE, LAST):
            log.complete = False
            return
        chunk = data[start:start + length]
        position = start + length
        if kind == FULL:
            yield chunk
        elif kind == FIRST:
            pending = [chunk]
        elif pending is not None:
            pending.append(chunk)
            if kind == LAST:
                yield b"".join(pending)
                pending = None
    if pending is not None:
        log.complete = False


def _fields(buffer: bytes):
    """(field number, wire type, value) of one protocol-buffer message; bytes for length-delimited."""
    position, end = 0, len(buffer)
    while position < end:
        key, position = _varint(buffer, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(buffer, position)
        elif wire == 1:
            value, position = buffer[position:position + 8], position + 8
        elif wire == 2:
            size, position = _varint(buffer, position)
            if position + size > end:
                raise Broken("a field runs past its message")
            value, position = buffer[position:position + size], position + size
        elif wire == 5:
            value, position = buffer[position:position + 4], position + 4
        else:
            raise Broken(f"unsupported wire type {wire}")
        yield number, wire, value


def _varint(buffer: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buffer[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
        if shift > 63:
            raise Broken("a varint longer than 10 bytes")


def _take(record: bytes, log: RunLog, metrics: set[str]) -> None:
    for number, wire, value in _fields(record):
        if wire != 2 and number != 18:
            continue
        if number == 2:
            _history(value, log, metrics)
        elif number == 3:
            _items(value, log.summary)
        elif number == 5:
            _items(value, log.config)
        elif number == 17:
            for sub, sub_wire, sub_value in _fields(value):
                if sub == 1 and sub_wire == 2:
                    log.run_id = sub_value.decode("utf-8", "replace")
                elif sub == 8 and sub_wire == 2:
                    log.name = sub_value.decode("utf-8", "replace")
                elif sub == 4 and sub_wire == 2:
                    _items(sub_value, log.config)
                elif sub == 5 and sub_wire == 2:
                    _items(sub_value, log.summary)
        elif number == 18 and wire == 2:
            for sub, sub_wire, sub_value in _fields(value):
                if sub == 1 and sub_wire == 0:
                    log.exit_code = sub_value - (1 << 64) if sub_value >= 1 << 63 else sub_value


def _item(buffer: bytes) -> tuple[str, object]:
    key, nested, value = "", [], None
    for number, wire, raw in _fields(buffer):
        if wire != 2:
            continue
        if number == 1:
            key = raw.decode("utf-8", "replace")
        elif number == 2:
            nested.append(raw.decode("utf-8", "replace"))
        elif number == 16 and len(raw) <= MAX_VALUE:
            value = _json(raw)
    return (".".join(nested) if nested else key), value


def _items(buffer: bytes, into: dict) -> None:
    """A ConfigRecord's or SummaryRecord's updates (field 1), each key set to its decoded value."""
    for number, wire, raw in _fields(buffer):
        if number == 1 and wire == 2:
            key, value = _item(raw)
            if key:
                into[key] = value


def _history(buffer: bytes, log: RunLog, metrics: set[str]) -> None:
    row, step = {}, None
    for number, wire, raw in _fields(buffer):
        if number == 1 and wire == 2:
            key, value = _item(raw)
            if key in metrics or key == "_step":
                row[key] = value
        elif number == 2 and wire == 2:
            for sub, sub_wire, sub_value in _fields(raw):
                if sub == 1 and sub_wire == 0:
                    step = sub_value
    if isinstance(row.get("_step"), int):
        step = row["_step"]
    for key, value in row.items():
        if key != "_step":
            found = log.history.setdefault(key, [])
            number = _number(value)
            found.append((step if step is not None else len(found), math.nan if number is None else number))


def _json(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if value in ("NaN", "Infinity", "-Infinity", "nan", "inf", "-inf"):
        return float(value.lower().replace("infinity", "inf"))
    return None
