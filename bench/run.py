"""The benchmark: sweeplint against the bare parse cost, yamllint and Fixit, on one generated repository.

    pip install -e '.[bench]'
    python bench/run.py [--runs 3] [--seed 0] [--scale 1.0] [--skip-scale]

Every figure is the median wall time of --runs runs of a separate process (startup included, as a user
sees it), with the peak resident memory of that process and its workers. Results go to
bench/out/results.json and a table is printed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
BIN = os.path.dirname(sys.executable)


def tool(name: str) -> str:
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else name


def measure(cmd: list[str], cwd: str, env: dict | None = None) -> tuple[float, float]:
    """(seconds, peak MiB) of one command, through a child that reports its own children's peak."""
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "if p.returncode not in (0, 1): sys.exit(p.stderr.decode()[-500:] or f'exit {p.returncode}')\n"
        "print(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    if not done.stdout.strip():
        raise RuntimeError(f"{cmd[0]} failed: {done.stderr[-500:]}")
    seconds, mib = json.loads(done.stdout)
    return seconds, mib


def median_of(runs: int, cmd, cwd: str, before=None, env=None) -> dict:
    times, peaks = [], []
    for i in range(runs):
        if before is not None:
            before(i)
        seconds, mib = measure(cmd() if callable(cmd) else cmd, cwd, env)
        times.append(seconds)
        peaks.append(mib)
    return {"median_s": statistics.median(times), "runs_s": times, "peak_mib": max(peaks)}


BARE = """
import glob, os, sys, yaml, libcst
root = sys.argv[1]
loader = yaml.CSafeLoader
for path in sorted(glob.glob(os.path.join(root, "**", "*"), recursive=True)):
    if path.endswith((".yaml", ".yml", ".json")):
        with open(path, encoding="utf-8") as handle:
            yaml.compose(handle.read(), Loader=loader)
    elif path.endswith(".py"):
        with open(path, encoding="utf-8") as handle:
            libcst.parse_module(handle.read())
"""


def files(repo: str, suffixes: tuple[str, ...]) -> list[str]:
    return sorted(p for p in glob.glob(os.path.join(repo, "**", "*"), recursive=True) if p.endswith(suffixes))


def append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-scale", action="store_true", help="skip the 4x repository")
    parser.add_argument("--work", help="where to generate the repositories (default: a temporary folder outside any git work tree, which Fixit would filter)")
    args = parser.parse_args(argv)
    sys.path.insert(0, HERE)
    from generate import generate

    os.makedirs(OUT, exist_ok=True)
    import tempfile

    work = args.work or tempfile.mkdtemp(prefix="sweeplint-bench-")
    repo = os.path.join(work, "repo")
    info = generate(repo, args.seed, args.scale)
    cache = os.path.join(work, "cache")
    sweeplint = [tool("sweeplint"), "check", "--quiet", "--output-format", "json", "--exit-zero"]
    configs = files(repo, (".yaml", ".yml", ".json"))
    scripts = files(repo, (".py",))
    one_config = next(p for p in configs if os.path.basename(p).startswith("sweep_") and p.endswith(".yaml"))
    one_script = scripts[0]
    R = args.runs
    results: dict = {"repository": info, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                    "platform": platform.platform()}, "runs": R}

    def clear_cache(_i=0):
        shutil.rmtree(cache, ignore_errors=True)

    def step(name, value):
        results[name] = value
        print(f"{name:<28} {value['median_s']:8.3f} s  peak {value['peak_mib']:7.1f} MiB", flush=True)

    step("bare_parse", median_of(R, [sys.executable, "-c", BARE, repo], repo))
    step("cold", median_of(R, sweeplint + ["--cache-dir", cache, "."], repo, before=clear_cache))
    step("warm", median_of(R, sweeplint + ["--cache-dir", cache, "."], repo))

    def touch(i):
        append(one_config, f"# touched {i}\n")
        append(one_script, f"# touched {i}\n")

    step("touched_1_config_1_script", median_of(R, sweeplint + ["--cache-dir", cache, "."], repo, before=touch))

    def touch_config(i):
        append(one_config, f"# edited {i}\n")

    rel = os.path.relpath(one_config, repo)
    step("precommit_sweeplint", median_of(R, sweeplint + ["--cache-dir", cache, rel], repo, before=touch_config))
    step("precommit_yamllint", median_of(R, [tool("yamllint"), "-d", "relaxed", "-f", "parsable", rel], repo))
    step("yamllint", median_of(R, [tool("yamllint"), "-d", "relaxed", "-f", "parsable", *[os.path.relpath(p, repo) for p in configs]], repo))
    env = dict(os.environ, PYTHONPATH=HERE + os.pathsep + os.environ.get("PYTHONPATH", ""))
    step("fixit", median_of(R, [tool("fixit"), "--rules", "bench_fixit_rule", "lint", "."], repo, env=env))
    step("jobs1_no_cache", median_of(R, sweeplint + ["--no-cache", "--jobs", "1", "."], repo))
    step("jobs2_no_cache", median_of(R, sweeplint + ["--no-cache", "--jobs", "2", "."], repo))
    if not args.skip_scale:
        big = os.path.join(work, "repo4")
        results["repository_4x"] = generate(big, args.seed, args.scale * 4)
        step("cold_4x_no_cache", median_of(1, sweeplint + ["--no-cache", "."], big))
        shutil.rmtree(big, ignore_errors=True)
        step("cold_1x_no_cache", median_of(1, sweeplint + ["--no-cache", "."], repo))

    m = lambda name: results[name]["median_s"]  # noqa: E731
    ratios = {
        "cold / bare parse (target <= 2.0)": m("cold") / m("bare_parse"),
        "(yamllint + fixit) / cold (target >= 2.0)": (m("yamllint") + m("fixit")) / m("cold"),
        "warm / cold (target <= 0.10)": m("warm") / m("cold"),
        "touched / cold": m("touched_1_config_1_script") / m("cold"),
        "pre-commit sweeplint / yamllint (target <= 1.5)": m("precommit_sweeplint") / m("precommit_yamllint"),
        "jobs 1 / jobs 2 (target >= 1.6)": m("jobs1_no_cache") / m("jobs2_no_cache"),
        "peak MiB, cold (target <= 200)": max(results["cold"]["peak_mib"], results["jobs1_no_cache"]["peak_mib"]),
    }
    if "cold_4x_no_cache" in results:
        ratios["4x files: time ratio (target <= 4.4)"] = m("cold_4x_no_cache") / m("cold_1x_no_cache")
    results["ratios"] = ratios
    print()
    for name, value in ratios.items():
        print(f"{name:<50} {value:8.2f}")
    with open(os.path.join(OUT, "results.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
