"""`sweeplint results --report DIR`: the axis plots and curves are checked as images (size, not
blank, the parameter's scale and the order of its axis, the best trials drawn where their values
are), and the HTML page as one self-contained file that lists the findings. The study is a real
optuna study in SQLite. Without matplotlib, --report is a one-line usage error (exit 2)."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

import pytest

from conftest import run_cli

optuna = pytest.importorskip("optuna")
pytest.importorskip("matplotlib")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def _objective(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    wd = trial.suggest_float("wd", 0.0, 0.1)
    trial.suggest_categorical("act", ["relu", "gelu"])
    if lr > 0.03:
        return float("nan")               # diverged: drawn as a cross at the worst edge
    value = 0.0
    for step in range(10):
        value = (math.log10(lr) + 3) ** 2 + wd + 1.0 / (step + 1)
        trial.report(value, step)
    return value


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-study")
    created = optuna.create_study(study_name="lr-round", storage=f"sqlite:///{folder / 'study.db'}",
                                  sampler=optuna.samplers.RandomSampler(seed=2))
    created.optimize(_objective, n_trials=40)
    return folder / "study.db"


def _round(path):
    from sweeplint.results import load
    from sweeplint.results.analysis import make_round
    from sweeplint.results.thresholds import Thresholds

    (results,) = load(str(path))
    return make_round(results, Thresholds())


def _searched(round_, name):
    return next(s for s in round_.searched if s.parameter.name == name)


def test_axis_plot_is_on_the_parameters_scale_with_bounds_best_and_failures(study):
    from sweeplint.results.plots import BEST, axis_plot

    round_ = _round(study)
    figure = axis_plot(round_, _searched(round_, "lr"))
    (ax,) = figure.axes
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "lr (log scale)"
    assert ax.get_ylabel() == "objective (lower is better)"
    low, high = ax.get_xlim()
    assert low < 1e-5 < 1e-1 < high
    bounds = sorted(line.get_xdata()[0] for line in ax.lines if len(set(line.get_xdata())) == 1 and len(line.get_xdata()))
    assert bounds == [1e-5, 1e-1]
    # on a log scale 1e-3 lies halfway between the bounds, and larger values lie to the right
    x = [ax.transData.transform((v, 1.0))[0] for v in (1e-5, 1e-3, 1e-1)]
    assert x[0] < x[1] < x[2] and abs((x[1] - x[0]) - (x[2] - x[1])) < 1
    labels = {c.get_label(): c for c in ax.collections}
    failed = sum(1 for t in round_.results.trials if t.infeasible)
    assert f"failed or diverged ({failed})" in labels and failed > 0
    best = labels["best 5"]
    assert best.get_facecolor()[0][:3] == pytest.approx(tuple(int(BEST[i:i + 2], 16) / 255 for i in (1, 3, 5)))
    assert sorted(best.get_offsets()[:, 1]) == pytest.approx(sorted(t.value for t in round_.top()))

    linear = axis_plot(round_, _searched(round_, "wd")).axes[0]
    assert linear.get_xscale() == "linear" and linear.get_xlabel() == "wd (linear scale)"
    categorical = axis_plot(round_, _searched(round_, "act")).axes[0]
    assert [t.get_text() for t in categorical.get_xticklabels()] == ["relu", "gelu"]


def test_report_writes_images_and_a_self_contained_page_with_the_findings(study, tmp_path):
    import matplotlib.image

    from sweeplint.results.plots import BEST

    (tmp_path / "study.db").write_bytes(study.read_bytes())
    plain = run_cli("results", "study.db", "--output-format", "json", cwd=tmp_path)
    proc = run_cli("results", "study.db", "--output-format", "json", "--report", "out", cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == plain.returncode and proc.stdout == plain.stdout   # same findings, same exit
    assert proc.stderr.strip() == f"sweeplint: report written to {os.path.join('out', 'index.html')}"
    findings = json.loads(proc.stdout)
    assert any(d["code"] == "SL503" for d in findings)   # the curves are still falling at the last step
    out = tmp_path / "out"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["index.html"] + [f"lr-round-{n}.{ext}" for n in ("lr", "wd", "act", "curves")
                                             for ext in ("png", "svg")])
    for name in names:
        if name.endswith(".png"):
            pixels = matplotlib.image.imread(out / name)
            assert pixels.shape[:2] == (400, 640)
            assert len({tuple(p) for p in pixels.reshape(-1, pixels.shape[2])[::7]}) > 20   # not blank
        elif name.endswith(".svg"):
            assert (out / name).read_text().lstrip().startswith("<?xml") and "<svg" in (out / name).read_text()

    # the best trials' orange markers sit, in the saved image, where their learning rates are
    round_ = _round(tmp_path / "study.db")
    from sweeplint.results.plots import axis_plot

    figure = axis_plot(round_, _searched(round_, "lr"))
    figure.canvas.draw()   # the layout places the axes when drawing, as when the file was saved
    ax = figure.axes[0]
    expected = [ax.transData.transform((t.params["lr"], t.value)) for t in round_.top()]
    pixels = matplotlib.image.imread(out / "lr-round-lr.png")[:, :, :3]
    orange = [int(BEST[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    rows, columns = (abs(pixels - orange).sum(axis=2) < 0.05).nonzero()
    height = pixels.shape[0]
    for x, y in expected:   # image rows count down from the top, display coordinates up from the bottom
        near = [(r, c) for r, c in zip(rows, columns) if abs(c - x) <= 6 and abs(r - (height - y)) <= 6]
        assert near, (x, y)
    # orange anywhere else is only the legend's sample marker
    stray = [(r, c) for r, c in zip(rows, columns) if not any(abs(c - x) <= 6 and abs(r - (height - y)) <= 6
                                                              for x, y in expected)]
    if stray:   # one marker's worth of pixels
        assert max(r for r, _ in stray) - min(r for r, _ in stray) <= 14, stray[:10]
        assert max(c for _, c in stray) - min(c for _, c in stray) <= 14, stray[:10]

    page = (out / "index.html").read_text()
    assert not re.search(r"""(src|href)=["'](?!data:)""", page)   # nothing fetched from elsewhere
    assert page.count('src="data:image/png;base64,') == 4
    for d in findings:
        assert d["code"] in page and d["message"].split(";")[0][:60].replace("'", "&#x27;") in page


def test_report_without_matplotlib_is_a_one_line_usage_error(study, tmp_path):
    (tmp_path / "study.db").write_bytes(study.read_bytes())
    blocker = tmp_path / "blocker" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('no matplotlib here')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "blocker"))
    run = lambda *args: subprocess.run([sys.executable, "-m", "sweeplint", "results", "study.db", *args],  # noqa: E731
                                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    proc = run("--report", "out")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == ["sweeplint: error: --report needs matplotlib: pip install 'sweeplint[report]'"]
    assert not (tmp_path / "out").exists()
    checked = run("--output-format", "json")   # the checks themselves need no plotting library
    assert checked.returncode in (0, 1) and "Traceback" not in checked.stderr and json.loads(checked.stdout)


def test_results_without_report_do_not_import_matplotlib(study, tmp_path):
    (tmp_path / "study.db").write_bytes(study.read_bytes())
    code = ("import sys; from sweeplint.cli import main; main(['results', 'study.db', '-q']); "
            "print('matplotlib' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.stdout.splitlines()[-1] == "False", proc.stdout + proc.stderr


def test_report_into_a_file_is_a_usage_error(study, tmp_path):
    (tmp_path / "study.db").write_bytes(study.read_bytes())
    (tmp_path / "taken").write_text("a file, not a folder")
    proc = run_cli("results", "study.db", "--report", "taken", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("sweeplint: error: --report: cannot create taken")


def test_the_readmes_example_round_says_what_the_readme_shows(tmp_path):
    """The README's first command judges examples/optuna-round; its section shows the output."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    command = "sweeplint results examples/optuna-round/round1.log --space examples/optuna-round/sweep.yaml --report report"
    assert command in readme.split("```sh", 1)[1].split("```", 1)[0]     # the first command runs it
    shown = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0].splitlines()
    proc = run_cli(*command.split()[1:-1], str(tmp_path / "report"), cwd=root)
    assert proc.returncode == 1 and proc.stdout.splitlines() == shown[:-1]
    assert shown[-1] == "sweeplint: report written to report/index.html"
    assert (tmp_path / "report" / "round1-lr.png").is_file() and (root / "docs" / "results-round1-lr.png").is_file()
    assert "](docs/results-round1-lr.png)" in readme
