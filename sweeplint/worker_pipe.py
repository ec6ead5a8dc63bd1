"""How a forked worker sends its outcomes to the main process (sweeplint.parallel): pickled chunk
by chunk down a pipe, and read by the main process between its own chunks."""

from __future__ import annotations

import os


# A forked worker sends each chunk's outcomes as soon as they are ready, pickled in a frame (its
# length in 8 bytes, then the pickle), and a frame of length 0 when it has taken its last chunk:
# pickling them all at the end kept the main process waiting, and the main process unpickles them
# between its own chunks. A worker that dies sends no end: what it sent before is kept.
FRAME_LENGTH = 8
END = bytes(FRAME_LENGTH)


def send(fd: int, outcomes: list) -> None:
    import pickle

    data = pickle.dumps(outcomes, pickle.HIGHEST_PROTOCOL)
    write_all(fd, len(data).to_bytes(FRAME_LENGTH, "little") + data)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Inbox:
    """The outcomes a forked worker sent, read from its pipe as they arrive."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()
        self.outcomes: list = []
        self.ended = False        # the worker sent its last outcomes
        self.closed = False       # the pipe is read to its end (the worker exited or died), and closed

    def receive(self, wait: bool = False) -> None:
        """Take in what has arrived; with `wait`, everything until the worker closes the pipe. What
        cannot be read or unpickled ends the reading: the worker's other files are checked again."""
        if self.closed:
            return
        try:
            os.set_blocking(self.fd, wait)
            while True:
                data = os.read(self.fd, 1 << 16)
                if not data:
                    break
                self.buffer += data
        except BlockingIOError:
            pass
        except Exception:  # noqa: BLE001 - unreadable: as if the worker had died
            self.close()
            return
        else:
            self.close()
        try:
            self._unpack()
        except Exception:  # noqa: BLE001 - a garbled frame: as if the worker had died
            self.ended = False
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)   # (a worker still sending then fails, and exits)

    def _unpack(self) -> None:
        import pickle

        buffer, start = self.buffer, 0
        while not self.ended and len(buffer) - start >= FRAME_LENGTH:
            size = int.from_bytes(buffer[start:start + FRAME_LENGTH], "little")
            if size == 0:
                self.ended = True
            elif len(buffer) - start - FRAME_LENGTH < size:
                break
            else:
                self.outcomes += pickle.loads(buffer[start + FRAME_LENGTH:start + FRAME_LENGTH + size])
            start += FRAME_LENGTH + size
        del buffer[:start]


def send_end(fd: int) -> None:
    """Tell the main process the worker has taken its last chunk."""
    write_all(fd, END)


def widen(fd: int) -> None:
    """Let a results pipe hold a worker's outcomes while the main process is busy with a chunk
    (Linux: 1 MiB instead of 64 KiB), so a worker rarely waits to send."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass
