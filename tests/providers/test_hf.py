"""The hf provider with a tiny random model and tokenizer built here (nothing is downloaded)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from codeeval.errors import BadConfig, MissingDependency
from codeeval.provider import create_provider
from codeeval.types import GenerationRequest

torch = pytest.importorskip("torch", reason="the hf extra is not installed")
transformers = pytest.importorskip("transformers", reason="the hf extra is not installed")
tokenizers = pytest.importorskip("tokenizers", reason="the hf extra is not installed")

from codeeval.providers.hf import HFProvider, build_prompt  # noqa: E402
from tests.providers.tiny_model import build_tiny_model  # noqa: E402

MakeRequest = Callable[..., GenerationRequest]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama"), chat_template=False)


@pytest.fixture(scope="module")
def chat_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-chat"), chat_template=True)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def provider(model_dir: Path, offline: None) -> Iterator[HFProvider]:
    made = HFProvider(str(model_dir), device="cpu", dtype="float32", batch_size=4, batch_wait_s=0.5)
    yield made
    made.close()


PROMPTS = ["def f(x):", "a", "return x * 2 + 1", "print(1)"]


def test_batched_generation_equals_unbatched_greedy(
    provider: HFProvider, model_dir: Path, make_request: MakeRequest
) -> None:
    requests = [make_request(prompt=p, max_tokens=12) for p in PROMPTS]
    with ThreadPoolExecutor(len(requests)) as pool:
        batched = list(pool.map(provider.generate, requests))
    single = HFProvider(str(model_dir), device="cpu", dtype="float32", batch_size=1)
    try:
        unbatched = [single.generate(r) for r in requests]
    finally:
        single.close()
    assert len(batched) == len(requests)
    assert [g.text for g in batched] == [g.text for g in unbatched]
    assert {g.raw["batch_size"] for g in batched if g.raw} == {4}  # one batch of four
    assert {g.raw["batch_size"] for g in unbatched if g.raw} == {1}
    assert len({g.text for g in batched}) > 1  # different prompts, different answers


def test_token_counts_timings_and_finish_reason(
    provider: HFProvider, make_request: MakeRequest
) -> None:
    gen = provider.generate(make_request(prompt="def f(x):", max_tokens=6))
    assert gen.input_tokens == len("def f(x):")  # one token per character, no BOS added here
    assert gen.output_tokens is not None and 1 <= gen.output_tokens <= 6
    assert gen.finish_reason == ("length" if gen.output_tokens == 6 else "stop")
    assert gen.first_token_s is not None and gen.latency_s is not None
    assert 0 < gen.first_token_s <= gen.latency_s
    assert gen.peak_memory_mb is None  # CPU: no GPU memory to report
    assert gen.raw == {
        "model": provider.model,
        "device": "cpu",
        "dtype": "float32",
        "quantization": None,
        "batch_size": 1,
        "finish_reason": gen.finish_reason,
    }


def test_requests_with_different_settings_are_answered_separately(
    provider: HFProvider, make_request: MakeRequest
) -> None:
    requests = [make_request(prompt="ab", max_tokens=3), make_request(prompt="ab", max_tokens=7)]
    with ThreadPoolExecutor(2) as pool:
        short, long = pool.map(provider.generate, requests)
    assert short.output_tokens is not None and short.output_tokens <= 3
    assert long.output_tokens is not None and long.output_tokens <= 7
    assert long.text.startswith(short.text)  # same greedy path, cut earlier


def test_chat_template_is_used_when_the_tokenizer_has_one(
    chat_model_dir: Path, offline: None, make_request: MakeRequest
) -> None:
    made = HFProvider(str(chat_model_dir), device="cpu", dtype="float32")
    try:
        tokenizer = made._tokenizer
        chat = build_prompt(tokenizer, make_request(prompt="hi", system="be short"), True)
        plain = build_prompt(tokenizer, make_request(prompt="hi", mode="completion"), True)
        gen = made.generate(make_request(prompt="hi", system="be short", max_tokens=4))
    finally:
        made.close()
    assert chat == "<|system|>be short\n<|user|>hi\n<|assistant|>"
    assert plain == "hi"
    assert gen.input_tokens == len(chat)


def test_plain_prompt_without_a_template(
    model_dir: Path, make_request: MakeRequest, provider: HFProvider
) -> None:
    text = build_prompt(provider._tokenizer, make_request(prompt="x", system="s"), True)
    assert text == "s\n\nx"


def test_registry_builds_it_with_options(
    model_dir: Path, offline: None, make_request: MakeRequest
) -> None:
    made = create_provider(f"hf/{model_dir}", {"hf": {"device": "cpu", "batch_size": 2}}, {})
    try:
        assert made.max_concurrency == 2
        assert made.generate(make_request(max_tokens=2)).output_tokens is not None
    finally:
        made.close()


def test_bad_options_are_one_line_errors(model_dir: Path, offline: None, tmp_path: Path) -> None:
    with pytest.raises(BadConfig, match="dtype: 'float8'"):
        HFProvider(str(model_dir), dtype="float8")
    with pytest.raises(BadConfig, match="base_url"):
        HFProvider(str(model_dir), base_url="http://localhost:8000/v1")
    with pytest.raises(BadConfig, match=r"cannot load .*no-such-model"):
        HFProvider(str(tmp_path / "no-such-model"), device="cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error on a machine with no GPU")
@pytest.mark.parametrize("bits", ["8bit", "4bit"])
def test_quantization_without_cuda_is_a_clear_error(model_dir: Path, bits: str) -> None:
    with pytest.raises(BadConfig, match=f"quantization: '{bits}' needs a CUDA GPU"):
        HFProvider(str(model_dir), quantization=bits)
    with pytest.raises(BadConfig, match="no CUDA device"):
        HFProvider(str(model_dir), device="cuda")


def test_missing_extra_names_the_install_command(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # what an absent package looks like
    with pytest.raises(MissingDependency, match=r"pip install 'codeeval\[hf\]'"):
        HFProvider(str(model_dir))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_batches_and_reports_peak_memory(
    model_dir: Path, offline: None, make_request: MakeRequest
) -> None:
    made = HFProvider(
        str(model_dir), device="cuda", dtype="float32", batch_size=4, batch_wait_s=0.5
    )
    try:
        with ThreadPoolExecutor(4) as pool:
            gens = list(pool.map(made.generate, [make_request(prompt=p) for p in PROMPTS]))
    finally:
        made.close()
    assert all(g.peak_memory_mb is not None and g.peak_memory_mb > 0 for g in gens)
    assert {g.raw["device"] for g in gens if g.raw} == {"cuda:0"}
