"""`codeeval`: run `python -m codeeval` in a subprocess in a scratch folder, as tests/cli does."""

from tests.cli.conftest import codeeval

__all__ = ["codeeval"]
