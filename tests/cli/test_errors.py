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
    # Read-only commands make no database (tests/store/test_readonly.py).
    assert_one_line_error(codeeval("show", "7"), "no results database at codeeval-results/")


def test_replay_file_problems_name_file_and_line(codeeval, tmp_path: Path) -> None:
    missing = codeeval("run", "--tasks", "quicksort", "--model", "replay/nothere.jsonl")
    assert_one_line_error(missing, "nothere.jsonl: no such replay file")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "quicksort", "completion": "x"}\n{oops\n')
    result = codeeval("run", "--tasks", "quicksort", "--model", f"replay/{bad}")
    assert_one_line_error(result, "bad.jsonl:2: invalid JSON")


def test_a_deeply_nested_replay_line_is_named_not_a_crash(codeeval, tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"task_id": "quicksort", "completion": "x"}\n' + "[" * 100_000 + "\n")
    result = codeeval("run", "--tasks", "quicksort", "--model", f"replay/{deep}")
    assert_one_line_error(result, "deep.jsonl:2: ", "nested too deeply")


def test_usage_errors_exit_2_without_traceback(codeeval) -> None:
    result = codeeval("run", "--samples", "many")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Invalid value for '--samples'" in result.stderr


def test_a_tag_no_selected_task_has_is_named_plainly(codeeval) -> None:
    result = codeeval("run", "--tasks", "quicksort", "--tag", "dp")
    assert_one_line_error(result, "no selected task has tag 'dp'", "--tasks all")
    assert "did you mean" not in result.stderr


def test_a_database_without_its_driver_names_the_package(codeeval) -> None:
    result = codeeval("runs", "--db", "mysql://u@localhost/x")  # psycopg is in the dev extra
    assert_one_line_error(result, "is not installed", "mysql://", "pip install mysqlclient")


def test_a_foreign_database_is_refused_untouched(codeeval, tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("create table runs (a integer)")
    connection.commit()
    connection.close()
    assert_one_line_error(codeeval("runs", "--db", "other.db"), "not a codeeval results database")
    connection = sqlite3.connect(other)
    tables = connection.execute("select name from sqlite_master").fetchall()
    connection.close()
    assert tables == [("runs",)]


def test_report_folders_that_cannot_be_written_are_refused_before_the_run(
    codeeval, tmp_path: Path
) -> None:
    (tmp_path / "afile").write_text("")
    assert_one_line_error(codeeval("run", "--out", "afile"), "--out", "afile is a file")
    assert_one_line_error(codeeval("run", "--out", "/proc/forbidden"), "cannot create")
    assert_one_line_error(codeeval("run", "--baseline", "999"), "--baseline 999: no such run")
    # Each was refused before a run was recorded.
    assert "no runs yet" in codeeval("runs").stdout


def test_report_to_a_folder_or_through_a_file_is_one_line(codeeval, tmp_path: Path) -> None:
    assert codeeval("run").returncode == 0
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("")
    assert_one_line_error(codeeval("report", "1", "-o", "adir"), "--output adir", "directory")
    result = codeeval("report", "1", "--format", "html", "-o", "afile/x.html")
    assert_one_line_error(result, "--output afile/x.html", "Not a directory")


def test_a_task_file_that_is_a_folder_is_named(codeeval, tmp_path: Path) -> None:
    assert codeeval("tasks", "new", "my_task").returncode == 0
    solution = tmp_path / "my_task" / "solution.py"
    solution.unlink()
    solution.mkdir()
    result = codeeval("tasks", "check", "./my_task")
    assert_one_line_error(result, "solution.py: is a folder; it must be a file")


def test_a_config_file_named_explicitly_must_exist(codeeval, tmp_path: Path) -> None:
    assert_one_line_error(
        codeeval("run", "--config", "/nonexistent.toml"), "--config /nonexistent.toml: no such file"
    )
    result = codeeval("runs", env={"CODEEVAL_CONFIG": "missing.toml"})
    assert_one_line_error(result, "missing.toml: no such file")
    # ./codeeval.toml itself stays optional: what is missing now is the database only
    assert_one_line_error(codeeval("runs"), "no results database at codeeval-results/")


def test_resume_refuses_flags_it_would_ignore(codeeval) -> None:
    assert codeeval("run").returncode == 0
    result = codeeval("run", "--resume", "1", "--samples", "5", "--tasks", "dijkstra")
    assert_one_line_error(result, "--resume 1", "--tasks, --samples would be ignored")
    # The environment sets defaults for new runs: not a conflict.
    again = codeeval("run", "--resume", "1", "--json", env={"CODEEVAL_SAMPLES": "3"})
    assert again.returncode == 0, again.stderr
