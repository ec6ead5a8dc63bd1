"""What the start-up savings of a one-file run must not change: the command line's answers, and the
cyclic collector of a process that calls main itself."""

from __future__ import annotations

import gc
import subprocess
import sys

from sweeplint import __version__
from sweeplint.cli import main

WANDB = "program: train.py\nmethod: random\nparameters:\n  learning_rate: {min: 0.0001, max: 0.1}\n"


def test_version_is_printed_as_before(capsys):
    done = subprocess.run([sys.executable, "-m", "sweeplint", "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"sweeplint {__version__}\n", "")
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert capsys.readouterr().out == f"sweeplint {__version__}\n"


def test_a_mistyped_check_option_is_matched_against_every_sub_command(capsys):
    # check builds its own parser only; the suggestion still knows the other sub-commands' options
    assert main(["check", "--spac", "sweep.yaml"]) == 2
    assert "unrecognized arguments: --spac; did you mean --space?" in capsys.readouterr().err
    assert main(["check", "--jbos", "2"]) == 2
    assert "did you mean --jobs?" in capsys.readouterr().err


def test_main_leaves_the_collector_as_it_found_it(tmp_path, monkeypatch, capsys):
    (tmp_path / "sweep.yaml").write_text(WANDB)
    monkeypatch.chdir(tmp_path)
    assert gc.isenabled()
    for argv in (["check", "--no-cache", "sweep.yaml"], ["check", "--no-cache", "."], ["check", "--bogus"], ["rule", "SL101"]):
        main(argv)
        assert gc.isenabled(), argv
    gc.disable()
    try:
        main(["check", "--no-cache", "."])
        assert not gc.isenabled()
    finally:
        gc.enable()
    capsys.readouterr()


def test_one_named_file_and_its_folder_report_the_same(tmp_path, monkeypatch, capsys):
    (tmp_path / "sweep.yaml").write_text(WANDB)
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-cache", "--output-format", "json", "sweep.yaml"])
    one = capsys.readouterr().out
    main(["check", "--no-cache", "--output-format", "json", "."])
    assert capsys.readouterr().out == one and '"SL101"' in one


def test_help_is_as_wide_as_shutil_says(monkeypatch):
    import shutil

    from sweeplint.cli_parser import _terminal_columns

    for columns in (None, "60", "200", "abc", "-5", "0"):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        assert _terminal_columns() == shutil.get_terminal_size().columns, columns


def test_a_check_command_line_is_read_as_the_full_parser_reads_it():
    # parse_check reads usual check command lines without argparse; whatever it reads must come
    # out as the full parser makes it (same attributes, same order, same values), and what it
    # leaves to the full parser includes every line that parser refuses
    import contextlib
    import io
    import itertools

    from sweeplint.cli_parser import build_parser
    from sweeplint.cli_support import UsageError, parse_check

    words = ["a", "b.yaml", "-", "--", "--quiet", "-q", "--select", "SL1", "--select=SL2", "--select=", "--jobs", "1",
             "-j", "x", "--jobs=-1", "-1", "--color=bogus", "--color=always", "--output-format", "--fail-on", "error",
             "--no-respect-gitignore", "--force-exclude", "--quiet=1", "-o", "-o=x", "-j1", "--jo", "-h", "--version", " 4"]
    parser = build_parser(only="check")
    read = 0
    for n in range(4):
        for tail in itertools.product(words, repeat=n):
            argv = ["check", *tail]
            quick = parse_check(argv)
            if quick is None:
                continue
            read += 1
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                try:
                    full = parser.parse_args(argv)
                except (UsageError, SystemExit) as exc:
                    raise AssertionError(f"{argv}: read, but the full parser refuses it ({exc})") from None
            assert list(vars(quick).items()) == list(vars(full).items()), argv
    assert read > 1000
    assert parse_check(["rule", "SL101"]) is None
