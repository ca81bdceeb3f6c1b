"""The one connection a process has to a Ray cluster, shared by the Ray executor and hf/ replicas.

Ray allows one connection per process: the first user connects (to `address`, else to the
cluster `RAY_ADDRESS` or a local `ray start` names, else to a new local instance), later
users share it, and the last one to let go disconnects, but only from a connection it made:
a caller that connected before codeeval did keeps its connection. Ray is the optional `ray`
extra; without it every use says in one line how to install it.
"""

from __future__ import annotations

import importlib
import logging
import socket
import threading
from typing import Any

from codeeval.errors import BadConfig

INSTALL_HINT = 'pip install "codeeval[ray]"'
# A local instance started here holds little: jobs and results are small.
_LOCAL_OBJECT_STORE_BYTES = 256 << 20

_lock = threading.Lock()
_users = 0
_ours = False
_address: str | None = None


def import_ray(who: str) -> Any:
    """The `ray` module.

    Raises:
        BadConfig: Ray is not installed (the message says how to install it).
    """
    try:
        return importlib.import_module("ray")
    except ImportError:
        raise BadConfig(f"{who}: needs Ray, which is not installed; {INSTALL_HINT}") from None


def connect(address: str | None, who: str) -> Any:
    """Connect to the Ray cluster at `address` (once per process); return the `ray` module.

    Args:
        address: a cluster address (`HOST:6379`, `ray://HOST:10001`, `auto`), or None for
            `RAY_ADDRESS`, else the cluster `ray start` left on this machine, else a new
            local instance (stopped again by the last `disconnect`).
        who: how the caller is named in messages (`--executor ray`).

    Raises:
        BadConfig: Ray is missing, the cluster cannot be reached, or this process is already
            connected to another cluster.
    """
    global _users, _ours, _address
    ray = import_ray(who)
    with _lock:
        if ray.is_initialized():
            current = ray.get_runtime_context().gcs_address
            if address not in (None, "auto", _address, current):
                raise BadConfig(
                    f"{who}: --ray-address {address}: this process is already connected to the "
                    f"Ray cluster at {current}; use that address"
                )
        else:
            _ours, _address = _init(ray, address, who), address
        _users += 1
    return ray


def disconnect() -> None:
    """Let go of the connection; the last user disconnects, if codeeval made it."""
    global _users, _ours
    with _lock:
        _users = max(0, _users - 1)
        if _users or not _ours:
            return
        _ours = False
        ray = importlib.import_module("ray")
        if ray.is_initialized():
            ray.shutdown()


def _init(ray: Any, address: str | None, who: str) -> bool:
    """Connect, or start a local instance; True when this call made the connection."""
    quiet: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    try:
        if address is not None:
            silent = _unreachable(address)
            if silent is not None:  # ray.init would wait a minute or more before saying so
                raise BadConfig(
                    f"{who}: cannot connect to --ray-address {address}: nothing answers there "
                    f"({silent}); start a cluster with `ray start --head` and pass its address "
                    "(see docs/scaling.md)"
                )
            ray.init(address=address, **quiet)
            return True
        try:
            ray.init(address="auto", **quiet)
        except ConnectionError:  # no cluster to join: a local instance, as ray.init() does
            ray.init(
                address="local",
                include_dashboard=False,
                object_store_memory=_LOCAL_OBJECT_STORE_BYTES,
                **quiet,
            )
    except (ConnectionError, ValueError, RuntimeError, TimeoutError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        where = f"--ray-address {address}" if address else "a local Ray instance"
        if "auth" in type(exc.__cause__).__name__.lower():
            # Ray sends its token to an address it is given only when told to.
            raise BadConfig(
                f"{who}: {where} wants an authentication token: set RAY_AUTH_MODE=token, with "
                "the cluster's token in ~/.ray/auth_token or RAY_AUTH_TOKEN (see docs/scaling.md)"
            ) from None
        raise BadConfig(
            f"{who}: cannot connect to {where}: {first}; start a cluster with `ray start "
            "--head` and pass its address (see docs/scaling.md)"
        ) from None
    return True


def _unreachable(address: str, timeout_s: float = 5.0) -> str | None:
    """Why nothing accepts a connection at a `HOST:PORT` or `ray://HOST:PORT` address.

    None when something does, or when the address is not of that form (`auto`, `local`).
    """
    host, colon, port = address.removeprefix("ray://").rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit():
        return None
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s):
            return None
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__
