"""Provider overhead: 1,000 streamed requests at 32 in flight against a loopback server.

The server (a separate process, so that its CPU is not counted as the client's) streams each
answer as 20 chunks over 500 ms, so 32 requests in flight can at best finish 64 per second.
The script prints the requests/s that `OpenAIProvider.generate` achieves from a 32-thread
pool (how the runner calls it) against that ideal, and the client's CPU time per request
beside a bare `openai` SDK streaming loop measured in the same run. With CUDA (or `--hf-cpu`),
it also compares the hf provider's batched generation with unbatched generation of one model.

    python benchmarks/providers.py [--requests 1000] [--concurrency 32] [--hf-cpu]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNKS, STREAM_S = 20, 0.5
KEY = "sk-benchmark-not-a-real-key"


def serve() -> None:
    """Run the streaming server until stdin closes (child process)."""
    from tests.servers.base import Exchange, WireServer

    def stream(ex: Exchange) -> None:
        base = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "bench"}
        ex.start_stream()
        for index in range(CHUNKS):
            ex.sleep(STREAM_S / CHUNKS)
            finish = "stop" if index == CHUNKS - 1 else None
            delta = {"content": f"tok{index} "} if finish is None else {}
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            ex.chunk(f"data: {json.dumps({**base, 'choices': [choice]})}\n\n".encode())
        usage = {"prompt_tokens": 20, "completion_tokens": CHUNKS - 1, "total_tokens": 39}
        ex.chunk(f"data: {json.dumps({**base, 'choices': [], 'usage': usage})}\n\n".encode())
        ex.chunk(b"data: [DONE]\n\n")
        ex.end_stream()

    server = WireServer(stream, record=False).start()
    print(server.url, flush=True)
    sys.stdin.read()
    server.stop()


def timed(label: str, call: Callable[[], object], requests: int, concurrency: int) -> float:
    """Run `call` `requests` times from `concurrency` threads; print and return CPU s/request."""
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda _: call(), range(concurrency)))  # warm the connection pool
        cpu0, wall0 = time.process_time(), time.perf_counter()
        list(pool.map(lambda _: call(), range(requests)))
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    ideal = concurrency / STREAM_S
    rate = requests / wall
    print(
        f"{label:<22} {rate:6.1f} req/s  ({rate / ideal:5.1%} of ideal {ideal:.0f}/s)  "
        f"client CPU {cpu / requests * 1000:6.2f} ms/request"
    )
    return cpu / requests


def provider_benchmark(requests: int, concurrency: int) -> None:
    import openai

    from codeeval.providers.openai import OpenAIProvider
    from codeeval.types import GenerationRequest, Task

    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip() + "/v1"
        os.environ["OPENAI_API_KEY"] = KEY
        task = Task(
            id="bench",
            prompts={"en": "p"},
            entry_point="f",
            reference="",
            tests="",
            content_hash="x",
        )
        request = GenerationRequest(task=task, prompt="Write f.", max_tokens=64)
        provider = OpenAIProvider("gpt-4o", base_url=url, max_concurrency=concurrency)
        client = openai.OpenAI(api_key=KEY, base_url=url, max_retries=0)

        def bare() -> str:
            stream = client.chat.completions.create(
                model="gpt-4o",
                messages=[{"role": "user", "content": "Write f."}],
                max_completion_tokens=64,
                stream=True,
                stream_options={"include_usage": True},
            )
            return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)

        answer = provider.generate(request)
        assert answer.output_tokens == CHUNKS - 1 and answer.finish_reason == "stop"
        print(
            f"{requests} requests, {concurrency} in flight, {CHUNKS} chunks over "
            f"{STREAM_S * 1000:.0f} ms each"
        )
        bare_cpu = timed("bare openai SDK loop", bare, requests, concurrency)
        ours_cpu = timed(
            "OpenAIProvider", lambda: provider.generate(request), requests, concurrency
        )
        print(f"provider CPU per request = {ours_cpu / bare_cpu:.2f} x the bare SDK loop")
        provider.close()
        client.close()
    finally:
        if child.stdin:
            child.stdin.close()
        child.wait(timeout=10)


def hf_benchmark(device: str, requests: int, max_tokens: int, hidden: int, layers: int) -> None:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from codeeval.providers.hf import HFProvider
    from codeeval.types import GenerationRequest, Task
    from tests.providers.tiny_model import build_tiny_model

    folder = Path(tempfile.mkdtemp(prefix="codeeval-hf-bench-"))
    build_tiny_model(folder, chat_template=False)  # the tokenizer; the model is replaced below
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=60,
        hidden_size=hidden,
        intermediate_size=hidden * 3,
        num_hidden_layers=layers,
        num_attention_heads=max(1, hidden // 64),
        max_position_embeddings=1024,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=0,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    task = Task(
        id="bench", prompts={"en": "p"}, entry_point="f", reference="", tests="", content_hash="x"
    )
    prompts = [f"def f{i}(x):\n    return x * {i}" for i in range(requests)]
    reqs = [GenerationRequest(task=task, prompt=p, max_tokens=max_tokens) for p in prompts]
    print(f"hf on {device}: Llama {hidden}x{layers}, {requests} requests x {max_tokens} tokens")
    rates = {}
    for label, batch in (("unbatched", 1), ("batched", 32)):
        provider = HFProvider(
            str(folder), device=device, dtype="float32", batch_size=batch, batch_wait_s=0.05
        )
        with ThreadPoolExecutor(32) as pool:
            list(pool.map(provider.generate, reqs[:4]))  # warm-up
            start = time.perf_counter()
            gens = list(pool.map(provider.generate, reqs))
            wall = time.perf_counter() - start
        provider.close()
        tokens = sum(g.output_tokens or 0 for g in gens)
        rates[label] = tokens / wall
        peak = max((g.peak_memory_mb or 0) for g in gens)
        print(
            f"{label:<10} {tokens / wall:9.1f} tokens/s  ({tokens} tokens in {wall:.2f} s"
            f"{f', peak {peak:.0f} MiB' if peak else ''})"
        )
    print(f"batched / unbatched = {rates['batched'] / rates['unbatched']:.1f} x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--hf-cpu", action="store_true", help="run the hf part on the CPU")
    parser.add_argument("--hf-only", action="store_true", help="skip the HTTP part")
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    if not args.hf_only:
        provider_benchmark(args.requests, args.concurrency)
    try:
        import torch
    except ImportError:
        print("hf: skipped (pip install 'codeeval[hf]')")
        return
    if torch.cuda.is_available():
        hf_benchmark("cuda", requests=256, max_tokens=128, hidden=1024, layers=8)
    elif args.hf_cpu:
        hf_benchmark("cpu", requests=64, max_tokens=32, hidden=128, layers=2)
    else:
        print("hf: skipped (no CUDA; --hf-cpu runs a small model on the CPU)")


if __name__ == "__main__":
    main()
