"""`codeeval sandbox build-image`: the Docker executor's local image, built offline."""

from __future__ import annotations

from typing import Annotated

import typer

from codeeval.cli._app import app, stdout

sandbox_app = typer.Typer(help="Prepare the sandbox's executors.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("build-image")
def build_image(
    tag: Annotated[
        str | None,
        typer.Option("--tag", help="Image name (default: the one --executor docker uses)."),
    ] = None,
) -> None:
    """Build the image `--executor docker` runs, from this Python, with no registry."""
    from codeeval.sandbox._image import DEFAULT_IMAGE, build_image

    built = build_image(tag or DEFAULT_IMAGE)
    size_mb = built.size_bytes / 2**20
    hint = "" if built.tag == DEFAULT_IMAGE else f" (use it with --docker-image {built.tag})"
    stdout.print(
        f"built {built.tag}: python {built.python} and its standard library, "
        f"{built.files} files, {size_mb:.0f} MB{hint}",
        markup=False,
        soft_wrap=True,
    )
