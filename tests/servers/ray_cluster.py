"""A real Ray cluster on this machine for the tests: a head that runs no job, two worker nodes.

Started with Ray's own cluster utilities (each node is a raylet with its own worker processes,
as on separate machines), modest in memory (80 MB object store per node, the least Ray takes)
and in CPUs (one per worker node). Each worker node also declares one logical GPU, so that
placing `hf/` replicas can be tested without one. `start_unisolated_node()` adds a node whose
processes may create no user namespace (`ray start` under `unshare --user` with
`max_user_namespaces` set to 0), as on a kernel that forbids them. `shutdown()` stops every
process the cluster started; the session fixture calls it whatever the tests did.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

OBJECT_STORE_BYTES = 80 << 20
_NODE_START_S = 60.0


@dataclass
class RayTestCluster:
    """The running cluster; `address` is the head's, for `--ray-address`."""

    cluster: Any
    address: str
    workers: list[Any] = field(default_factory=list)
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @classmethod
    def start(cls, worker_nodes: int = 2) -> RayTestCluster:
        """A head with no CPU (so no job runs on it) and `worker_nodes` one-CPU nodes."""
        from ray.cluster_utils import Cluster

        cluster = Cluster(
            initialize_head=True,
            head_node_args={
                "num_cpus": 0,
                "object_store_memory": OBJECT_STORE_BYTES,
                "include_dashboard": False,
            },
        )
        started = cls(cluster, cluster.address)
        try:
            for _ in range(worker_nodes):
                started.add_node()
        except BaseException:
            started.shutdown()
            raise
        return started

    def add_node(self) -> Any:
        """One more worker node (one CPU, one logical GPU); returned for `remove_node`."""
        node = self.cluster.add_node(
            num_cpus=1, num_gpus=1, object_store_memory=OBJECT_STORE_BYTES, wait=True
        )
        self.workers.append(node)
        return node

    def remove_node(self, node: Any) -> None:
        """Kill a worker node's raylet and every process on it, as when a machine is lost."""
        self.workers.remove(node)
        self.cluster.remove_node(node, allow_graceful=False)

    def node_ids(self) -> set[str]:
        """The IDs of the worker nodes started by `add_node`."""
        return {node.node_id for node in self.workers}

    def start_unisolated_node(self) -> str:
        """A one-CPU node whose processes cannot create user namespaces; returns its node ID.

        Raises:
            RuntimeError: the node did not join the cluster.
        """
        import ray

        ray_bin = shutil.which("ray", path=os.path.dirname(sys.executable)) or "ray"
        before = {n["NodeID"] for n in ray.nodes() if n["Alive"]}
        command = (
            "echo 0 > /proc/sys/user/max_user_namespaces && exec "
            f"{ray_bin} start --address={self.address} --num-cpus=1 "
            f"--object-store-memory={OBJECT_STORE_BYTES} --disable-usage-stats --block"
        )
        process = subprocess.Popen(
            ["unshare", "--user", "--map-root-user", "sh", "-c", command],
            start_new_session=True,  # its own process group, all killed by `shutdown`
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._processes.append(process)
        deadline = time.monotonic() + _NODE_START_S
        while time.monotonic() < deadline:
            new = {n["NodeID"] for n in ray.nodes() if n["Alive"]} - before
            if new:
                return new.pop()
            if process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("the node without user namespaces did not join the cluster")

    def stop_unisolated_nodes(self) -> None:
        """Stop the nodes `start_unisolated_node` started."""
        for process in self._processes:
            _stop_group(process)
        self._processes.clear()

    def shutdown(self) -> None:
        """Stop every node and process of the cluster (the test process's driver first)."""
        with contextlib.suppress(Exception):
            import ray

            if ray.is_initialized():
                ray.shutdown()
        self.stop_unisolated_nodes()
        self.cluster.shutdown()


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """`ray start --block` drains and stops its node on SIGTERM; anything left is killed."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
