"""hf/ replicas on a real Ray cluster, placed by GPU resources (logical GPUs: no CUDA here).

The test cluster's two worker nodes each declare one GPU (tests/servers/ray_cluster.py), as
`ray start --num-gpus=1` does; placement is Ray's and real, the model runs on the CPU.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from codeeval.errors import BadConfig
from codeeval.types import GenerationRequest
from tests.servers.ray_cluster import RayTestCluster

torch = pytest.importorskip("torch", reason="the hf extra is not installed")
transformers = pytest.importorskip("transformers", reason="the hf extra is not installed")

from codeeval.providers.hf import HFProvider  # noqa: E402
from tests.providers.tiny_model import build_tiny_model  # noqa: E402

MakeRequest = Callable[..., GenerationRequest]
PROMPTS = ["def f(x):", "a", "return x * 2 + 1", "print(1)", "x = [", "while", "(", "zz"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama-ray"), chat_template=False)


def test_one_replica_per_gpu_answers_as_the_model_does_in_process(
    model_dir: Path, ray_cluster: RayTestCluster, make_request: MakeRequest
) -> None:
    import ray

    options = {"device": "cpu", "dtype": "float32", "batch_size": 4, "batch_wait_s": 0.3}
    requests = [make_request(prompt=p, max_tokens=10) for p in PROMPTS]
    spread = HFProvider(str(model_dir), ray=True, ray_address=ray_cluster.address, **options)
    try:
        assert spread.max_concurrency == 4 * 32  # replicas unknown until the first request
        with ThreadPoolExecutor(len(requests)) as pool:
            answers = list(pool.map(spread.generate, requests))
        placed = spread._replicas.placed if spread._replicas else []
        free_while_running = ray.available_resources().get("GPU", 0)
    finally:
        spread.close()
    # Each worker node's one GPU holds one replica; the head has none.
    assert sorted(p["node"] for p in placed) == sorted(ray_cluster.node_ids())
    assert all(p["gpus"] == ["0"] and p["device"] == "cpu" for p in placed)
    assert free_while_running == 0
    here = HFProvider(str(model_dir), **options)
    try:
        with ThreadPoolExecutor(len(requests)) as pool:
            expected = list(pool.map(here.generate, requests))
    finally:
        here.close()
    assert [a.text for a in answers] == [e.text for e in expected]
    assert [a.output_tokens for a in answers] == [e.output_tokens for e in expected]
    # The replicas batched what reached them together.
    assert max(a.raw["batch_size"] for a in answers if a.raw) > 1


def test_replicas_that_do_not_fit_the_cluster_are_a_one_line_error(
    model_dir: Path, ray_cluster: RayTestCluster, make_request: MakeRequest
) -> None:
    for options, needle in (
        ({"gpus_per_replica": 2}, "no node of the Ray cluster has 2 GPU(s)"),
        ({"replicas": 3}, "3 replicas of 1 GPU(s) each do not fit the cluster's GPUs (2 do)"),
    ):
        provider = HFProvider(
            str(model_dir), device="cpu", ray=True, ray_address=ray_cluster.address, **options
        )
        try:
            for _ in range(2):  # and again, at once, for every later request
                with pytest.raises(BadConfig) as caught:
                    provider.generate(make_request(prompt="a", max_tokens=2))
                assert needle in str(caught.value) and "\n" not in str(caught.value)
        finally:
            provider.close()


def test_replica_options_without_ray_are_refused(model_dir: Path) -> None:
    with pytest.raises(BadConfig, match="replicas and ray_address go with ray = true"):
        HFProvider(str(model_dir), device="cpu", replicas=2)
