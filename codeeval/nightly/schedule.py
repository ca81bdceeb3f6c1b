"""Ready-made schedules for the nightly: a GitHub Actions workflow, a crontab line, systemd units.

Each names the exact command it runs (`nightly_command`), so what a test runs is what the
schedule runs.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codeeval.config import RunDefinition

WORKFLOW_PATH = ".github/workflows/codeeval-nightly.yml"
# 02:30 UTC: after most teams' working day, before the next one.
DEFAULT_CRON = "30 2 * * *"


@dataclass(frozen=True, slots=True)
class ProviderNeeds:
    """What the night's models need on a CI machine: key variables and pip extras."""

    key_variables: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()


def provider_needs(definition: RunDefinition) -> ProviderNeeds:
    """The key variables and pip extras of the providers the definition's models use."""
    from codeeval.provider import describe_providers, split_model

    infos = {info.name: info for info in describe_providers(definition.endpoints)}
    keys: list[str] = []
    extras: list[str] = []
    for model in definition.models:
        info = infos.get(split_model(model)[0])
        if info is None:
            continue
        if info.api_key_env and info.hosted:
            keys.append(info.api_key_env)
        if info.extra:
            extras.append(info.extra)
    return ProviderNeeds(tuple(dict.fromkeys(keys)), tuple(dict.fromkeys(extras)))


def nightly_command(
    python: str = "python", db: str | None = None, config: str | None = None, out: str | None = None
) -> str:
    """`python -m codeeval nightly` with the database, config and report folder given."""
    words = [python, "-m", "codeeval", "nightly"]
    for flag, value in (("--db", db), ("--config", config), ("--out", out)):
        if value:
            words += [flag, value]
    return shlex.join(words)


def _yaml_string(text: str) -> str:
    """`text` as a double-quoted YAML scalar (JSON's escapes are YAML's)."""
    import json

    return json.dumps(text)


def github_workflow(
    needs: ProviderNeeds,
    *,
    cron: str = DEFAULT_CRON,
    install: str = "pip install codeeval",
    notify_env: str = "CODEEVAL_NOTIFY_URL",
) -> str:
    """A GitHub Actions workflow that runs the nightly and keeps its history between nights.

    The results database lives in `codeeval-results/` and is carried from night to night by
    actions/cache (restored from the newest earlier night, saved under this run's id even
    when the night is red); the reports are uploaded as an artifact; the job fails when the
    night is red (the command exits 1) or the run fails (exit 2).
    """
    command = nightly_command(db="codeeval-results/codeeval.db", out="codeeval-results/reports")
    env = [*needs.key_variables, notify_env]
    env_lines = "".join(
        f"          {name}: ${{{{ secrets.{name} }}}}\n" for name in dict.fromkeys(env)
    )
    return f"""\
# codeeval nightly: written by `python -m codeeval nightly --init github`.
# Add each secret below in Settings > Secrets and variables > Actions; {notify_env} (a
# Slack-compatible webhook) is optional. The matrix is [nightly] in codeeval.toml.
name: codeeval nightly
on:
  schedule:
    - cron: {_yaml_string(cron)}
  workflow_dispatch: {{}}
permissions:
  contents: read
concurrency:
  group: codeeval-nightly
  cancel-in-progress: false
jobs:
  nightly:
    runs-on: ubuntu-latest
    timeout-minutes: 360
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install codeeval
        run: {_yaml_string(install)}
      - name: Restore the results database (the history of earlier nights)
        uses: actions/cache/restore@v4
        with:
          path: codeeval-results/codeeval.db
          key: codeeval-nightly-${{{{ github.run_id }}}}
          restore-keys: codeeval-nightly-
      - name: Run the nightly
        run: {_yaml_string(command)}
        env:
{env_lines.rstrip()}
      - name: Save the results database
        if: always()
        uses: actions/cache/save@v4
        with:
          path: codeeval-results/codeeval.db
          key: codeeval-nightly-${{{{ github.run_id }}}}
      - name: Upload the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: codeeval-nightly-${{{{ github.run_id }}}}
          path: codeeval-results/reports
          if-no-files-found: warn
"""


def install_command(extras: Sequence[str]) -> str:
    """`pip install 'codeeval[a,b]'` for the extras the night's providers need."""
    return f"pip install 'codeeval[{','.join(extras)}]'" if extras else "pip install codeeval"


def crontab_line(command: str, workdir: str, log: str, *, cron: str = DEFAULT_CRON) -> str:
    """One crontab line: at `cron`, in `workdir`, run `command`, appending its output to `log`.

    The command's exit code is what cron mails about (1 on a red night).
    """
    return f"{cron} cd {shlex.quote(workdir)} && {command} >> {shlex.quote(log)} 2>&1"


def systemd_units(command: str, workdir: str, *, on_calendar: str = "*-*-* 02:30:00") -> str:
    """A systemd service and timer running `command` every night (journal keeps the output)."""
    return f"""\
# /etc/systemd/system/codeeval-nightly.service
[Unit]
Description=codeeval nightly comparison
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory={workdir}
# API keys and CODEEVAL_NOTIFY_URL: KEY=value lines, readable by root only (chmod 600).
EnvironmentFile=-/etc/codeeval/nightly.env
ExecStart=/bin/sh -c {shlex.quote(command)}

# /etc/systemd/system/codeeval-nightly.timer
[Unit]
Description=codeeval nightly comparison, every night

[Timer]
OnCalendar={on_calendar}
Persistent=true
RandomizedDelaySec=10min

[Install]
WantedBy=timers.target

# then: systemctl daemon-reload && systemctl enable --now codeeval-nightly.timer
"""
