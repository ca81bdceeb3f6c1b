"""hf/ models placed on the GPUs of a Ray cluster: one replica per GPU, each batching its requests.

Each replica is a Ray actor that reserves `gpus_per_replica` GPUs on one node (Ray makes them
the only CUDA devices it sees) and holds an in-process `HFProvider` there, whose worker
batches the requests that reach it together. The driver sends each request to the replica
with the fewest in flight, so a model that fits one GPU runs data-parallel over all of them.
Replicas start at the first request, on the cluster this process is connected to by then
(the Ray executor's, with `--executor ray`), and stop with the provider.
"""

from __future__ import annotations

import threading
from typing import Any

from codeeval import cluster
from codeeval.errors import BadConfig, ProviderError, TransientProviderError
from codeeval.types import Generation, GenerationRequest

_START_TIMEOUT_S = 900.0  # loading a large model onto a GPU takes minutes


class Replica:
    """One model replica on its GPU(s) (a Ray actor's class)."""

    def __init__(self, provider: type, model: str, options: dict[str, Any]) -> None:
        self.provider = provider(model, **options)

    def where(self) -> dict[str, Any]:
        """The node and GPUs Ray placed this replica on, and the device the model is on."""
        import ray

        context = ray.get_runtime_context()
        return {
            "node": context.get_node_id(),
            "gpus": [str(gpu) for gpu in ray.get_gpu_ids()],
            "device": str(self.provider._device),
        }

    def generate(self, request: GenerationRequest) -> Generation:
        """Generate (batched with the requests that arrive meanwhile)."""
        answer: Generation = self.provider.generate(request)
        return answer


class GpuReplicas:
    """The replicas of one model, started at the first request.

    Args:
        provider: the class each replica builds in process (`HFProvider`).
        model: the model folder (at the same path on every GPU node) or hub id.
        options: the `HFProvider` options each replica is built with.
        replicas: how many (default: as many as the cluster's GPUs hold).
        gpus_per_replica: GPUs each replica reserves on its node.
        address: the Ray cluster, if this process is not connected to one yet.
        concurrency: requests a replica takes at once (its batch size, and as many waiting).
    """

    def __init__(
        self,
        provider: type,
        model: str,
        options: dict[str, Any],
        replicas: int | None,
        gpus_per_replica: float,
        address: str | None,
        concurrency: int,
    ) -> None:
        self.provider, self.model, self.options = provider, model, options
        self.wanted, self.gpus = replicas, gpus_per_replica
        self.address, self.concurrency = address, concurrency
        self.placed: list[dict[str, Any]] = []  # `Replica.where()` of each, once started
        self._ray: Any = None
        self._actors: list[Any] = []
        self._load: list[int] = []
        self._lock = threading.Lock()
        self._closed = False
        self._failed: BadConfig | None = None  # why the replicas could not start

    def _fits(self, ray: Any) -> int:
        """How many replicas the cluster's GPUs hold, node by node.

        Raises:
            BadConfig: none, or fewer than `replicas` asks for.
        """
        per_node = [
            int(node.get("Resources", {}).get("GPU", 0) // self.gpus)
            for node in ray.nodes()
            if node.get("Alive")
        ]
        fits = sum(per_node)
        if fits < 1:
            raise BadConfig(
                f"hf: ray: no node of the Ray cluster has {self.gpus:g} GPU(s) for a replica of "
                f"{self.model}; add GPU nodes, lower gpus_per_replica, or drop `ray` to load "
                "the model in this process"
            )
        if self.wanted and self.wanted > fits:
            raise BadConfig(
                f"hf: replicas: {self.wanted} replicas of {self.gpus:g} GPU(s) each do not fit "
                f"the cluster's GPUs ({fits} do); lower replicas"
            )
        return self.wanted or fits

    def _start(self) -> None:
        """Start the replicas and wait until each has loaded the model (the lock is held).

        Raises:
            BadConfig: Ray is missing or unreachable, the GPUs do not fit, or a replica
                cannot load the model (its reason given).
        """
        ray = cluster.connect(self.address, "hf: ray")
        self._ray = ray
        try:
            count = self._fits(ray)
            actor = ray.remote(Replica).options(
                num_gpus=self.gpus,
                num_cpus=0,
                max_concurrency=self.concurrency,
                max_restarts=0,
            )
            self._actors = [
                actor.remote(self.provider, self.model, self.options) for _ in range(count)
            ]
            self._load = [0] * count
            try:
                self.placed = ray.get(
                    [replica.where.remote() for replica in self._actors],
                    timeout=_START_TIMEOUT_S,
                )
            except ray.exceptions.RayError as exc:
                raise BadConfig(
                    f"hf: ray: a replica of {self.model} did not start: {_first(exc)}"
                ) from None
        except BaseException:
            self._stop()
            raise

    def generate(self, request: GenerationRequest) -> Generation:
        """Answer `request` on the replica with the fewest requests in flight.

        Raises:
            BadConfig: the replicas cannot start.
            TransientProviderError: the replica was lost (the runner tries again elsewhere).
            ProviderError: generation failed, or the provider is closed.
        """
        with self._lock:
            if self._closed:
                raise ProviderError(f"hf: {self.model} is closed")
            if self._failed is not None:
                raise self._failed
            if not self._actors:
                try:
                    self._start()
                except BadConfig as exc:
                    self._failed = exc
                    raise
            live = [i for i, actor in enumerate(self._actors) if actor is not None]
            if not live:
                raise ProviderError(f"hf: ray: every replica of {self.model} was lost")
            index = min(live, key=lambda i: self._load[i])
            self._load[index] += 1
            replica = self._actors[index]
        ray = self._ray
        try:
            return ray.get(replica.generate.remote(request))  # type: ignore[no-any-return]
        except ray.exceptions.RayTaskError as exc:  # the replica's generate raised
            cause = getattr(exc, "cause", None)
            if isinstance(cause, ProviderError):
                raise ProviderError(str(cause)) from None
            raise ProviderError(f"hf: {self.model}: {_first(exc)}") from None
        except ray.exceptions.RayError as exc:
            with self._lock:
                if index < len(self._actors):
                    self._actors[index] = None
            raise TransientProviderError(
                f"hf: ray: replica {index} of {self.model} was lost: {_first(exc)}"
            ) from None
        finally:
            with self._lock:
                if index < len(self._load):
                    self._load[index] -= 1

    def _stop(self) -> None:
        for replica in self._actors:
            if replica is not None:
                try:
                    self._ray.kill(replica, no_restart=True)
                except Exception:  # noqa: S110 - already gone
                    pass
        self._actors = []
        if self._ray is not None:
            self._ray = None
            cluster.disconnect()

    def close(self) -> None:
        """Stop every replica (freeing its GPUs) and let go of the cluster."""
        with self._lock:
            self._closed = True
            self._stop()


def _first(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[-1][:300] if lines else ''}"
