"""The command line: --help documents every option, the README documents every option and
every config key, and errors come out as exit codes with path:line, not tracebacks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import LISTED_REMOVALS, main, make_parser, summary
from generator.config import KNOWN_KEYS
from generator.pipeline import Report
from generator.write import WriteReport

REPO = Path(__file__).resolve().parents[1]
OPTIONS = ("--config", "--input", "--strict", "--quiet")
ABSTRACT = "We show that a careful choice of learning rate and batch size makes the training of large models cheaper than before."


def run_module(*arguments: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *arguments], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def build_options() -> list[str]:
    """Every long option of `build`, read from the parser itself."""
    subparsers = next(a for a in make_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    build = subparsers.choices["build"]
    return sorted(o for action in build._actions for o in action.option_strings if o.startswith("--") and o != "--help")


def test_the_parser_has_the_documented_options() -> None:
    assert build_options() == sorted(OPTIONS)


def test_build_help_exits_0_and_documents_every_option() -> None:
    result = run_module("build", "--help")
    assert result.returncode == 0, result.stderr
    for option in build_options():
        # Each option is listed with a line of help text after it.
        assert re.search(rf"^\s+{option}\b.*\n?.*\w", result.stdout, re.M), option
    assert "FILE" in result.stdout and "PATH" in result.stdout


def test_top_level_help_names_the_build_command() -> None:
    result = run_module("--help")
    assert result.returncode == 0
    assert "build" in result.stdout


def test_no_command_is_a_usage_error() -> None:
    result = run_module()
    assert result.returncode == 2
    assert "usage:" in result.stderr


def readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("option", OPTIONS)
def test_readme_mentions_every_cli_option(option: str) -> None:
    assert option in build_options()
    assert re.search(rf"`{re.escape(option)}\b", readme()), f"README.md does not document {option}"


@pytest.mark.parametrize("key", KNOWN_KEYS)
def test_readme_mentions_every_config_key(key: str) -> None:
    # As code (`reference_year`) or as YAML (`reference_year:`), not merely as an English word.
    assert re.search(rf"`{re.escape(key)}:?`|^\s*{re.escape(key)}:", readme(), re.M), f"README.md does not document `{key}`"


# --- main() on small projects ----------------------------------------------------------------


def project(tmp_path: Path, config: str = "title: T\ninputs: [papers/]\nreference_year: 2025\n") -> Path:
    (tmp_path / "papers").mkdir(parents=True)
    (tmp_path / "papers" / "one.txt").write_text(f"A Small Paper\n\n{ABSTRACT}\n", encoding="utf-8")
    (tmp_path / "review.yml").write_text(config, encoding="utf-8")
    return tmp_path / "review.yml"


def test_bad_config_exits_2_with_path_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project(tmp_path, "title: T\nreference_year: soon\n")
    assert main(["build", "--config", str(config)]) == 2
    assert f"{config}:2:" in capsys.readouterr().err


def test_broken_key_file_exits_2_with_path_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project(tmp_path)
    (tmp_path / "citation-keys.yml").write_text("a: b\nc: [\n", encoding="utf-8")
    assert main(["build", "--config", str(config), "--quiet"]) == 2
    assert "citation-keys.yml:3:" in capsys.readouterr().err


def test_strict_turns_problems_into_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project(tmp_path)
    (tmp_path / "papers" / "two.txt").write_text(f"Truncated Title Only\n\n\nAnother Paper\n\n{ABSTRACT}\n", encoding="utf-8")
    assert main(["build", "--config", str(config), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "papers/two.txt:1: error:" in out  # a title without an abstract is rejected, and said so
    assert "+ 1 rejected (conservation check ok)" in out
    assert main(["build", "--config", str(config), "--quiet", "--strict"]) == 1


def test_input_paths_are_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = project(tmp_path / "review")
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    (elsewhere / "extra.bib").write_text("@article{extra2024, title={An Extra Paper From the Command Line}, year={2024}}\n")
    monkeypatch.chdir(elsewhere)
    assert main(["build", "--config", str(config), "--input", "extra.bib", "--quiet"]) == 0
    papers = (tmp_path / "review" / "docs" / "downloads" / "papers.json").read_text(encoding="utf-8")
    assert "An Extra Paper From the Command Line" in papers
    assert "A Small Paper" in papers


def test_a_mistyped_input_on_the_command_line_builds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project(tmp_path)
    assert main(["build", "--config", str(config), "--quiet"]) == 0
    before = {p: p.read_bytes() for p in (tmp_path / "docs").rglob("*") if p.is_file()}
    assert main(["build", "--config", str(config), "--input", str(tmp_path / "nosuch.bib"), "--quiet"]) == 2
    assert "nosuch.bib: input not found; nothing was built, and the site is as it was" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (tmp_path / "docs").rglob("*") if p.is_file()} == before


def test_the_summary_names_the_files_it_removed() -> None:
    removed = tuple(f"review/hand-{n:02d}.md" for n in range(LISTED_REMOVALS + 3))
    lines = summary(Report(written=WriteReport((), 0, removed)), verbose=True)
    assert "removed: review/hand-00.md" in lines and "removed: … and 3 more" in lines
    assert not any(line.startswith("removed:") for line in summary(Report(written=WriteReport((), 0, removed)), verbose=False))


def test_ctrl_c_says_what_became_of_the_site_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import generator.pipeline

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    (tmp_path / "review.yml").write_text("title: T\ninputs: []\n", encoding="utf-8")
    monkeypatch.setattr(generator.pipeline, "build", interrupted)
    assert main(["build", "--config", str(tmp_path / "review.yml")]) == 130
    assert capsys.readouterr().err.startswith("interrupted: docs/ holds the previous site")
