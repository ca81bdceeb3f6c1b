"""`python -m codeeval providers`: what each provider needs and whether it is ready."""

from __future__ import annotations

import json


def test_providers_lists_key_variables_and_readiness(codeeval, tmp_path) -> None:
    (tmp_path / "codeeval.toml").write_text(
        '[endpoints.team]\nprovider = "openai-compatible"\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    result = codeeval("providers", "--json", env={"OPENAI_API_KEY": "sk-test-not-real"})
    assert result.returncode == 0, result.stderr
    info = {row["name"]: row for row in json.loads(result.stdout)}
    assert {
        "openai",
        "anthropic",
        "google",
        "deepseek",
        "openai-compatible",
        "vllm",
        "ollama",
        "hf",
        "reference",
        "replay",
        "team",
    } <= set(info)
    assert info["openai"]["api_key_env"] == "OPENAI_API_KEY" and info["openai"]["ready"]
    assert info["anthropic"]["api_key_env"] == "ANTHROPIC_API_KEY"
    assert not info["anthropic"]["ready"] and "ANTHROPIC_API_KEY" in info["anthropic"]["note"]
    assert info["deepseek"]["api_key_env"] == "DEEPSEEK_API_KEY"
    assert info["reference"]["ready"] and info["reference"]["api_key_env"] is None
    assert info["team"]["provider"] == "openai-compatible"
    assert "sk-test-not-real" not in result.stdout + result.stderr
    table = codeeval("providers", env={"OPENAI_API_KEY": "sk-test-not-real"})
    assert table.returncode == 0
    assert "OPENAI_API_KEY" in table.stdout and "sk-test-not-real" not in table.stdout


def test_no_model_uses_every_provider_whose_key_is_set(codeeval) -> None:
    # The key is fake and the API unreachable from here: the run must name the model it chose
    # and end in generation errors, not a crash (exit 1: nothing was generated). A base URL
    # on a closed port fails fast.
    result = codeeval(
        "run",
        "--tasks",
        "quicksort",
        "--json",
        env={
            "DEEPSEEK_API_KEY": "sk-fake",
            "DEEPSEEK_BASE_URL": "http://127.0.0.1:9",
            "CODEEVAL_MAX_ATTEMPTS": "1",
        },
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "using every provider with a key set: deepseek/" in result.stderr
    data = json.loads(result.stdout)
    (model,) = data["models"]
    assert model["model"].startswith("deepseek/") and model["generation_errors"] == 1
    assert "sk-fake" not in result.stdout + result.stderr


def test_the_table_shows_extras_in_brackets(codeeval, tmp_path) -> None:
    # Hide transformers whether or not this environment has the hf extra: a module set to
    # None in sys.modules is one that find_spec reports missing.
    hider = tmp_path / "hide"
    hider.mkdir()
    (hider / "sitecustomize.py").write_text("import sys\nsys.modules['transformers'] = None\n")
    table = codeeval("providers", env={"PYTHONPATH": str(hider)})
    assert table.returncode == 0, table.stderr
    (hf,) = [line for line in table.stdout.splitlines() if line.strip("│ ").startswith("hf ")]
    assert "codeeval[hf]" in hf, hf


def test_an_endpoint_shadowing_a_provider_is_refused_as_run_refuses_it(codeeval, tmp_path) -> None:
    from tests.cli.conftest import assert_one_line_error

    (tmp_path / "codeeval.toml").write_text(
        '[endpoints.openai]\nprovider = "openai-compatible"\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    for args in (("providers",), ("providers", "--json")):
        assert_one_line_error(codeeval(*args), "[endpoints.openai]: shadows the provider 'openai'")
