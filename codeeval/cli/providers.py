"""`codeeval providers`: what each provider needs and whether it is ready."""

from __future__ import annotations

import json
import sys

from codeeval.cli._app import (
    ConfigOption,
    JsonOption,
    app,
    load_settings,
    stdout,
)


@app.command()
def providers(json_output: JsonOption = False, config_file: ConfigOption = None) -> None:
    """List providers, their key variables and whether each is ready to use."""
    from dataclasses import asdict

    from rich.markup import escape
    from rich.table import Table

    from codeeval.provider import describe_providers

    infos = describe_providers(load_settings({}, config_file).definition.endpoints)
    if json_output:
        sys.stdout.write(json.dumps([asdict(info) for info in infos], indent=2) + "\n")
        return
    table = Table(title="providers", title_justify="left")
    for column in ("provider", "key variable", "ready", "note"):
        table.add_column(column)
    for info in infos:
        table.add_row(
            escape(info.name),
            escape(info.api_key_env or "—"),
            "yes" if info.ready else "no",
            escape(info.note),
        )
    stdout.print(table)
