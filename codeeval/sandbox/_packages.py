"""Installed packages that programs may import (`--sandbox-package`), found on the host.

The grader resolves each name to its folder (and any `<name>.libs` of vendored libraries
beside it); the zygote mounts them read-only into the minimal root (see `_rootfs`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable
from typing import Any

from codeeval.errors import BadConfig
from codeeval.sandbox._rootfs import ANSWER_PACKAGES, GRADER_PACKAGES


def resolve_packages(names: Iterable[str]) -> list[dict[str, Any]]:
    """Where each installed package of `names` lies: its folder and vendored libraries.

    Each entry: `name`, `site` (the site-packages folder that holds it, for the child's
    sys.path) and `dirs` (the package's folder, then any `<name>.libs` beside it).

    Raises:
        BadConfig: a name that is not an installed, regular, top-level package.
    """
    found: list[dict[str, Any]] = []
    for name in dict.fromkeys(names):
        flag = f"--sandbox-package {name}"
        if not name.isidentifier():
            raise BadConfig(f"{flag}: give a top-level import name, like numpy")
        if name in sys.stdlib_module_names:
            raise BadConfig(f"{flag}: in the standard library, which programs import anyway")
        if name in {p.split(".")[0] for p in GRADER_PACKAGES + ANSWER_PACKAGES}:
            raise BadConfig(f"{flag}: refused; it holds the grader's code or a benchmark's answers")
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError) as exc:
            raise BadConfig(f"{flag}: cannot be located: {exc}") from None
        if spec is None:
            raise BadConfig(f"{flag}: not installed for {sys.executable}")
        locations = list(spec.submodule_search_locations or [])
        if not locations:
            raise BadConfig(f"{flag}: a single module ({spec.origin}), not a package folder")
        if spec.origin in (None, "namespace") or len(locations) != 1:
            raise BadConfig(f"{flag}: a namespace package ({', '.join(locations)}); not supported")
        folder = os.path.realpath(locations[0])
        site = os.path.dirname(folder)
        if os.path.basename(site) not in ("site-packages", "dist-packages"):
            raise BadConfig(
                f"{flag}: {folder} is not in a site-packages or dist-packages folder "
                "(only installed packages can be exposed, not source trees or editable installs)"
            )
        dirs = [folder]
        for vendored in sorted({f"{n}.libs" for n in _distribution_names(name)}):
            path = os.path.join(site, vendored)
            if os.path.isdir(path) and path not in dirs:
                dirs.append(os.path.realpath(path))
        found.append({"name": name, "site": site, "dirs": dirs})
    return found


def _distribution_names(name: str) -> set[str]:
    """`name` and the names of the distributions that install it (auditwheel's `.libs`)."""
    import importlib.metadata

    names = {name}
    for dist in importlib.metadata.packages_distributions().get(name, []):
        names.update({dist, dist.lower(), dist.replace("-", "_"), dist.lower().replace("-", "_")})
    return names
