"""The night's verdict posted to a webhook (Slack-compatible JSON), with bounded retries.

A webhook URL is a secret (a Slack incoming webhook's path is its key): it is never printed,
logged or stored; messages show `masked_url` (scheme and host only). A webhook that cannot be
reached is a warning, never the night's verdict.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from codeeval.report import ReportData

_RETRIED = frozenset({408, 425, 429, 500, 502, 503, 504})
_MAX_RETRY_AFTER_S = 30.0


@dataclass(frozen=True, slots=True)
class Delivery:
    """What posting did: whether it arrived, after how many tries, and what went wrong."""

    delivered: bool
    attempts: int
    problem: str | None = None


def masked_url(url: str) -> str:
    """`https://hooks.slack.com/…`: the scheme and host, never the path that holds the key."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme or '?'}://{host}{port}/…"


def _escaped(text: str) -> str:
    """Text Slack shows as it is: `<!channel>` or `<url|label>` in a model's error is not markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(data: ReportData, open_hint: Callable[..., str] | None = None) -> dict[str, str]:
    """The verdict and regressions as a Slack-compatible message: `{"text": ...}`.

    Every line is escaped as Slack asks (`&`, `<`, `>`), so that nothing a model or a server
    wrote (an error message, a task name) can mention a channel or forge a link.
    """
    verdict = data.verdict
    if verdict is None:
        return {"text": f"codeeval run {data.run.id}: no verdict"}
    lines = [
        f"{'RED' if verdict.red else 'green'}: codeeval nightly, run {data.run.id} "
        f"({', '.join(data.run.models)})",
        verdict.summary,
    ]
    lines += [f"• {problem.kind}: {problem.message}" for problem in verdict.problems[:20]]
    if len(verdict.problems) > 20:
        lines.append(f"… and {len(verdict.problems) - 20} more")
    if open_hint is not None and data.comparison is not None:
        for flip in data.comparison.flips[:5]:
            if flip.after == "fail" and flip.sample is not None:
                lines.append(
                    f"open {flip.model} on {flip.task_id}: "
                    + open_hint(*flip.show_args(data.run.id))
                )
    return {"text": "\n".join(_escaped(line) for line in lines)}


def post(
    url: str,
    message: dict[str, str],
    *,
    attempts: int = 4,
    backoff_s: float = 1.0,
    timeout_s: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST `message` as JSON to `url`, retrying 429, 5xx and connection failures.

    Waits `backoff_s`, then twice as long each time (a `Retry-After` header, up to 30 s,
    instead when given). A 4xx other than 408, 425 and 429 is not retried.

    Returns:
        The delivery; never raises for a network or HTTP failure.
    """
    httpx = _http_client()
    problem = None
    for attempt in range(1, attempts + 1):
        wait = backoff_s * 2 ** (attempt - 1)
        try:
            response = httpx.post(url, json=message, timeout=timeout_s)
        except httpx.HTTPError as exc:
            problem = _without(url, f"{type(exc).__name__}: {exc}")
        else:
            if response.is_success:
                return Delivery(True, attempt)
            problem = f"HTTP {response.status_code}"
            if response.status_code not in _RETRIED:
                return Delivery(False, attempt, problem)
            wait = _retry_after(response.headers.get("retry-after"), wait)
        if attempt < attempts:
            sleep(wait)
    return Delivery(False, attempts, problem)


def _http_client() -> Any:
    """The HTTP client the vendor SDKs install: httpx2 (openai 3), else httpx (same API)."""
    import importlib

    try:
        return importlib.import_module("httpx2")
    except ImportError:
        return importlib.import_module("httpx")


def _retry_after(value: str | None, default: float) -> float:
    try:
        return min(_MAX_RETRY_AFTER_S, max(0.0, float(value))) if value else default
    except ValueError:
        return default


def _without(url: str, text: str) -> str:
    """`text` with the URL (and its path) cut out, should an error message quote them."""
    text = text.replace(url, masked_url(url))
    path = urlsplit(url).path
    if len(path) > 1:
        text = text.replace(path, "/…")
    return text
