"""Facts about the machine a run grades on, stored with the run: they change its timings."""

from __future__ import annotations

import os
import platform
from typing import Any

from codeeval.store.owner import host_id


def machine_fingerprint() -> dict[str, Any]:
    """The platform, Python, CPU model and core count, and an anonymous host id.

    Time limits come from the reference's time on this machine, so two runs' timings compare
    only on the same kind of machine; this says which it was.
    """
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        # Tells machines apart without storing the host's name.
        "host": host_id(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            return next(
                (
                    line.split(":", 1)[1].strip()
                    for line in cpuinfo
                    if line.startswith("model name")
                ),
                platform.processor(),
            )
    except OSError:
        return platform.processor()
