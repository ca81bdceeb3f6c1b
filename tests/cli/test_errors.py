"""User mistakes get one line on stderr, exit 2, and no traceback."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import assert_one_line_error


def test_unknown_task_lists_the_known_ones(codeeval) -> None:
    result = codeeval("run", "--tasks", "quiksort")
    assert_one_line_error(result, "unknown task 'quiksort'", "quicksort", "humaneval", "tasks list")


def test_unknown_provider_lists_the_known_ones(codeeval) -> None:
    result = codeeval("run", "--tasks", "quicksort", "--model", "nope/x")
    assert_one_line_error(result, "unknown provider 'nope'", "openai", "anthropic", "reference")


def test_missing_api_key_names_the_variable(codeeval) -> None:
    result = codeeval("run", "--tasks", "quicksort", "--model", "anthropic/claude-sonnet-4-5")
    assert_one_line_error(result, "set ANTHROPIC_API_KEY")


def test_malformed_task_file_names_file_and_problem(codeeval, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "task.toml").write_text('entry_point = "f"\nunknown_key = 1\n')
    (folder / "prompt.en.md").write_text("Write f.")
    (folder / "solution.py").write_text("def f():\n    return 1\n")
    (folder / "tests.py").write_text("def test_f(candidate):\n    assert candidate() == 1\n")
    result = codeeval("run", "--tasks", "./broken")
    assert_one_line_error(result, "task.toml: unknown_key: Extra inputs are not permitted")


def test_bad_values_name_their_source(codeeval, tmp_path: Path) -> None:
    assert_one_line_error(codeeval("run", "--samples", "0"), "command line: samples")
    (tmp_path / "codeeval.toml").write_text("[run]\ntemperature = 9\n")
    assert_one_line_error(codeeval("run"), "codeeval.toml: temperature")
    (tmp_path / "codeeval.toml").write_text("[run\n")
    assert_one_line_error(codeeval("run"), "codeeval.toml: invalid TOML")
    (tmp_path / "codeeval.toml").write_text('[providers.openai]\napi_key = "sk-123"\n')
    assert_one_line_error(codeeval("run"), "keys stay in environment variables")


def test_unknown_report_format_and_run(codeeval) -> None:
    assert_one_line_error(
        codeeval("run", "--tasks", "quicksort", "--format", "pdf"),
        "unknown renderer 'pdf'",
        "html",
        "json",
        "markdown",
    )
    assert_one_line_error(codeeval("show", "7"), "no run 7 in this database")


def test_replay_file_problems_name_file_and_line(codeeval, tmp_path: Path) -> None:
    missing = codeeval("run", "--tasks", "quicksort", "--model", "replay/nothere.jsonl")
    assert_one_line_error(missing, "nothere.jsonl: no such replay file")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "quicksort", "completion": "x"}\n{oops\n')
    result = codeeval("run", "--tasks", "quicksort", "--model", f"replay/{bad}")
    assert_one_line_error(result, "bad.jsonl:2: invalid JSON")


def test_usage_errors_exit_2_without_traceback(codeeval) -> None:
    result = codeeval("run", "--samples", "many")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Invalid value for '--samples'" in result.stderr


def test_a_tag_no_selected_task_has_is_named_plainly(codeeval) -> None:
    result = codeeval("run", "--tasks", "quicksort", "--tag", "dp")
    assert_one_line_error(result, "no selected task has tag 'dp'", "--tasks all")
    assert "did you mean" not in result.stderr
