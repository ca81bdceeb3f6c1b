"""The webhook: a Slack-compatible JSON post with bounded retries, against a loopback server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from codeeval.nightly.notify import masked_url, post, slack_message
from tests.servers.base import Exchange, WireServer, closed_port, plain_error


def _ok(exchange: Exchange) -> None:
    exchange.raw(200, b"ok", "text/plain")


def test_a_500_is_retried_then_the_message_arrives() -> None:
    waits: list[float] = []
    with WireServer(_ok) as server:
        server.push(plain_error(500, "busy"))
        delivery = post(
            f"{server.url}/services/T000/B000/secret",
            {"text": "hi"},
            backoff_s=0.5,
            sleep=waits.append,
        )
        bodies = [request.body for request in server.requests]
    assert (delivery.delivered, delivery.attempts, delivery.problem) == (True, 2, None)
    assert waits == [0.5]
    assert bodies == [{"text": "hi"}, {"text": "hi"}]


def test_retry_after_is_honoured_and_backoff_doubles() -> None:
    waits: list[float] = []
    with WireServer(plain_error(503, "down")) as server:
        server.push(plain_error(429, "slow down", {"Retry-After": "3"}))
        delivery = post(f"{server.url}/hook", {"text": "x"}, attempts=3, sleep=waits.append)
    assert (delivery.delivered, delivery.attempts, delivery.problem) == (False, 3, "HTTP 503")
    assert waits == [3.0, 2.0]


def test_a_client_error_is_not_retried() -> None:
    with WireServer(plain_error(404, "no such hook")) as server:
        delivery = post(f"{server.url}/hook", {"text": "x"}, sleep=lambda _: None)
        assert len(server.requests) == 1
    assert (delivery.delivered, delivery.problem) == (False, "HTTP 404")


def test_a_dead_endpoint_fails_after_the_bounded_tries_without_the_url() -> None:
    url = f"http://127.0.0.1:{closed_port()}/services/T000/B000/XXXXSECRET"
    delivery = post(url, {"text": "x"}, attempts=3, sleep=lambda _: None)
    assert (delivery.delivered, delivery.attempts) == (False, 3)
    assert delivery.problem is not None and "ConnectError" in delivery.problem
    assert "XXXXSECRET" not in delivery.problem


def test_the_masked_url_keeps_scheme_and_host_only() -> None:
    assert masked_url("https://hooks.slack.com/services/T0/B0/abc") == "https://hooks.slack.com/…"
    assert masked_url("http://user:pw@127.0.0.1:8080/x?token=y") == "http://127.0.0.1:8080/…"


def test_nightly_posts_its_verdict_and_never_prints_the_url(
    codeeval: Callable[..., CompletedProcess[str]], tmp_path: Path
) -> None:
    (tmp_path / "codeeval.toml").write_text(
        '[nightly]\ntasks = ["quicksort"]\nmodels = ["reference"]\nformats = ["json"]\n'
        'notify_env = "TEAM_WEBHOOK"\nnotify_backoff_s = 0.01\n'
    )
    with WireServer(_ok) as server:
        server.push(plain_error(500, "busy"))
        url = f"{server.url}/services/T000/B000/XXXXSECRET"
        night = codeeval("nightly", env={"TEAM_WEBHOOK": url})
        posted = [request.body for request in server.requests]
    assert night.returncode == 0, night.stderr
    assert f"notified {server.url}/… (attempt 2)" in night.stderr
    assert "XXXXSECRET" not in night.stdout + night.stderr
    assert len(posted) == 2
    text = posted[1]["text"]
    assert text.startswith("green: codeeval nightly, run 1 (reference)\n")
    assert "no earlier run of this matrix: this night becomes the baseline" in text
    report = (tmp_path / "codeeval-results" / "run-1" / "report.json").read_text()
    database = (tmp_path / "codeeval-results" / "codeeval.db").read_bytes()
    assert "XXXXSECRET" not in report and b"XXXXSECRET" not in database

    dead = f"http://127.0.0.1:{closed_port()}/hooks/XXXXSECRET"
    night = codeeval("nightly", "--notify", dead)
    assert night.returncode == 0, night.stderr  # the webhook never changes the verdict
    assert "warning: could not notify http://127.0.0.1:" in night.stderr
    assert "after 4 attempt(s)" in night.stderr and "the night's verdict stands" in night.stderr
    assert "XXXXSECRET" not in night.stdout + night.stderr
    assert (
        json.loads((tmp_path / "codeeval-results" / "run-2" / "report.json").read_text())[
            "verdict"
        ]["red"]
        is False
    )


def test_the_slack_message_escapes_what_models_and_servers_wrote() -> None:
    from codeeval.report import Problem, Verdict, build_report
    from tests.report.test_build import P, _run

    data = build_report(_run(1, {("a", "m"): [P]}))
    data.verdict = Verdict(
        red=True,
        problems=[Problem(kind="outage", model="m", message="m: <!channel> <http://x|click> & co")],
        summary="1 outage",
    )
    text = slack_message(data)["text"]
    assert "&lt;!channel&gt; &lt;http://x|click&gt; &amp; co" in text
    assert "<" not in text and ">" not in text
