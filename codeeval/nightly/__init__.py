"""The nightly comparison: run the matrix, pick the baseline, decide red or green, tell people.

- `settings`: `NightlyPolicy` (matrix name, thresholds, outage share, baseline) and
  `load_nightly_settings` (`[nightly]` over `[run]` in codeeval.toml).
- `run`: `run_nightly` (the night, on `codeeval.evaluate`) and `judge` (a stored run judged).
- `verdict`: what makes a night red: regressions, outages, failing references.
- `summary`: the night in Markdown, appended to `GITHUB_STEP_SUMMARY`.
- `notify`: the verdict posted to a Slack-compatible webhook, with retries.
- `schedule`: a GitHub Actions workflow, a crontab line and systemd units that run it.
"""

from codeeval.nightly.run import Judgement, NightlyResult, judge, run_nightly
from codeeval.nightly.settings import NightlyPolicy, load_nightly_settings
from codeeval.nightly.verdict import decide

__all__ = [
    "Judgement",
    "NightlyPolicy",
    "NightlyResult",
    "decide",
    "judge",
    "load_nightly_settings",
    "run_nightly",
]
