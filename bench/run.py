"""The benchmark: every performance target of sweeplint, side by side with the tools it is held to
(the bare parse, yamllint and Fixit on the same files, in one run).

    pip install -e '.[bench]'
    python bench/run.py [--runs 3] [--seed 0] [--scale 0.5] [--skip-scale] [--sweeplint-path DIR] [--only GROUPS]

One generated repository (W&B, Hydra, Katib, Determined, NNI configs and the training scripts they
name; see generate.py) is checked in separate processes, as a user runs them. Each line of the table
is one target: met or not met, with the raw figures. A figure is the median of --runs runs: wall
time, and CPU time (user + system, workers included) in brackets, which is the fairer figure on a
machine shared with other work; the targets are judged on wall time except where several
processes compete (judged on CPU time when the machine is busier than its cores). Bytecode is
compiled first and kept, as an installed package has it. The figures go to bench/out/results.json (--out);
`--table FILE` prints the table of an earlier run again.

--sweeplint-path runs the sweeplint found in DIR (a checkout) instead of the installed one, to
measure an older version on the same inputs.
"""

from __future__ import annotations

import argparse
import compileall
import glob
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile

from probe import measure  # bench/ is the script's folder, first on the path

HERE = os.path.dirname(os.path.abspath(__file__))
GROUPS = ("nocode", "code", "pre-commit", "jobs", "inputs")  # --only: the lines of the table by what they need
OUT = os.path.join(HERE, "out")
BIN = os.path.dirname(sys.executable)

# The bare cost of reading the same files: compose each YAML/JSON file with libyaml's C loader,
# parse each Python file with libcst. Nothing else.
BARE = """
import os, sys, yaml
for root in sys.argv[1:]:
    for folder, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            path = os.path.join(folder, name)
            if name.endswith((".yaml", ".yml", ".json")):
                with open(path, encoding="utf-8") as handle:
                    yaml.compose(handle.read(), Loader=yaml.CSafeLoader)
            elif name.endswith(".py"):
                import libcst
                with open(path, encoding="utf-8") as handle:
                    libcst.parse_module(handle.read())
"""


def tool(name: str) -> str:
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else name


class Bench:
    def __init__(self, runs: int, env: dict):
        self.runs = runs
        self.env = env
        self.figures: dict[str, dict] = {}

    def time(self, name: str, cmd, cwd: str, before=None, runs: int | None = None, warm_up: bool = True,
             env: dict | None = None) -> dict:
        """Median wall and CPU time, and peak memory, of `runs` runs (after one untimed run that
        compiles bytecode and fills the page cache, unless warm_up is False)."""
        if warm_up:
            if before is not None:
                before(-1)
            measure(cmd() if callable(cmd) else cmd, cwd, env or self.env)
        walls, cpus, peaks = [], [], []
        for i in range(runs or self.runs):
            if before is not None:
                before(i)
            wall, cpu, peak = measure(cmd() if callable(cmd) else cmd, cwd, env or self.env)
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(peak)
        return self._record(name, walls, cpus, peaks)

    def time_in_turns(self, commands: list[tuple[str, list]], cwd: str, rounds: int | None = None) -> None:
        """Commands whose ratios are targets, timed in turns (each once, then each again, ...) after
        one untimed run of each: a spell of load from elsewhere then slows every side, not one. The
        order is reversed every other round (a command is never always the first after another),
        and the ratio of two such commands is the median of their ratios round by round (see
        `targets`): this machine's speed drifts over seconds, so runs next to each other compare."""
        for _, cmd in commands:
            measure(cmd, cwd, self.env)
        runs: dict[str, tuple[list, list, list]] = {name: ([], [], []) for name, _ in commands}
        for turn in range(rounds or self.runs):
            for name, cmd in (commands if turn % 2 == 0 else commands[::-1]):
                for column, value in zip(runs[name], measure(cmd, cwd, self.env)):
                    column.append(value)
        for name, (walls, cpus, peaks) in runs.items():
            self._record(name, walls, cpus, peaks)["in_turns"] = True

    def _record(self, name: str, walls: list, cpus: list, peaks: list) -> dict:
        figure = {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "peak_mib": max(peaks),
                  "walls": walls, "cpus": cpus}
        self.figures[name] = figure
        print(f"  {name:<34} {figure['wall']:8.3f} s wall {figure['cpu']:8.3f} s cpu  peak {figure['peak_mib']:6.1f} MiB", flush=True)
        return figure


def files(root: str, suffixes: tuple[str, ...]) -> list[str]:
    return sorted(p for p in glob.glob(os.path.join(root, "**", "*"), recursive=True) if p.endswith(suffixes))


def append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def fmt(f: dict) -> str:
    return f"{f['wall']:.3f}s ({f['cpu']:.3f}s cpu)"


def targets(figures: dict, busy: bool, inputs: dict | None = None) -> list[tuple[str, str, bool, str]]:
    """One row per target: (what, value and limit, met, raw figures)."""
    rows: list[tuple[str, str, bool, str]] = []
    f = figures

    def target(name: str, value: float | None, limit: float, raw: str | None, at_least: bool = False, unit: str = "x") -> None:
        if value is None or raw is None:
            return  # a line not measured in this run (--only)
        met = value >= limit if at_least else value <= limit
        rows.append((name, f"{value:.2f}{unit} ({'>=' if at_least else '<='} {limit:g}{unit})", met, raw))

    def vs(a: str, b: str, extra: str = "") -> str | None:
        return f"{fmt(f[a])} vs {fmt(f[b])}{extra}" if a in f and b in f else None

    # On a machine busier than its cores, wall time measures the other work as much as ours: the
    # single-process targets are then judged on CPU time (both are printed).
    key = "cpu" if busy else "wall"

    def ratio(a: str, b: str, measure: str | None = None) -> float | None:
        measure = measure or key
        if a not in f or b not in f:
            return None
        if f[a].get("in_turns") and f[b].get("in_turns") and len(f[a][measure + "s"]) == len(f[b][measure + "s"]):
            # timed in the same rounds: the median of the rounds' ratios
            return statistics.median(x / y for x, y in zip(f[a][measure + "s"], f[b][measure + "s"]))
        return f[a][measure] / f[b][measure]

    target("configs without code / yamllint", ratio("nocode sweeplint", "nocode yamllint"), 0.25,
           vs("nocode sweeplint", "nocode yamllint"))
    target("configs without code / bare C compose", ratio("nocode sweeplint", "nocode bare C compose"), 3.0,
           vs("nocode sweeplint", "nocode bare C compose"))
    target("pre-commit / yamllint on the same file", ratio("pre-commit sweeplint", "pre-commit yamllint"), 1.5,
           vs("pre-commit sweeplint", "pre-commit yamllint", " (stretch 1.0)"))
    target("configs with code, cold / bare parse", ratio("code cold", "code bare compose + libcst parse"), 2.0,
           vs("code cold", "code bare compose + libcst parse", " (stretch 1.3)"))
    if "code fixit" in f:
        # the contract's comparison with Fixit: its own parse and walk of the same scripts, with one
        # trivial rule, plus yamllint on the same configs; shown as a ratio, no target of its own
        target("configs with code, cold / (yamllint + Fixit)", f["code cold"][key] / (f["code yamllint"][key] + f["code fixit"][key]),
               1.0, f"{fmt(f['code cold'])} vs {fmt(f['code yamllint'])} + {fmt(f['code fixit'])}")
    target("configs with code, warm / cold", ratio("code warm", "code cold"), 0.10, vs("code warm", "code cold"))
    target("small tree: --jobs auto / --jobs 1", ratio("small tree --jobs auto", "small tree --jobs 1"), 1.0,
           vs("small tree --jobs auto", "small tree --jobs 1"))
    if "large tree --jobs 1" in f and "large tree --jobs auto" in f:
        target(f"large tree: --jobs 1 / --jobs auto (wall{', machine busy' if busy else ''})",
               ratio("large tree --jobs 1", "large tree --jobs auto", "wall"), 1.8,
               vs("large tree --jobs 1", "large tree --jobs auto"), at_least=True)
    peaks = [v["peak_mib"] for name, v in f.items() if not any(w in name for w in ("yamllint", "bare", "fixit"))]
    if peaks:
        target("peak memory of any sweeplint run", max(peaks), 200, "workers included", unit=" MiB")
    inputs = inputs or {}
    if inputs.get("adversarial"):
        worst = max(inputs["adversarial"], key=lambda r: r["peak_mib"])
        target("hostile inputs: largest peak memory", worst["peak_mib"], 200,
               f"{worst['input']} ({len(inputs['adversarial'])} inputs, slowest {max(r['seconds'] for r in inputs['adversarial']):.2f}s)",
               unit=" MiB")
    if inputs.get("classes"):
        for what in ("time", "memory"):
            worst = max(inputs["classes"], key=lambda c: c[f"{what}_growth"])
            target(f"input classes: growth of the {what} per byte (1 = linear)", worst[f"{what}_growth"], 1.5,
                   f"worst: {worst['class']} ({len(inputs['classes'])} classes)")
    if "4x repository --jobs 1" in f:
        target("4x the files: time ratio (--jobs 1, cpu)", f["4x repository --jobs 1"]["cpu"] / f["large tree --jobs 1"]["cpu"],
               4.4, vs("4x repository --jobs 1", "large tree --jobs 1"))
    return rows


def print_table(rows: list, busy: bool, load: float) -> None:
    print()
    print(f"judged on {'CPU' if busy else 'wall'} time (load average {load:.1f} on {os.cpu_count()} cores)")
    print(f"{'target':<58} {'value (limit)':<22} {'':<8} raw: wall (cpu)")
    for name, value, met, raw in rows:
        print(f"{name:<58} {value:<22} {'met' if met else 'NOT MET':<8} {raw}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=0.5, help="1.0 = 1000 configs and 200 training scripts")
    parser.add_argument("--skip-scale", action="store_true", help="skip the linearity check on a 4x repository")
    parser.add_argument("--sweeplint-path", help="a checkout whose sweeplint to measure instead of the installed one")
    parser.add_argument("--work", help="where to generate the repositories (default: a temporary folder)")
    parser.add_argument("--out", default=os.path.join(OUT, "results.json"), help="where to write the figures (JSON)")
    parser.add_argument("--table", metavar="RESULTS", help="only print the table of an earlier run's results file")
    parser.add_argument("--only", metavar="GROUPS", help=f"measure only these groups, comma-separated: {', '.join(GROUPS)}")
    args = parser.parse_args(argv)
    groups = set(GROUPS) if not args.only else {g.strip() for g in args.only.split(",")}
    if groups - set(GROUPS):
        parser.error(f"--only: unknown group(s) {', '.join(sorted(groups - set(GROUPS)))}; choose from {', '.join(GROUPS)}")
    if args.table:
        with open(args.table, encoding="utf-8") as handle:
            done = json.load(handle)
        print_table(targets(done["figures"], done["busy"], done.get("inputs")), done["busy"], done["machine"]["load"])
        return 0
    sys.path.insert(0, HERE)
    from generate import generate

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' installs keep their bytecode
    if args.sweeplint_path:
        env["PYTHONPATH"] = os.path.abspath(args.sweeplint_path) + os.pathsep + env.get("PYTHONPATH", "")
        compileall.compile_dir(os.path.join(args.sweeplint_path, "sweeplint"), quiet=1)
    else:
        import sweeplint

        compileall.compile_dir(os.path.dirname(sweeplint.__file__), quiet=1)
    sweeplint_cmd = [sys.executable, "-m", "sweeplint", "check", "--quiet", "--output-format", "json", "--exit-zero"]
    yamllint = [tool("yamllint"), "-d", "relaxed", "-f", "parsable"]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)

    work = args.work or tempfile.mkdtemp(prefix="sweeplint-bench-")
    repo = os.path.join(work, "repo")
    info = generate(repo, args.seed, args.scale)
    nocode = os.path.join(work, "nocode")  # the same configs, without the training scripts
    shutil.rmtree(nocode, ignore_errors=True)
    shutil.copytree(repo, nocode, ignore=shutil.ignore_patterns("*.py"))
    cache = os.path.join(work, "cache")
    configs = files(repo, (".yaml", ".yml", ".json"))
    one_config = next(p for p in configs if os.path.basename(p).startswith("sweep_") and p.endswith(".yaml"))
    rel_config = os.path.relpath(one_config, repo)
    projects = sorted(os.listdir(os.path.join(repo, "projects")))
    small = [os.path.join("projects", p) for p in projects[: max(1, round(len(projects) * 0.15))]]
    n_small = sum(len(files(os.path.join(repo, s), (".yaml", ".yml", ".json"))) for s in small)
    b = Bench(args.runs, env)
    load = os.getloadavg()[0]
    print(f"repository: {info['configs']} configs, {info['scripts']} scripts; small tree: {n_small} configs; "
          f"{os.cpu_count()} cores, load {load:.1f}", flush=True)

    def clear_cache(_i=0):
        shutil.rmtree(cache, ignore_errors=True)

    def edit_config(i):
        append(one_config, f"# edited {i}\n")

    if "nocode" in groups:
        print("configs without code")
        # (a sub-second run on a machine whose speed moves by half within seconds: one round's ratio
        # ranged from 2.5 to 4 within one run, so fifteen rounds for the median; the two sides of
        # the tighter ratio next to each other in every round)
        b.time_in_turns([("nocode sweeplint", sweeplint_cmd + ["--no-cache", "."]),
                         ("nocode bare C compose", [sys.executable, "-c", BARE, "."]), ("nocode yamllint", yamllint + ["."])],
                        nocode, rounds=max(15, args.runs))
    if "code" in groups or "pre-commit" in groups:
        print("configs with code")
        if "code" in groups:
            b.time("code bare compose + libcst parse", [sys.executable, "-c", BARE, "."], repo)
        b.time("code cold", sweeplint_cmd + ["--cache-dir", cache, "."], repo, before=clear_cache,
               runs=None if "code" in groups else 1)  # (the pre-commit lines need its cache)
        fixit_env = dict(env, PYTHONPATH=HERE + os.pathsep + env.get("PYTHONPATH", ""))
        if "code" in groups and shutil.which(tool("fixit")):
            b.time("code fixit", [tool("fixit"), "--rules", "bench_fixit_rule", "lint", "."], repo, env=fixit_env)
            b.time("code yamllint", yamllint + ["."], repo)
        if "code" in groups:
            b.time("code warm", sweeplint_cmd + ["--cache-dir", cache, "."], repo)
    if "pre-commit" in groups:
        print("pre-commit: one edited config, its program's facts cached")
        b.time("pre-commit sweeplint", sweeplint_cmd + ["--cache-dir", cache, rel_config], repo, before=edit_config)
        b.time("pre-commit yamllint", yamllint + [rel_config], repo)
        b.time("sweeplint --version", [sys.executable, "-m", "sweeplint", "--version"], repo)
    if "jobs" in groups:
        print("--jobs")
        b.time("small tree --jobs 1", sweeplint_cmd + ["--no-cache", "--jobs", "1", *small], repo)
        b.time("small tree --jobs auto", sweeplint_cmd + ["--no-cache", *small], repo)
        b.time_in_turns([("large tree --jobs 1", sweeplint_cmd + ["--no-cache", "--jobs", "1", "."]),
                         ("large tree --jobs auto", sweeplint_cmd + ["--no-cache", "."])], repo)
    if not args.skip_scale and "jobs" in groups:
        big = os.path.join(work, "repo4")
        generate(big, args.seed, args.scale * 4)
        b.time("4x repository --jobs 1", sweeplint_cmd + ["--no-cache", "--jobs", "1", "."], big, runs=1, warm_up=False)
        shutil.rmtree(big, ignore_errors=True)

    inputs: dict = {}
    if "inputs" in groups:
        import bench_input_classes as input_classes

        print("input classes: time and memory against input size, the sizes of a class taking turns in one process per run")
        inputs["classes"] = input_classes.measure_classes(list(input_classes.SIZES), args.runs, env)
        print("hostile inputs (the adversarial suite's classes): time and peak memory")
        inputs["adversarial"] = input_classes.measure_adversarial(1, env)

    busy = max(load, os.getloadavg()[0]) > (os.cpu_count() or 1)
    rows = targets(b.figures, busy, inputs)
    print_table(rows, busy, load)
    results = {"repository": info, "small_tree_configs": n_small, "runs": args.runs,
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                           "load": load},
               "busy": busy, "figures": b.figures, "inputs": inputs,
               "targets": [{"target": n, "value": v, "met": m, "raw": r} for n, v, m, r in rows]}
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
