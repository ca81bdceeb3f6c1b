"""`python -m codeeval`: the command-line interface.

`python -m` puts the current folder first on the import path, so a folder there named
`codeeval` (a checkout of this repository, or any folder of that name) can be imported as a
namespace package in place of the installed one; with an editable install the CLI then half
works and fails later on a missing name. That case is caught here, before anything runs.
"""

import sys


def _shadowing_folder() -> str | None:
    """The folder imported as `codeeval` instead of the package, or None when all is well."""
    package = sys.modules.get((__spec__.parent if __spec__ else None) or "codeeval")
    if package is None or getattr(package, "__file__", None) is not None:
        return None
    return ", ".join(str(path) for path in getattr(package, "__path__", [])) or "?"


if __name__ == "__main__":
    shadow = _shadowing_folder()
    if shadow is not None:
        sys.stderr.write(
            f"error: the folder {shadow} shadows the installed codeeval (python -m imports "
            "from the current folder first); run from another folder, or use the codeeval "
            "command\n"
        )
        sys.exit(2)
    from codeeval.cli import main

    main()
