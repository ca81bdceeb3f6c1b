"""A local transformers model on GPU or CPU, with concurrent requests batched together.

The runner calls `generate` from `max_concurrency` threads at once. Each call queues its
request; one background worker gathers what is queued (up to `batch_size`, waiting at most
`batch_wait_s` for more), groups requests that share generation settings, and runs each group
as one left-padded `model.generate` call. Needs the `hf` extra (torch, transformers).

With `ray = true` the model is not loaded here: one replica per GPU of a Ray cluster each
batches the requests sent to it (`_hf_ray`; the `ray` extra; docs/scaling.md).
"""

from __future__ import annotations

import gc
import queue
import threading
import time
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from codeeval.errors import BadConfig, ProviderError
from codeeval.provider import BaseProvider, check_prompt_mode, import_sdk
from codeeval.providers._hf_ray import GpuReplicas
from codeeval.types import Generation, GenerationRequest

_DTYPES = ("auto", "float32", "float16", "bfloat16")
_QUANTIZATIONS = (None, "8bit", "4bit")


@dataclass
class _Pending:
    request: GenerationRequest
    future: Future[Generation]
    queued_at: float = field(default_factory=time.perf_counter)


def build_prompt(tokenizer: Any, request: GenerationRequest, use_template: bool) -> str:
    """The text the model continues: the chat template applied, or the plain prompt.

    Plain prompts (completion mode, or a tokenizer without a chat template) put the system
    prompt, if any, before the user's prompt.
    """
    if use_template and request.mode == "chat" and getattr(tokenizer, "chat_template", None):
        messages = [{"role": "user", "content": request.prompt}]
        if request.system:
            messages.insert(0, {"role": "system", "content": request.system})
        try:
            text = tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
        except Exception:  # templates that refuse a system role (Gemma's) raise from Jinja
            merged = f"{request.system}\n\n{request.prompt}" if request.system else request.prompt
            text = tokenizer.apply_chat_template(
                [{"role": "user", "content": merged}], tokenize=False, add_generation_prompt=True
            )
        return str(text)
    return f"{request.system}\n\n{request.prompt}" if request.system else request.prompt


def _settings_key(request: GenerationRequest, templated: bool) -> tuple[Any, ...]:
    """Requests with equal keys can share one `generate` call."""
    sampling = request.temperature > 0
    return (
        templated,
        request.max_tokens,
        request.stop,
        sampling,
        request.temperature if sampling else None,
        request.top_p if sampling else None,
        request.seed if sampling else None,
    )


class HFProvider(BaseProvider):
    """A causal LM loaded with transformers from a local folder or a hub id."""

    sdk_module = "transformers"
    extra = "hf"
    vendor = "hf"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        dtype: str = "auto",
        device: str | None = None,
        device_map: str | None = None,
        quantization: str | None = None,
        batch_size: int = 8,
        batch_wait_s: float = 0.02,
        chat_template: bool = True,
        trust_remote_code: bool = False,
        revision: str | None = None,
        max_concurrency: int | None = None,
        prompt_mode: str = "chat",
        ray: bool = False,
        replicas: int | None = None,
        gpus_per_replica: float = 1.0,
        ray_address: str | None = None,
    ) -> None:
        self._check_options(base_url, dtype, quantization, batch_size, batch_wait_s)
        self.prompt_mode = check_prompt_mode("hf", prompt_mode)
        super().__init__(model)
        self._closed = False
        self._replicas: GpuReplicas | None = None
        if ray:
            self._replicas = self._on_ray(
                replicas,
                gpus_per_replica,
                ray_address,
                batch_size,
                {
                    "dtype": dtype,
                    "device": device,
                    "device_map": device_map,
                    "quantization": quantization,
                    "batch_size": batch_size,
                    "batch_wait_s": batch_wait_s,
                    "chat_template": chat_template,
                    "trust_remote_code": trust_remote_code,
                    "revision": revision,
                    "prompt_mode": prompt_mode,
                },
            )
            # Requests beyond what the replicas batch at once wait at them, not here.
            self.max_concurrency = max_concurrency or batch_size * (replicas or 32)
            return
        if replicas is not None or ray_address is not None:
            raise BadConfig("hf: replicas and ray_address go with ray = true")
        self._torch = import_sdk("torch", extra="hf")
        self._transformers = import_sdk("transformers", extra="hf")
        self._cuda = bool(self._torch.cuda.is_available())
        self._quantization = quantization
        self._check_hardware(device, quantization)
        self._device = device or ("cuda" if self._cuda else "cpu")
        self._batch_size, self._batch_wait_s = batch_size, batch_wait_s
        self._use_template = chat_template
        self.max_concurrency = max_concurrency or max(batch_size, 1)
        self._tokenizer, self._model = self._load(dtype, device_map, trust_remote_code, revision)
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name=f"hf:{model}", daemon=True)
        self._worker.start()

    # --- set-up -------------------------------------------------------------------------

    def _on_ray(
        self,
        replicas: int | None,
        gpus_per_replica: float,
        address: str | None,
        batch_size: int,
        options: dict[str, Any],
    ) -> GpuReplicas:
        if replicas is not None and replicas < 1:
            raise BadConfig(f"hf: replicas: must be at least 1, not {replicas}")
        if gpus_per_replica <= 0:
            raise BadConfig(f"hf: gpus_per_replica: must be positive, not {gpus_per_replica}")
        return GpuReplicas(
            type(self), self.model, options, replicas, gpus_per_replica, address, 2 * batch_size
        )

    @staticmethod
    def _check_options(
        base_url: str | None,
        dtype: str,
        quantization: str | None,
        batch_size: int,
        batch_wait_s: float,
    ) -> None:
        if base_url:
            raise BadConfig(
                "hf: base_url: a local model has no base URL; for a model server use "
                "vllm/MODEL or openai-compatible/MODEL"
            )
        if dtype not in _DTYPES:
            raise BadConfig(f"hf: dtype: {dtype!r}; use one of {', '.join(_DTYPES)}")
        if quantization not in _QUANTIZATIONS:
            raise BadConfig(f'hf: quantization: {quantization!r}; use "8bit" or "4bit"')
        if batch_size < 1 or batch_wait_s < 0:
            raise BadConfig("hf: batch_size must be >= 1 and batch_wait_s >= 0")

    def _check_hardware(self, device: str | None, quantization: str | None) -> None:
        if device and device.startswith("cuda") and not self._cuda:
            raise BadConfig(f'hf: device: {device!r} but no CUDA device is visible; use "cpu"')
        if quantization and not self._cuda:
            raise BadConfig(
                f"hf: quantization: {quantization!r} needs a CUDA GPU (bitsandbytes) and none "
                "is visible here; drop the option or run on a machine with a GPU"
            )
        if quantization:
            import_sdk("bitsandbytes", extra="quant")

    def _load(
        self, dtype: str, device_map: str | None, trust_remote_code: bool, revision: str | None
    ) -> tuple[Any, Any]:
        tf = self._transformers
        common: dict[str, Any] = {"trust_remote_code": trust_remote_code, "revision": revision}
        kwargs: dict[str, Any] = {
            "dtype": dtype if dtype == "auto" else getattr(self._torch, dtype)
        }
        if self._quantization:
            bits = (
                {"load_in_8bit": True}
                if self._quantization == "8bit"
                else {"load_in_4bit": True, "bnb_4bit_compute_dtype": self._torch.bfloat16}
            )
            kwargs["quantization_config"] = tf.BitsAndBytesConfig(**bits)
            device_map = device_map or self._device
        if device_map:
            kwargs["device_map"] = device_map
        try:
            tokenizer = tf.AutoTokenizer.from_pretrained(self.model, **common)
            model = tf.AutoModelForCausalLM.from_pretrained(self.model, **common, **kwargs)
        except (OSError, ValueError) as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise BadConfig(
                f"hf: cannot load {self.model!r} ({type(exc).__name__}: {first_line}); give a "
                "local model folder or a hub id"
            ) from None
        if not device_map:
            model = model.to(self._device)
        model.eval()
        tokenizer.padding_side = "left"  # decoder-only models continue at the right edge
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        return tokenizer, model

    # --- the caller's side --------------------------------------------------------------

    def generate(self, request: GenerationRequest) -> Generation:
        """Queue `request` for the next batch and wait for its answer.

        Raises:
            ProviderError: generation failed (out of memory: lower batch_size) or the
                provider is closed.
        """
        if self._replicas is not None:
            answer: Generation = self._replicas.generate(request)
            return answer
        if self._closed:
            raise ProviderError(f"hf: {self.model} is closed")
        pending = _Pending(request, Future())
        self._queue.put(pending)
        return pending.future.result()

    def close(self) -> None:
        """Stop the worker and free the model's memory (or stop the replicas on Ray)."""
        if self._closed:
            return
        self._closed = True
        if self._replicas is not None:
            self._replicas.close()
            return
        self._queue.put(None)
        self._worker.join(timeout=60)
        self._model = None
        gc.collect()
        if self._cuda:
            self._torch.cuda.empty_cache()

    # --- the worker's side --------------------------------------------------------------

    def _work(self) -> None:
        while True:
            batch = self._gather()
            if batch is None:
                return
            groups: dict[tuple[Any, ...], list[_Pending]] = defaultdict(list)
            for pending in batch:
                groups[_settings_key(pending.request, self._use_template)].append(pending)
            for group in groups.values():
                self._run_safely(group)

    def _gather(self) -> list[_Pending] | None:
        first = self._queue.get()
        if first is None:
            return None
        batch = [first]
        deadline = time.monotonic() + self._batch_wait_s
        while len(batch) < self._batch_size:
            try:
                item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if item is None:
                self._queue.put(None)  # stop after this batch
                break
            batch.append(item)
        return batch

    def _run_safely(self, group: list[_Pending]) -> None:
        try:
            results = self._run(group)
        except Exception as exc:  # any failure belongs to the callers, not to the worker
            oom = "out of memory" in str(exc).lower()
            hint = "; lower batch_size or use quantization" if oom else ""
            error = ProviderError(f"hf: {self.model}: {type(exc).__name__}: {exc}{hint}")
            for pending in group:
                pending.future.set_exception(error)
            return
        for pending, result in zip(group, results, strict=True):
            pending.future.set_result(result)

    def _run(self, group: list[_Pending]) -> list[Generation]:
        torch, tokenizer = self._torch, self._tokenizer
        first = group[0].request
        prompts = [build_prompt(tokenizer, p.request, self._use_template) for p in group]
        templated = (
            self._use_template
            and first.mode == "chat"
            and bool(getattr(tokenizer, "chat_template", None))
        )
        encoded = tokenizer(
            prompts, return_tensors="pt", padding=True, add_special_tokens=not templated
        ).to(self._model.device)
        step_times: list[float] = []
        kwargs = self._generate_kwargs(first, step_times)
        if first.temperature > 0 and first.seed is not None:
            torch.manual_seed(first.seed)
        if self._cuda:
            torch.cuda.reset_peak_memory_stats()
        with torch.inference_mode():
            output = self._model.generate(**encoded, **kwargs)
        done = time.perf_counter()
        peak = torch.cuda.max_memory_allocated() / 2**20 if self._cuda else None
        width = encoded["input_ids"].shape[1]
        return [
            self._result(
                pending,
                output[row, width:],
                int(encoded["attention_mask"][row].sum()),
                step_times,
                done,
                peak,
                len(group),
            )
            for row, pending in enumerate(group)
        ]

    def _generate_kwargs(
        self, request: GenerationRequest, step_times: list[float]
    ) -> dict[str, Any]:
        tf = self._transformers
        kwargs: dict[str, Any] = {
            "max_new_tokens": request.max_tokens,
            "pad_token_id": self._tokenizer.pad_token_id,
            "stopping_criteria": tf.StoppingCriteriaList(
                [_first_step_recorder(tf, self._torch, step_times)]
            ),
            "do_sample": request.temperature > 0,
        }
        if request.temperature > 0:
            kwargs["temperature"] = request.temperature
            if request.top_p is not None:
                kwargs["top_p"] = request.top_p
        if request.stop:
            kwargs["stop_strings"] = list(request.stop)
            kwargs["tokenizer"] = self._tokenizer
        return kwargs

    def _result(
        self,
        pending: _Pending,
        generated: Any,
        input_tokens: int,
        step_times: list[float],
        done: float,
        peak_mb: float | None,
        batch_size: int,
    ) -> Generation:
        ids = generated.tolist()
        eos = self._eos_ids()
        count = next((i + 1 for i, t in enumerate(ids) if t in eos), None)
        ended = count is not None
        ids = ids[:count] if ended else ids
        text = self._tokenizer.decode(ids, skip_special_tokens=True)
        text, stopped = _truncate(text, pending.request.stop)
        count = len(ids)
        finish = "stop" if ended or stopped or count < pending.request.max_tokens else "length"
        started = pending.queued_at
        return Generation(
            text=text,
            input_tokens=input_tokens,
            output_tokens=count,
            finish_reason=finish,
            raw={
                "model": self.model,
                "device": str(self._model.device),
                "dtype": str(self._model.dtype).removeprefix("torch."),
                "quantization": self._quantization,
                "batch_size": batch_size,
                "finish_reason": finish,
            },
            latency_s=done - started,
            first_token_s=(step_times[0] - started) if step_times else None,
            served_model=self.model,
            peak_memory_mb=peak_mb,
        )

    def _eos_ids(self) -> set[int]:
        config = getattr(self._model, "generation_config", None)
        eos = getattr(config, "eos_token_id", None)
        if eos is None:
            eos = self._tokenizer.eos_token_id
        ids = set(eos) if isinstance(eos, list) else ({eos} if eos is not None else set())
        pad = self._tokenizer.pad_token_id
        return ids | ({pad} if pad is not None and pad not in ids else set())


def _first_step_recorder(tf: Any, torch: Any, step_times: list[float]) -> Any:
    """A stopping criterion that notes when the batch's first token exists and stops nothing."""

    class FirstStep(tf.StoppingCriteria):  # type: ignore[misc]
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            if not step_times:
                step_times.append(time.perf_counter())
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    return FirstStep()


def _truncate(text: str, stop: tuple[str, ...]) -> tuple[str, bool]:
    cuts = [index for s in stop if s and (index := text.find(s)) >= 0]
    return (text[: min(cuts)], True) if cuts else (text, False)


PROVIDER = HFProvider
