"""Round-to-round rules (SL6xx) on real git repositories built commit by commit, and what
`check --since REF` says when the history cannot be read."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from sweeplint.cli import main
from sweeplint.lint import lint_paths
from sweeplint.settings import Settings

from conftest import corpus_or_skip

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                                reason="git is not installed")

_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, HOME=str(repo), **_ENV)
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


class Repo:
    """A git repository in a temporary folder, written and committed one version at a time."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q")

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def commit(self, files: dict[str, str], message: str = "round") -> str:
        for name, text in files.items():
            self.write(name, text)
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message)
        return git(self.root, "rev-parse", "HEAD").strip()

    def check(self, target: str = "sweep.yaml", since: str = "HEAD", select: str = "SL6") -> list[tuple[str, int, int, str]]:
        settings = Settings(root=self.root, studies=(), select=(select,), since=since)
        result = lint_paths([str(self.root / target)], settings)
        return [(d.code, d.span.line, d.span.column, d.message) for d in result.diagnostics]


def sweep(parameters: str, method: str = "random") -> str:
    return (f"method: {method}\nrun_cap: 40\nmetric: {{name: val_loss, goal: minimize}}\nparameters:\n"
            + textwrap.indent(textwrap.dedent(parameters), "  "))


LR_SEARCH = """\
learning_rate:
  distribution: log_uniform_values
  min: 0.0001
  max: 0.01
"""


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "project")


# --- each rule on a series of commits -----------------------------------------------------------


def test_several_changes_since_the_base_of_a_branch(repo: Repo):
    base = repo.commit({"sweep.yaml": sweep("optimizer: {value: adam}\nnum_layers: {value: 4}\n" + LR_SEARCH)})
    repo.commit({"sweep.yaml": sweep("optimizer: {value: sgd}\nnum_layers: {value: 4}\n" + LR_SEARCH)}, "one change")
    # each commit changes one thing; the pull request as a whole changes two
    repo.commit({"sweep.yaml": sweep("optimizer: {value: sgd}\nnum_layers: {value: 6}\n" + LR_SEARCH)}, "another")
    assert repo.check(since="HEAD~1", select="SL601") == []
    assert repo.check(since=base, select="SL601") == [
        ("SL601", 5, 14, "this revision changes 2 things at once since the compared version (optimizer adam -> sgd, "
                         "num_layers 4 -> 6)"),
    ]


def test_working_tree_against_head_and_ignored_changes(repo: Repo):
    repo.commit({"sweep.yaml": sweep("seed: {value: 1}\noutput_dir: {value: runs/a}\nencoder_layers: {value: 2}\n"
                                     "decoder_layers: {value: 2}\n" + LR_SEARCH)})
    # seed, paths and the re-tuned range are not pipeline changes; two depths are one change of the model
    repo.write("sweep.yaml", sweep("seed: {value: 2}\noutput_dir: {value: runs/b}\nencoder_layers: {value: 3}\n"
                                   "decoder_layers: {value: 3}\nlearning_rate: {min: 0.001, max: 0.1, distribution: log_uniform_values}\n"))
    assert repo.check(select="SL601") == []


def test_adopted_without_study_walks_the_history(repo: Repo):
    repo.commit({"sweep.yaml": sweep("activation: {values: [relu, gelu, tanh]}\n" + LR_SEARCH)}, "study")
    repo.commit({"sweep.yaml": sweep("activation: {value: relu}\n" + LR_SEARCH)}, "adopt relu")
    repo.write("sweep.yaml", sweep("activation: {value: gelu}\n" + LR_SEARCH))
    assert repo.check(select="SL602") == []  # gelu was searched two commits back
    repo.write("sweep.yaml", sweep("activation: {value: swish}\n" + LR_SEARCH))
    assert repo.check(select="SL602") == [
        ("SL602", 5, 15, "activation changes from relu to swish, outside what the earlier versions searched "
                         "({relu, gelu, tanh})"),
    ]


def test_adopted_without_study_follows_a_rename(repo: Repo):
    repo.commit({"old.yaml": sweep("dropout: {values: [0.1, 0.3]}\n" + LR_SEARCH)}, "study")
    git(repo.root, "mv", "old.yaml", "sweep.yaml")
    repo.commit({"sweep.yaml": sweep("dropout: {value: 0.1}\n" + LR_SEARCH)}, "rename and adopt")
    repo.write("sweep.yaml", sweep("dropout: {value: 0.3}\n" + LR_SEARCH))
    assert repo.check(select="SL602") == []
    repo.write("sweep.yaml", sweep("dropout: {value: 0.5}\n" + LR_SEARCH))
    assert [(c, line, col) for c, line, col, _ in repo.check(select="SL602")] == [("SL602", 5, 12)]


def test_narrowed_toward_a_kept_bound(repo: Repo):
    repo.commit({"sweep.yaml": sweep("weight_decay:\n  distribution: log_uniform_values\n  min: 0.000001\n  max: 0.01\n")})
    repo.write("sweep.yaml", sweep("weight_decay:\n  distribution: log_uniform_values\n  min: 0.000001\n  max: 0.00001\n"))
    assert repo.check(select="SL603") == [
        ("SL603", 6, 5, "weight_decay narrows from 0.000001..0.01 to 0.000001..0.00001, keeping the lower bound 0.000001"),
    ]
    # a little narrower (less than half the width in decades) is re-tuning, not a move to the edge
    repo.write("sweep.yaml", sweep("weight_decay:\n  distribution: log_uniform_values\n  min: 0.000001\n  max: 0.001\n"))
    assert repo.check(select="SL603") == []


def test_batch_size_changed_in_a_python_search_space(repo: Repo):
    """Format-blind: the same rule on an Optuna objective."""
    text = """\
        import optuna

        def objective(trial):
            batch_size = trial.suggest_categorical("batch_size", [{batch}])
            lr = 0.001
            trial.suggest_categorical("learning_rate", [0.001])
            return train(lr, batch_size)

        study = optuna.create_study(direction="minimize")
        study.optimize(objective, n_trials=20)
        """
    repo.commit({"tune.py": text.replace("{batch}", "64")})
    repo.write("tune.py", text.replace("{batch}", "256"))
    assert repo.check("tune.py", select="SL604") == [
        ("SL604", 4, 18, "batch_size changes from 64 to 256 but the learning rate stays learning_rate=0.001"),
    ]


def test_longer_run_and_warmup(repo: Repo):
    repo.commit({"sweep.yaml": sweep("max_steps: {value: 10000}\nt_max: {value: 10000}\n" + LR_SEARCH)})
    repo.write("sweep.yaml", sweep("max_steps: {value: 30000}\nt_max: {value: 10000}\n" + LR_SEARCH))
    assert [(c, line, col) for c, line, col, _ in repo.check(select="SL605")] == [("SL605", 5, 14)]
    repo.write("sweep.yaml", sweep("max_steps: {value: 10000}\nt_max: {value: 10000}\nwarmup_ratio: {values: [0.0, 0.05]}\n" + LR_SEARCH))
    assert repo.check(select="SL606") == [
        ("SL606", 7, 17, "a warm-up is added (warmup_ratio: {0.0, 0.05}) while max_steps stays 10000"),
    ]


def test_model_based_switch_in_a_katib_experiment(repo: Repo):
    experiment = """\
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata:
          name: rounds
        spec:
          objective:
            type: minimize
            objectiveMetricName: val_loss
          algorithm:
            algorithmName: {algorithm}
          maxTrialCount: 30
          parameters:
            - name: lr
              parameterType: double
              feasibleSpace: {{min: "{low}", max: "0.1", distribution: logUniform}}
        """
    repo.commit({"experiment.yaml": experiment.format(algorithm="random", low="0.001")})
    repo.write("experiment.yaml", experiment.format(algorithm="bayesianoptimization", low="0.00001"))
    assert repo.check("experiment.yaml", select="SL607") == [
        ("SL607", 10, 20, "this revision switches from random to bayesianoptimization (model-based) and enlarges the "
                          "search space at once (lr widens from 0.001..0.1 to 1e-05..0.1)"),
    ]


# --- when there is nothing to compare with ---------------------------------------------------------


def test_silent_without_since_for_a_new_file_and_outside_a_repository(repo: Repo, tmp_path: Path):
    repo.commit({"sweep.yaml": sweep("optimizer: {value: adam}\nnum_layers: {value: 4}\n")})
    repo.write("sweep.yaml", sweep("optimizer: {value: sgd}\nnum_layers: {value: 6}\n"))
    assert repo.check(since=None) == []
    repo.write("new.yaml", sweep("optimizer: {value: sgd}\nnum_layers: {value: 6}\n"))
    assert repo.check("new.yaml") == []
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "sweep.yaml").write_text(sweep("optimizer: {value: sgd}\n"), encoding="utf-8")
    settings = Settings(root=outside, studies=(), select=("SL6",), since="HEAD")
    assert lint_paths([str(outside / "sweep.yaml")], settings).diagnostics == []


def test_corpus_has_no_history_so_round_rules_stay_silent():
    corpus = corpus_or_skip()
    result = lint_paths([str(corpus)], Settings(root=corpus, studies=(), select=("SL6",), since="HEAD"))
    assert result.files_checked > 50
    assert result.diagnostics == []


# --- `check --since` errors: one line, exit code 2 -----------------------------------------------------


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err.strip()


def test_since_errors_are_one_clear_line(repo: Repo, tmp_path: Path, capsys, monkeypatch):
    repo.commit({"sweep.yaml": sweep("optimizer: {value: adam}\n")})
    monkeypatch.chdir(repo.root)
    code, err = _cli(capsys, "check", "sweep.yaml", "--no-cache", "--since", "no-such-branch")
    assert code == 2 and err == f"sweeplint: error: --since no-such-branch: no such revision in {os.path.realpath(repo.root)}; name a branch, tag or commit of this repository"
    code, err = _cli(capsys, "check", "sweep.yaml", "--since", "--output-format=json")
    assert code == 2 and "is not a revision" not in err  # an option is never taken for a revision
    elsewhere = tmp_path / "plain"
    elsewhere.mkdir()
    (elsewhere / "sweep.yaml").write_text(sweep("optimizer: {value: adam}\n"), encoding="utf-8")
    code, err = _cli(capsys, "check", str(elsewhere / "sweep.yaml"), "--since", "HEAD")
    assert code == 2 and err == f"sweeplint: error: --since HEAD: {os.path.realpath(elsewhere)} is not in a git repository"
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    code, err = _cli(capsys, "check", "sweep.yaml", "--since", "HEAD")
    assert code == 2 and err == ("sweeplint: error: --since HEAD: git is not installed (or not on PATH); the round-to-round "
                                 "rules (SL6xx) read the configs' history with git")


def test_shallow_clone_lacking_the_revision(repo: Repo, tmp_path: Path, capsys, monkeypatch):
    first = repo.commit({"sweep.yaml": sweep("optimizer: {value: adam}\n")})
    repo.commit({"sweep.yaml": sweep("optimizer: {value: sgd}\n")})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    monkeypatch.chdir(clone)
    code, err = _cli(capsys, "check", "sweep.yaml", "--since", first)
    assert code == 2
    assert err == (f"sweeplint: error: --since {first}: no such revision in {os.path.realpath(clone)}; this clone is "
                   "shallow: fetch the history it needs (`git fetch --deepen=50`, or `fetch-depth: 0` for actions/checkout)")


def test_since_on_the_command_line_reports_and_is_not_cached(repo: Repo, capsys, monkeypatch):
    repo.commit({"sweep.yaml": sweep("batch_size: {value: 64}\nlearning_rate: {value: 0.001}\n")})
    repo.write("sweep.yaml", sweep("batch_size: {value: 256}\nlearning_rate: {value: 0.001}\n"))
    monkeypatch.chdir(repo.root)
    code = main(["check", "sweep.yaml", "--since", "HEAD", "--select", "SL604", "-q"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("sweep.yaml:5:15: warning: SL604 batch_size changes from 64 to 256") or out.startswith(
        "sweep.yaml:5:15: SL604 [warning] batch_size changes from 64 to 256")
    assert not (repo.root / ".sweeplint_cache").exists()
    # without --since the same check has nothing to compare with
    assert main(["check", "sweep.yaml", "--select", "SL604", "-q", "--no-cache"]) == 0


def test_the_editor_compares_a_buffer_with_its_last_commit(repo: Repo):
    """The language server lints unsaved text against the file's version at HEAD."""
    from sweeplint.server import _Linter

    repo.commit({"sweep.yaml": sweep("batch_size: {value: 64}\nlearning_rate: {value: 0.001}\n")})
    path = str(repo.root / "sweep.yaml")
    buffer = sweep("batch_size: {value: 128}\nlearning_rate: {value: 0.001}\n")
    found = [(d.code, d.span.line, d.span.column) for d in _Linter().lint(path, buffer) if d.code.startswith("SL6")]
    assert found == [("SL604", 5, 15)]
    repo.commit({"sweep.yaml": buffer})  # committed: nothing left to compare
    assert [d for d in _Linter().lint(path, buffer) if d.code.startswith("SL6")] == []


# --- reading git safely ------------------------------------------------------------------------------------


def test_repository_settings_never_run_programs(repo: Repo, tmp_path: Path):
    """A repository's own configuration (file-system monitor, text conversion, pager) cannot make
    sweeplint run a program while it reads the history."""
    marker = tmp_path / "ran"
    hook = f"touch {marker}"
    git(repo.root, "config", "core.fsmonitor", hook)
    git(repo.root, "config", "core.pager", hook)
    git(repo.root, "config", "diff.yaml.textconv", hook)
    repo.write(".gitattributes", "*.yaml diff=yaml\n")
    repo.commit({"sweep.yaml": sweep("batch_size: {value: 64}\nlearning_rate: {value: 0.001}\n")})
    marker.unlink(missing_ok=True)  # committing may have run the monitor; reading must not
    repo.write("sweep.yaml", sweep("batch_size: {value: 256}\nlearning_rate: {value: 0.001}\n"))
    assert [c for c, *_ in repo.check(select="SL60")] == ["SL604"]
    assert not marker.exists()


def test_an_earlier_version_too_large_to_read_is_no_version(repo: Repo, monkeypatch):
    import sweeplint.history as history

    repo.commit({"sweep.yaml": sweep("batch_size: {value: 64}\nlearning_rate: {value: 0.001}\n")})
    repo.write("sweep.yaml", sweep("batch_size: {value: 256}\nlearning_rate: {value: 0.001}\n"))
    monkeypatch.setattr(history, "MAX_FILE_BYTES", 50)
    history._HISTORIES.clear()
    assert repo.check() == []
    history._HISTORIES.clear()


def test_a_revision_that_looks_like_an_option_is_refused(repo: Repo, capsys, monkeypatch):
    repo.commit({"sweep.yaml": sweep("optimizer: {value: adam}\n")})
    monkeypatch.chdir(repo.root)
    code, err = _cli(capsys, "check", "sweep.yaml", "--since=--output=/tmp/x")
    assert code == 2 and err.startswith("sweeplint: error: --since --output=/tmp/x: no such revision")


def test_worker_processes_give_the_same_findings(repo: Repo):
    before = sweep("batch_size: {value: 64}\nlearning_rate: {value: 0.001}\n")
    after = sweep("batch_size: {value: 256}\nlearning_rate: {value: 0.001}\n")
    repo.commit({f"sweeps/s{n:02d}.yaml": before for n in range(30)})
    for n in range(30):
        repo.write(f"sweeps/s{n:02d}.yaml", after)
    settings = Settings(root=repo.root, studies=(), select=("SL6",), since="HEAD")
    one = lint_paths([str(repo.root / "sweeps")], settings, jobs=1).diagnostics
    two = lint_paths([str(repo.root / "sweeps")], settings, jobs=2).diagnostics
    assert len(one) == 30 and {d.code for d in one} == {"SL604"}
    assert two == one
