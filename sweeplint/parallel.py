"""Checking many files: cached results first, then the rest in one process or several.

The main process reads every file's bytes and looks its result up in the cache; only the misses are
checked, in this process or, when there is enough work to pay for more processes (`workers_for`:
the work estimated by kind, configs by number and Python files by size, whatever --jobs allows),
in several, given contiguous chunks (neighbouring configs tend to share a program, whose facts each
process then computes once). Where processes fork, the main process is one of the workers: it
loads the knowledge base and imports the rules and readers once, forks the others, which inherit
them and the files' bytes instead of receiving copies, and every process takes the next chunk left
until none is. Each outcome is put back at its file's place, so the result does not depend on the
number of workers.
"""

from __future__ import annotations

import gc
import os
import re
import sys

from sweeplint.discover import Target
from sweeplint.file_check import lint_file, make_knowledge_loader
from sweeplint.records import record
from sweeplint.rule import revision_compared
from sweeplint.worker_pipe import Inbox, send, send_end, widen

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# A worker must get enough work to pay for itself: forking one, its first files (what this process
# had not yet warmed) and sending its outcomes back cost ~20-40 ms, and a program whose configs
# land in two workers is parsed twice (affinity_chunks keeps them together). The work is estimated
# by kind, in the time of parsing and walking a byte of Python: a config is read and checked in
# ~2 ms whatever its size (about 150 bytes of Python), a Python file costs by its size. A process
# is given at least ~0.13 s of work (64 configs, or ~10 KB of Python): a hundred configs without
# code stay in one process, five hundred use two cores.
CONFIG_WORK = 150
MIN_WORK_PER_JOB = 64 * CONFIG_WORK
CHUNKS_PER_JOB = 32   # small chunks, heaviest first: the processes finish close together
MAX_CHUNKS = 255   # a chunk's number is one byte (see _take_chunks)


def estimated_work(item) -> int:
    """A pending file's work, in bytes of Python (see MIN_WORK_PER_JOB)."""
    path, data = item[1], item[3]
    if path.endswith(".py"):
        return len(data) if data is not None else CONFIG_WORK
    return CONFIG_WORK


def workers_for(pending: list, jobs: int) -> int:
    """How many processes the pending files are worth: one for small trees, at most `jobs`."""
    if jobs <= 1 or len(pending) <= 1:
        return 1
    work = sum(map(estimated_work, pending))
    return max(1, min(jobs, len(pending), work // MIN_WORK_PER_JOB))


def available_cores() -> int:
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(1, counter() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@record(frozen=True, slots=True)
class Outcome:
    """The result of checking one file: whether it is a sweep file, and its findings."""

    path: str
    sweep: bool
    diagnostics: list


class Worker:
    """One process's tools: the selected rules, the knowledge base, the code facts of this run."""

    def __init__(self, rules: list, settings: Any, cache_dir: str | None, run_key: str | None):
        from sweeplint.codefacts import CodeFactsStore

        self.rules = rules
        self.settings = settings
        self.uses_code = any(getattr(r, "uses_code", False) for r in rules)
        self.cache = None
        if cache_dir is not None:
            from sweeplint.cache import Cache

            self.cache = Cache(cache_dir)
        self.run_key = run_key
        self.knowledge_loader = make_knowledge_loader(settings, self.cache)
        self.code_facts = CodeFactsStore(settings, cache=self.cache)

    def check(self, path: str, explicit: bool, data: bytes | None, key: str | None) -> Outcome:
        file, diagnostics = lint_file(
            Target(path, explicit), self.rules, self.settings, self.knowledge_loader, self.code_facts, data=data,
        )
        sweep = file is not None
        if self.cache is not None and key is not None and not any(d.code == "SL999" for d in diagnostics):
            try:
                deps = self.dependencies(file) if sweep else set()
            except Exception:  # noqa: BLE001 - cannot tell what it depends on: do not keep it
                deps = None
            if deps is not None:
                self.cache.save(key, sweep, diagnostics, deps)
        return Outcome(path, sweep, diagnostics)

    def dependencies(self, file) -> set[str]:
        """Files besides itself whose content the file's result depends on (present or absent)."""
        deps: set[str] = set()
        if file.path.endswith(".py") and file.studies:
            # A sweep written in Python depends on the project modules it imports names from
            # (SL219); kept whatever rules are selected: cheap, and at worst a result is recomputed.
            from sweeplint.codefacts.import_targets import missing_imports

            missing_imports(file.path, file.text, deps)
        if not self.uses_code:
            deps.discard(file.path)
            return deps
        from pathlib import Path

        store = self.code_facts
        root = Path(getattr(self.settings, "root", None) or Path.cwd())
        for study in file.studies:
            res = store.resolution(study, file.path)
            if res.status == "python" and res.path:
                program = store.program(res.path)
                deps.update(program.files if program is not None else (res.path,))
            elif res.status == "missing" and res.name:
                # Where it was looked for: the result changes when the program appears.
                if res.how == "module":
                    names = [res.name.replace(".", "/") + ".py", res.name.replace(".", "/") + "/__main__.py"]
                else:
                    names = [res.name.replace("\\", "/")]
                for folder in (Path(file.path).resolve().parent, root.resolve()):
                    deps.update(str(folder / name) for name in names)
        deps.discard(file.path)
        return deps


_WORKER: Worker | None = None   # a spawned worker's tools


def _init(rules, settings, cache_dir, run_key) -> None:
    """A spawned worker (no fork on this system): its own tools."""
    global _WORKER
    _die_with_parent()
    _WORKER = Worker(rules, settings, cache_dir, run_key)


def _die_with_parent() -> None:
    """A spawned worker whose parent was killed (kill -9, OOM) must not wait forever for work.

    Linux kills it at once (PR_SET_PDEATHSIG); everywhere, a watchdog thread notices that the
    parent changed and ends the process.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    import threading

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="sweeplint-parent-watch", daemon=True).start()


def _check_chunk(chunk: list) -> list:
    """Check a chunk of pending files sent to a spawned worker."""
    assert _WORKER is not None
    return [(index, _WORKER.check(path, explicit, data, key)) for index, path, explicit, data, key in chunk]


def _take_chunks(worker: Worker, pending: list, bounds: list, tokens: int, parent: int | None = None,
                 each=None) -> list:
    """Check chunks of the pending files until none is left: the main process and each forked
    worker run this side by side. `tokens` is the read end of a pipe holding one byte per chunk, its
    number, and closed for writing: a read takes the next chunk no other process took (a read of
    one byte is atomic), and the end of the pipe means every chunk is taken. A forked worker gives
    its parent's process id: once the parent is gone (kill -9, OOM) it stops at the next chunk.
    The outcomes are returned, or handed to `each` chunk by chunk when it is given."""
    done = []
    while True:
        if parent is not None and os.getppid() != parent:
            os._exit(1)  # nobody is left to read the outcomes
        token = os.read(tokens, 1)
        if not token:
            return done
        start, end = bounds[token[0]]
        outcomes = [(index, worker.check(path, explicit, data, key)) for index, path, explicit, data, key in pending[start:end]]
        if each is None:
            done += outcomes
        else:
            each(outcomes)


def _read(path: str) -> bytes | None:
    from sweeplint.source import UnreadableFile, read_bytes

    try:
        return read_bytes(path)
    except (OSError, UnreadableFile):
        return None  # read again by the reader, which reports why it cannot be read


def run(targets: list, rules: list, settings: Any, jobs: int = 1, cache_dir: str | None = None) -> list[Outcome]:
    """Outcomes in the order of the targets."""
    cache = run_key = None
    if cache_dir is not None:
        from sweeplint.cache import Cache, file_hash, run_key as make_run_key

        cache = Cache(cache_dir)
        run_key = make_run_key(settings, [r.code for r in rules])
        # Only the cache's own entries are skipped: a cache folder that holds the project (`.`, or
        # `/tmp` in CI) must not hide the files under it.
        inside = cache.entries_folder() + os.sep
        targets = [t for t in targets if not os.path.realpath(t.path).startswith(inside)]
    outcomes: list[Outcome | None] = [None] * len(targets)
    pending = []
    # The bytes are read here for the cache's keys and for keeping configs with the programs they
    # name; without either, each process reads the files it checks (side by side in a pool).
    read_here = cache is not None or any(t.path.endswith(".py") for t in targets)
    for index, target in enumerate(targets):
        data = _read(target.path) if read_here else None
        key = None
        if cache is not None and data is not None:
            key = cache.result_key(run_key, target.path, target.explicit, file_hash(data))
            hit = cache.lookup(key)
            if hit is not None:
                from sweeplint.cache import decode_diagnostics

                outcomes[index] = Outcome(target.path, hit["sweep"], decode_diagnostics(hit["diagnostics"]))
                continue
        pending.append((index, target.path, target.explicit, data, key))

    jobs = workers_for(pending, jobs)
    done = False
    if jobs > 1:
        done = _in_pool(pending, outcomes, rules, settings, cache_dir, run_key, jobs)
    if not done and pending:
        worker = Worker(rules, settings, cache_dir, run_key)
        for index, path, explicit, data, key in pending:
            if outcomes[index] is None:
                outcomes[index] = worker.check(path, explicit, data, key)
    return outcomes  # type: ignore[return-value]


def _in_pool(pending, outcomes, rules, settings, cache_dir, run_key, jobs) -> bool:
    """Check the pending files in `jobs` processes; False when a worker died (the files it did not
    report are then checked by the caller, in this process)."""
    pending, bounds = affinity_chunks(pending, min(jobs * CHUNKS_PER_JOB, MAX_CHUNKS))
    jobs = min(jobs, len(bounds))
    if jobs <= 1:
        return False  # one group of files (a config and the program it runs): one process checks it
    if not (sys.platform.startswith("linux") and hasattr(os, "fork")):
        return _in_spawned_pool(pending, bounds, outcomes, rules, settings, cache_dir, run_key, jobs)
    # This process is one of the workers. It prepares its tools, then forks the others, which
    # inherit them ready, and the files' bytes; each process then takes the next chunk left.
    # Preparing makes only what lives to the end (modules, classes, the knowledge base): the
    # collector is kept off meanwhile, a collection (~2 ms) would find nothing to free. Then the
    # objects the workers inherit are moved out of its reach: a collection in a worker would
    # otherwise visit them all, and writing to their headers copies every page.
    collecting = gc.isenabled()
    gc.disable()
    try:
        worker = Worker(rules, settings, cache_dir, run_key)
        _prepare_inheritance(worker, pending)
        import pickle  # noqa: F401 - (both processes use it: imported once)
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    parent = os.getpid()
    children: list[tuple[int, Inbox]] = []   # (process id, the outcomes it sends)
    done: list = []

    def keep(outcomes: list) -> None:
        done.extend(outcomes)
        for _, inbox in children:  # what the workers sent meanwhile, without waiting for more
            inbox.receive()

    try:
        tokens, tokens_in = os.pipe()
        os.write(tokens_in, bytes(range(len(bounds))))  # (fewer than PIPE_BUF bytes: never blocks)
        os.close(tokens_in)
        for _ in range(jobs - 1):
            results, results_in = os.pipe()
            widen(results)
            try:
                pid = os.fork()
            except OSError:  # no more processes allowed: the others share the work
                os.close(results)
                os.close(results_in)
                break
            if pid == 0:
                _forked_worker(worker, pending, bounds, tokens, results_in, [inbox.fd for _, inbox in children] + [results], parent)
            os.close(results_in)
            children.append((pid, Inbox(results)))
        _take_chunks(worker, pending, bounds, tokens, each=keep)
    finally:
        gc.unfreeze()
    complete = True
    for pid, inbox in children:
        inbox.receive(wait=True)
        # a worker that died (memory, signal) sent no end: the caller checks the files it did not report
        done += inbox.outcomes
        complete = complete and inbox.ended
        os.waitpid(pid, 0)
    os.close(tokens)
    for index, outcome in done:
        outcomes[index] = outcome
    return complete


def _forked_worker(worker: Worker, pending: list, bounds: list, tokens: int, results_in: int, others: list[int],
                   parent: int) -> None:
    """A forked worker's life: take chunks, send each one's outcomes down its pipe, exit (never
    returning into the caller's code, nor flushing the parent's buffers).

    It cannot wait forever on a killed parent, without the watchdog of a spawned worker (whose
    ctypes and thread cost ~9 ms before the first chunk): no process holds the write end of the
    chunks' pipe, so reading it never blocks; the parent alone holds the read end of its results'
    pipe, so writing once the parent is dead fails (EPIPE); and it looks for its parent between chunks."""
    code = 1
    try:
        for fd in others:
            os.close(fd)
        _take_chunks(worker, pending, bounds, tokens, parent, each=lambda outcomes: send(results_in, outcomes))
        send_end(results_in)
        code = 0
    finally:
        os._exit(code)


def _in_spawned_pool(pending, bounds, outcomes, rules, settings, cache_dir, run_key, jobs) -> bool:
    """Where processes cannot fork: a pool of workers started afresh, each chunk sent to one."""
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(rules, settings, cache_dir, run_key)) as pool:
            for results in pool.map(_check_chunk, [pending[start:end] for start, end in bounds]):
                for index, outcome in results:
                    outcomes[index] = outcome
    except Exception:  # noqa: BLE001 - a worker that died (memory, signal): finish in this process
        return False
    return True


def affinity_chunks(pending: list, count: int) -> tuple[list, list[tuple[int, int]]]:
    """The pending files reordered, and (start, end) bounds of about `count` chunks of similar work.

    A worker extracts the facts of a program once, for all the configs it checks that name it: a
    program whose configs land in two workers is parsed and walked twice, which cost more than the
    second core gained. So each config goes with the Python files it names (`train.py`,
    `-m pkg.train`, `model_def:Trial`: the file of that name in its folder or the closest folder
    above, or the only one in the run), the groups
    joined by a shared file stay whole, and the groups are dealt into chunks heaviest first (each
    process takes the next chunk when it is free, in order). Only the order of the work changes:
    each outcome still goes back to its file's place."""
    if len(pending) <= 1 or count <= 1:
        return pending, [(0, len(pending))] if pending else []
    by_stem: dict[bytes, list[int]] = {}
    by_place: dict[tuple[str, bytes], int] = {}   # (folder, stem) -> the Python file there
    for position, item in enumerate(pending):
        if item[1].endswith(".py"):
            folder, name = os.path.split(os.path.abspath(item[1]))
            stem = name[:-3].encode("utf-8", "surrogateescape")
            by_stem.setdefault(stem, []).append(position)
            by_place.setdefault((folder, stem), position)
    parent = list(range(len(pending)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    linked = [False] * len(pending)
    if by_stem:
        for position, item in enumerate(pending):
            data = item[3]
            if data is None or item[1].endswith(".py"):
                continue
            folder = os.path.dirname(os.path.abspath(item[1]))
            for stem in set(_WORDS.findall(data)) & by_stem.keys():
                named = _nearest(by_place, folder, stem)
                if named is None and len(by_stem[stem]) == 1:
                    named = by_stem[stem][0]
                if named is not None:
                    parent[root(position)] = root(named)
                    linked[position] = linked[named] = True
    groups: dict[int, list[int]] = {}
    for position in range(len(pending)):
        groups.setdefault(root(position), []).append(position)

    def weight(position: int) -> float:
        item = pending[position]
        size = len(item[3]) if item[3] is not None else 1
        if item[1].endswith(".py"):  # a program is parsed and walked; a Python file alone only looked at
            return size * (_PROGRAM_WEIGHT if linked[position] else _LOOSE_PYTHON_WEIGHT)
        return size

    # the heaviest group first, each into the lightest chunk so far (a heap of (weight, chunk))
    import heapq

    size = min(count, len(groups))
    weights, members = [0.0] * size, [[] for _ in range(size)]   # members: each chunk's groups
    lightest = [(0.0, i) for i in range(size)]
    for group_weight, group in sorted(((sum(weight(p) for p in m), m) for m in groups.values()), key=lambda g: -g[0]):
        _, i = heapq.heappop(lightest)
        weights[i] += group_weight
        members[i].append(group)
        heapq.heappush(lightest, (weights[i], i))
    # The lightest chunks, taken last, are dealt one group each (as many as MAX_CHUNKS allows): a
    # process that runs out of chunks then waits for one group of another's, not a whole chunk.
    by_weight = sorted(range(size), key=lambda i: -weights[i])   # the heaviest chunk is taken first
    spare = MAX_CHUNKS - size
    split = set()
    for i in reversed(by_weight[size - size // _SPLIT_TAIL_EVERY:] if size >= _SPLIT_TAIL_EVERY else []):
        if len(members[i]) - 1 > spare:
            break
        spare -= len(members[i]) - 1
        split.add(i)
    ordered: list = []
    bounds: list[tuple[int, int]] = []
    for i in by_weight:
        parts = members[i] if i in split else [[p for group in members[i] for p in group]]
        for part in parts:
            start = len(ordered)
            ordered.extend(pending[p] for p in sorted(part))
            bounds.append((start, len(ordered)))
    return ordered, bounds


def _nearest(by_place: dict, folder: str, stem: bytes) -> int | None:
    """The Python file of that name in the folder or the closest folder above it."""
    while True:
        found = by_place.get((folder, stem))
        if found is not None:
            return found
        up = os.path.dirname(folder)
        if up == folder:
            return None
        folder = up


_WORDS = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
# Work per byte, relative to a config's: a program's facts (parse and walk) cost several times a
# config's reading and rules; a Python file no config names is only looked at for a sweep in it.
_PROGRAM_WEIGHT = 3.0
_LOOSE_PYTHON_WEIGHT = 0.3
_SPLIT_TAIL_EVERY = 16   # of every 16 chunks, the lightest one is split into its groups


def _prepare_inheritance(worker: Worker, pending: list) -> None:
    """What every forked worker would otherwise do for itself, done once: load the knowledge base,
    import the selected rules, the config readers and (when a rule reads programs) the code reader."""
    try:
        worker.knowledge_loader()
        # Configs alone rarely name a program outside the files checked: without Python to read,
        # neither the code reader (~0.25 s to import) nor the rules that find something only in a
        # program's facts are imported here; a worker that meets such a program imports them.
        python = any(item[1].endswith(".py") for item in pending)
        comparing = revision_compared(worker.settings)
        for rule in worker.rules:
            # a rule for no config format (the results rules) never runs on a checked file
            if (hasattr(rule, "load") and getattr(rule, "formats", None) != ()
                    and (python or not rule.needs_program_facts) and (comparing or not rule.compares_revisions)):
                rule.load()
        if worker.uses_code and python:
            from sweeplint.codefacts.extract import load_parser

            load_parser()
        if any(item[1].endswith((".yaml", ".yml", ".json")) for item in pending):
            import importlib

            from sweeplint.formats import CONFIG_READERS

            for module in CONFIG_READERS:  # a config is offered to every reader in turn
                importlib.import_module(f"sweeplint.formats.{module}")
            # What the first configs of every process would import for themselves (a few ms each):
            # the container of a study's graph, and where a config without a program looks for it
            # (a Katib trial in the Dockerfiles, an NNI search space in its launcher).
            importlib.import_module("sweeplint.study_graph")
            if worker.uses_code:
                importlib.import_module("sweeplint.codefacts.containers")
                importlib.import_module("sweeplint.codefacts.nni_launch")
    except Exception:  # noqa: BLE001 - each process then meets (and reports) the problem itself
        pass
