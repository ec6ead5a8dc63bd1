"""A run's view of the folders: NNI launchers indexed once per folder, Python files per folder."""

from __future__ import annotations

from pathlib import Path

from sweeplint.codefacts.folders import FolderView
from sweeplint.codefacts.nni_launch import launch_budget, launched_program, named_by_experiment_config


class CountingView(FolderView):
    """A FolderView that counts the files whose text it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def text(self, path: str, limit: int) -> str | None:
        self.asked.append(Path(path).name)
        return super().text(path, limit)


def _folder_of_spaces(tmp_path: Path) -> Path:
    (tmp_path / "space_a.json").write_text("{}\n")
    (tmp_path / "space_b.json").write_text("{}\n")
    (tmp_path / "space_c.json").write_text("{}\n")
    (tmp_path / "train_a.py").write_text("print('a')\n")
    (tmp_path / "train_b.py").write_text("print('b')\n")
    (tmp_path / "exp_a.yml").write_text("searchSpaceFile: space_a.json\ntrialCommand: python3 train_a.py\n")
    (tmp_path / "exp_b.yaml").write_text("searchSpacePath: ./space_b.json\ntrialCommand: python train_b.py --fast\n")
    (tmp_path / "launch.py").write_text(
        "experiment.config.search_space = load('space_c.json')\n"
        "experiment.config.trial_command = 'python train_b.py'\n"
        "experiment.config.max_trial_number = 12\n")
    return tmp_path


def test_each_space_gets_the_program_its_launcher_names(tmp_path):
    folder = _folder_of_spaces(tmp_path)
    view = FolderView()
    assert launched_program(str(folder / "space_a.json"), view) == ("train_a.py", folder.resolve() / "train_a.py")
    assert launched_program(str(folder / "space_b.json"), view) == ("train_b.py", folder.resolve() / "train_b.py")
    assert launched_program(str(folder / "space_c.json"), view) == ("train_b.py", folder.resolve() / "train_b.py")
    # without a view of the run, the answers are the same
    assert launched_program(str(folder / "space_a.json")) == ("train_a.py", folder.resolve() / "train_a.py")


def test_experiment_configs_and_launch_budget_use_the_same_folder_index(tmp_path):
    folder = _folder_of_spaces(tmp_path)
    view = FolderView()
    assert named_by_experiment_config(str(folder / "space_a.json"), view)
    assert not named_by_experiment_config(str(folder / "space_c.json"), view)
    budget = launch_budget(str(folder / "space_c.json"), view)
    assert budget is not None and budget.max_trials == (12, 3) and budget.path.name == "launch.py"


def test_a_folder_of_launchers_is_read_once_per_run(tmp_path):
    folder = _folder_of_spaces(tmp_path)
    view = CountingView()
    for name in ("space_a.json", "space_b.json", "space_c.json"):
        launched_program(str(folder / name), view)
        named_by_experiment_config(str(folder / name), view)
    assert sorted(view.asked) == ["exp_a.yml", "exp_b.yaml", "launch.py", "train_a.py", "train_b.py"]


def test_holds_python_answers_by_name_and_none_for_an_unlistable_folder(tmp_path):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / ".py").write_text("")
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "model.py").write_text("")
    view = FolderView()
    assert view.holds_python(str(tmp_path / "configs")) is False
    assert view.holds_python(str(tmp_path / "code")) is True
    assert view.holds_python(str(tmp_path / "missing")) is None


def test_a_side_file_text_is_read_as_a_text_file_reads_it(tmp_path):
    # CRLF and lone CR become newlines, undecodable bytes the replacement character, as open() gives.
    side = tmp_path / "exp.yml"
    side.write_bytes(b"searchSpaceFile: s.json\r\ntrialCommand: python3 t\xff.py\rcodeDir: .\n")
    view = FolderView()
    with open(side, encoding="utf-8", errors="replace") as handle:
        assert view.text(str(side), 1000) == handle.read() == "searchSpaceFile: s.json\ntrialCommand: python3 t\ufffd.py\ncodeDir: .\n"
    assert view.text(str(side), 10) is None                      # larger than the limit
    assert FolderView().text(str(tmp_path / "absent.yml"), 1000) is None
    assert FolderView().text(str(tmp_path), 1000) is None       # a folder


def test_configs_that_name_no_search_space_are_not_launchers(tmp_path):
    folder = _folder_of_spaces(tmp_path)
    (folder / "other.yaml").write_text("trialCommand: python3 train_a.py\n")   # names no search space
    (folder / "tool.py").write_text("trial_command = 'python train_a.py'\n")  # uses no search space
    view = FolderView()
    assert launched_program(str(folder / "space_a.json"), view) == ("train_a.py", folder / "train_a.py")
    assert launched_program(str(folder / "space_c.json"), view) == ("train_b.py", folder / "train_b.py")


def _linked_tree(tmp_path) -> None:
    """configs/plain.yaml, configs/linked.yaml (a link to real/sweep.yaml), linked_folder -> real."""
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "sweep.yaml").write_text("method: grid\n")
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "plain.yaml").write_text("method: grid\n")
    (tmp_path / "configs" / "linked.yaml").symlink_to(tmp_path / "real" / "sweep.yaml")
    (tmp_path / "linked_folder").symlink_to(tmp_path / "real", target_is_directory=True)


def test_real_follows_links_whether_the_listing_or_the_path_says_so(tmp_path, monkeypatch):
    _linked_tree(tmp_path)
    view = FolderView()
    monkeypatch.chdir(tmp_path)
    for path in ("configs/plain.yaml", "configs/linked.yaml", "linked_folder/sweep.yaml", "configs/absent.yaml",
                 str(tmp_path / "configs" / "linked.yaml"), "configs/../configs/plain.yaml", "configs/"):
        assert view.real(path) == str(Path(path).resolve()), path


def test_a_side_file_of_unknown_size_is_read_whole(tmp_path):
    # a file that reports no size (as special files do) is read to its end, within the limit
    fifo = tmp_path / "exp.yml"
    import os
    import threading

    os.mkfifo(fifo)
    text = "searchSpaceFile: s.json\n" * 5000

    def write() -> None:
        with open(fifo, "w") as handle:
            handle.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    assert FolderView().text(str(fifo), 1_000_000) == text
    writer.join()


def test_real_folder_is_the_folder_of_the_real_path(tmp_path, monkeypatch):
    _linked_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    view = FolderView()
    for path in ("configs/plain.yaml", "configs/linked.yaml", "linked_folder/sweep.yaml", "configs/absent.yaml",
                 "sweep.yaml", "configs/", "configs/..", str(tmp_path / "configs" / "linked.yaml")):
        assert view.real_folder(path) == str(Path(path).resolve().parent), path
        assert view.real_folder(path) == str(Path(path).resolve().parent), path  # (asked again: kept)


def test_exists_answers_as_the_path_does_with_or_without_a_listing(tmp_path):
    (tmp_path / "file").write_text("")
    (tmp_path / "folder").mkdir()
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    (tmp_path / "to_folder").symlink_to(tmp_path / "folder", target_is_directory=True)
    names = ("file", "folder", "broken", "to_folder", "absent", "file/inside")
    for listed_first in (False, True):
        view = FolderView()
        if listed_first:
            view.entries(str(tmp_path))
        for name in names:
            assert view.exists(str(tmp_path / name)) == (tmp_path / name).exists(), (name, listed_first)


def test_project_folders_found_through_the_view_are_those_found_without_it(tmp_path):
    from sweeplint.codefacts.program import project_folder

    outer = tmp_path / "outer"
    (outer / "repo" / "configs" / "deep").mkdir(parents=True)
    (outer / "repo" / "pyproject.toml").write_text("")
    (outer / "repo" / "configs" / "nested" / ".git").mkdir(parents=True)    # a checkout inside the project
    (outer / "loose" / "a" / "b").mkdir(parents=True)
    (outer / "loose" / "a" / "setup.py").symlink_to(tmp_path / "missing.py")  # a broken link marks nothing
    starts = [outer / "repo" / "configs" / "deep", outer / "repo" / "configs", outer / "repo" / "configs" / "nested",
              outer / "loose" / "a" / "b", outer / "loose" / "a", outer / "repo"]
    for order in (starts, starts[::-1]):
        view = FolderView()
        view.entries(str(outer / "repo" / "configs"))  # (a folder the run has listed answers from its listing)
        for start in order:
            assert project_folder(start, view) == project_folder(start), start


def test_configs_the_run_has_read_are_not_read_again_to_find_launchers(tmp_path, monkeypatch):
    folder = _folder_of_spaces(tmp_path)
    (folder / "plain.yaml").write_text("method: grid\n")                       # a config: no search space
    (folder / "accented.yaml").write_text("# r\u00e9glage\nmethod: grid\n")    # not ASCII: read again
    (folder / "empty.yml").write_text("")
    (folder / "linked").symlink_to(folder, target_is_directory=True)
    monkeypatch.chdir(folder)
    view = CountingView()
    # what the checked configs' texts were (one through a linked folder, one by a relative path)
    view.note_read("plain.yaml", "method: grid\n")
    view.note_read(str(folder / "linked" / "accented.yaml"), "# r\u00e9glage\nmethod: grid\n")
    view.note_read(str(folder / "empty.yml"), "")                              # unreadable: no answer
    view.note_read(str(folder / "exp_a.yml"), (folder / "exp_a.yml").read_text())  # names a space: kept
    view.note_read(str(folder / "train_a.py"), "print('a')\n")
    expected = [launched_program(str(folder / n)) for n in ("space_a.json", "space_b.json", "space_c.json")]
    assert [launched_program(str(folder / n), view) for n in ("space_a.json", "space_b.json", "space_c.json")] == expected
    assert expected[0] == ("train_a.py", folder.resolve() / "train_a.py")
    assert sorted(view.asked) == ["accented.yaml", "empty.yml", "exp_a.yml", "exp_b.yaml", "launch.py", "train_b.py"]


def test_a_text_given_by_the_caller_says_nothing_of_the_file_on_disk(tmp_path):
    from sweeplint.codefacts import CodeFactsStore
    from sweeplint.model import ConfigFile

    folder = _folder_of_spaces(tmp_path)
    given = str(folder / "exp_a.yml")
    store = CodeFactsStore(texts={given: "method: grid\n"})   # an unsaved buffer without the launcher's lines
    store.annotate(ConfigFile(given, "method: grid\n"))
    assert launched_program(str(folder / "space_a.json"), store.folders) == ("train_a.py", folder.resolve() / "train_a.py")
    read = CodeFactsStore()
    read.annotate(ConfigFile(str(folder / "train_a.py"), "print('a')\n"))
    assert not read.folders.may_launch(str(folder.resolve() / "train_a.py"))
    assert read.folders.may_launch(str(folder.resolve() / "exp_a.yml"))


def test_a_regular_side_file_is_read_in_one_call(tmp_path, monkeypatch):
    import os

    side = tmp_path / "exp.yml"
    side.write_text("searchSpaceFile: s.json\n" * 100)
    reads: list[int] = []
    real_read = os.read

    def counting_read(fd: int, size: int) -> bytes:
        reads.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", counting_read)
    assert FolderView().text(str(side), 100_000) == side.read_text()
    assert len(reads) == 1
    assert FolderView().text(str(tmp_path / "none.yml"), 100_000) is None


def _tree(tmp_path: Path) -> Path:
    """A project with nested folders, a virtualenv, a link to a folder (not walked into), a broken
    link, a link to a file and a file named like a folder."""
    root = tmp_path / "project"
    (root / "b" / "deep" / "deeper").mkdir(parents=True)
    (root / "a").mkdir()
    (root / "venv" / "lib").mkdir(parents=True)
    (root / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / "a" / "Dockerfile").write_text("FROM python\nCOPY train.py /app/\nCMD python /app/train.py\n")
    (root / "b" / "deep" / "deeper" / "run.py").write_text("import hydra\n@hydra.main(config_path='conf')\ndef main(cfg): ...\n")
    (root / "b" / "notes.txt").write_text("")
    (root / "elsewhere").symlink_to(tmp_path, target_is_directory=True)  # a loop, were it followed
    (root / "broken").symlink_to(tmp_path / "missing")
    (root / "file_link.py").symlink_to(root / "b" / "notes.txt")
    return root


def test_walk_gives_what_os_walk_gives(tmp_path):
    import os

    root = _tree(tmp_path)
    for top in (str(root), str(root / "b"), str(root / "elsewhere"), str(root / "absent"), str(root / "b" / "notes.txt")):
        expected = []
        for current, dirs, names in os.walk(top):  # (walked in name order, as its callers sort it)
            dirs.sort()
            expected.append((current, list(dirs), sorted(names)))
        assert [(c, list(d), n) for c, d, n in FolderView().walk(top)] == expected, top
    # pruning the folders as os.walk allows
    view = FolderView()
    seen = []
    for current, dirs, _ in view.walk(str(root)):
        seen.append(current)
        dirs[:] = [d for d in dirs if d != "b"]
    assert seen == [str(root), str(root / "a"), str(root / "venv"), str(root / "venv" / "lib")]


def test_hydra_entries_and_dockerfiles_are_the_same_through_the_view(tmp_path):
    from sweeplint.codefacts.containers import dockerfiles
    from sweeplint.codefacts.program import hydra_entries

    root = _tree(tmp_path)
    (root / "venv" / "lib" / "site.py").write_text("import hydra\n@hydra.main(config_path='x')\ndef main(cfg): ...\n")
    view = FolderView()
    entries = hydra_entries(root, view)
    assert entries == hydra_entries(root) and [e.path.name for e in entries] == ["run.py"]   # (the virtualenv skipped)
    found = dockerfiles(root, view)
    assert found == dockerfiles(root) and [d.path.name for d in found] == ["Dockerfile"]


def test_absolute_names_are_answered_from_their_folder_as_the_path_is(tmp_path):
    (tmp_path / "opt").mkdir()
    (tmp_path / "opt" / "train_1.py").write_text("")
    (tmp_path / "opt" / "train_2.py").mkdir()                                   # a folder, not a file
    (tmp_path / "opt" / "train_3.py").symlink_to(tmp_path / "opt" / "train_1.py")
    (tmp_path / "opt" / "train_4.py").symlink_to(tmp_path / "missing.py")
    view = FolderView()
    names = [str(tmp_path / "opt" / f"train_{i}.py") for i in range(6)] + [
        str(tmp_path / "absent" / "x.py"), str(tmp_path / "absent" / "y.py"), str(tmp_path / "opt" / ".." / "opt" / "train_1.py")]
    for name in names:
        assert view.is_file(str(tmp_path / "configs"), name) == Path(name).is_file(), name
    assert [view.is_file("/elsewhere", n) for n in names] == [Path(n).is_file() for n in names]
