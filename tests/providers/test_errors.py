"""One error mapping for every vendor: each way a call fails, through the real SDK clients.

Every case runs against each vendor's wire server in tests/servers/ (OpenAI and the
OpenAI-compatible providers on the OpenAI server, Anthropic, Gemini), with the provider built
as a run builds it (`create_provider`). Vendor-only behaviour (OpenAI's `retry-after-ms` and
`insufficient_quota`, Gemini's RetryInfo, Anthropic's 529) stays in each vendor's own file.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from codeeval.errors import ProviderError, RateLimited, TransientProviderError
from codeeval.provider import BaseProvider, create_provider
from codeeval.retry import RetryPolicy, call_with_retries
from codeeval.types import GenerationRequest
from tests.providers.conftest import FAKE_KEY, assert_no_secret
from tests.servers import anthropic_wire, gemini_wire, openai_wire
from tests.servers.base import (
    Action,
    Exchange,
    WireServer,
    closed_port,
    malformed_json,
    plain_error,
    reset_at_once,
    slow,
)

MakeRequest = Callable[..., GenerationRequest]


@dataclass(frozen=True)
class Vendor:
    """How to reach one provider's wire server and script each failure in its dialect."""

    name: str
    model: str
    key_env: str
    base_url_env: str
    url_path: str  # appended to the server's URL to make the base URL
    server: Callable[[], WireServer]
    answer: Callable[..., Action]  # chunks=, drop_after=, reset=, bad_chunk=
    error: Callable[[int, str], Action]  # an error body in the vendor's shape
    rate_limited: Callable[[str | None], Action]  # a 429 with this Retry-After header
    stream_error: Callable[[bool], Action]  # an error inside a 200 stream: transient or not
    wrong_shape: list[tuple[str | None, str]]  # stream events that are JSON, but not the API's


def _events(events: list[tuple[str | None, str]]) -> Action:
    def act(exchange: Exchange) -> None:
        exchange.sse(events)

    return act


def _openai(name: str, model: str, key_env: str, base_url_env: str) -> Vendor:
    return Vendor(
        name,
        model,
        key_env,
        base_url_env,
        "/v1",
        openai_wire.server,
        openai_wire.chat,
        lambda status, message: openai_wire.error(
            status, message, "server_error" if status >= 500 else "invalid_request_error"
        ),
        openai_wire.rate_limited,
        lambda transient: openai_wire.chat(
            stream_error="server_error" if transient else "invalid_request_error"
        ),
        [(None, json.dumps({"id": "x", "object": "chat.completion.chunk", "choices": None}))],
    )


def _anthropic_kind(status: int) -> str:
    kinds = {401: "authentication_error", 403: "permission_error", 404: "not_found_error"}
    return kinds.get(status, "api_error" if status >= 500 else "invalid_request_error")


def _grpc_status(status: int) -> str:
    statuses = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}
    statuses |= {404: "NOT_FOUND", 408: "DEADLINE_EXCEEDED", 409: "ABORTED"}
    return statuses.get(status, "UNAVAILABLE" if status >= 500 else "FAILED_PRECONDITION")


VENDORS = [
    _openai("openai", "gpt-4o", "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    _openai("deepseek", "deepseek-chat", "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL"),
    _openai("mistral", "codestral-latest", "MISTRAL_API_KEY", "MISTRAL_BASE_URL"),
    _openai("vllm", "Qwen/Qwen2.5-Coder-7B-Instruct", "VLLM_API_KEY", "VLLM_BASE_URL"),
    _openai("ollama", "qwen2.5-coder:7b", "OLLAMA_API_KEY", "OLLAMA_BASE_URL"),
    _openai(
        "openai-compatible", "coder", "OPENAI_COMPATIBLE_API_KEY", "OPENAI_COMPATIBLE_BASE_URL"
    ),
    Vendor(
        "anthropic",
        "claude-sonnet-4-6",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "",
        anthropic_wire.server,
        anthropic_wire.message,
        lambda status, message: anthropic_wire.error(status, _anthropic_kind(status), message),
        anthropic_wire.rate_limited,
        lambda transient: anthropic_wire.message(
            stream_error="overloaded_error" if transient else "invalid_request_error"
        ),
        [("message_start", json.dumps({"type": "message_start"}))],
    ),
    Vendor(
        "google",
        "gemini-2.5-flash",
        "GEMINI_API_KEY",
        "GOOGLE_GEMINI_BASE_URL",
        "",
        gemini_wire.server,
        gemini_wire.generate,
        lambda status, message: gemini_wire.error(status, _grpc_status(status), message),
        lambda retry_after: gemini_wire.rate_limited(None, retry_after=retry_after),
        lambda transient: gemini_wire.generate(
            stream_error=(503, "UNAVAILABLE") if transient else (400, "INVALID_ARGUMENT")
        ),
        [(None, json.dumps({"candidates": [{"content": {"parts": 5}, "finishReason": "STOP"}]}))],
    ),
]


@pytest.fixture(params=VENDORS, ids=lambda vendor: vendor.name)
def vendor(request: pytest.FixtureRequest) -> Vendor:
    chosen: Vendor = request.param
    return chosen


@pytest.fixture
def server(vendor: Vendor) -> Iterator[WireServer]:
    wire = vendor.server()
    yield wire
    wire.stop()


def _build(vendor: Vendor, base_url: str | None, **options: object) -> BaseProvider:
    configured = {"base_url": base_url, **options} if base_url else options
    return create_provider(f"{vendor.name}/{vendor.model}", {vendor.name: configured}, {})


@pytest.fixture
def provider(
    vendor: Vendor, server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BaseProvider]:
    monkeypatch.setenv(vendor.key_env, FAKE_KEY)
    made = _build(vendor, server.url + vendor.url_path)
    yield made
    made.close()


def _fail(provider: BaseProvider, request: GenerationRequest, where: str) -> ProviderError:
    """The error `generate` raises: one line, naming where it happened, without the key."""
    with pytest.raises(ProviderError) as caught:
        provider.generate(request)
    error = caught.value
    assert_no_secret(error)
    assert error.__cause__ is None and error.__context__ is None  # the SDK error holds the key
    assert "\n" not in str(error) and where in str(error), str(error)
    return error


def _host(server: WireServer) -> str:
    return server.url.removeprefix("http://")


# --- statuses -------------------------------------------------------------------------------


def test_429_with_retry_after_in_seconds_is_rate_limited(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    server.push(vendor.rate_limited("7"))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, RateLimited) and error.retry_after == 7.0
    assert "rate limited (HTTP 429)" in str(error)


def test_429_with_retry_after_as_an_http_date(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    server.push(vendor.rate_limited(email.utils.formatdate(time.time() + 30, usegmt=True)))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, RateLimited)
    assert error.retry_after is not None and 25 <= error.retry_after <= 31


def test_429_without_retry_after_leaves_the_wait_to_the_runner(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    server.push(vendor.rate_limited(None))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, RateLimited) and error.retry_after is None


@pytest.mark.parametrize("status", [408, 409, 500, 502, 503, 504, 529])
def test_timeouts_conflicts_and_server_errors_are_transient(
    server: WireServer,
    vendor: Vendor,
    provider: BaseProvider,
    make_request: MakeRequest,
    status: int,
) -> None:
    server.push(vendor.error(status, "please try again"))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, TransientProviderError), str(error)
    assert f"(HTTP {status})" in str(error) and "please try again" in str(error)


@pytest.mark.parametrize("status", [400, 404, 422])
def test_other_client_errors_are_permanent_and_say_why(
    server: WireServer,
    vendor: Vendor,
    provider: BaseProvider,
    make_request: MakeRequest,
    status: int,
) -> None:
    server.push(vendor.error(status, "max_tokens: must be at most 8192"))
    error = _fail(provider, make_request(), _host(server))
    assert type(error) is ProviderError, str(error)
    assert f"HTTP {status}" in str(error) and "max_tokens: must be at most 8192" in str(error)


@pytest.mark.parametrize("status", [401, 403])
def test_authentication_errors_name_the_key_variable_never_the_key(
    server: WireServer,
    vendor: Vendor,
    provider: BaseProvider,
    make_request: MakeRequest,
    status: int,
) -> None:
    server.push(vendor.error(status, f"Incorrect API key provided: {FAKE_KEY}"))
    error = _fail(provider, make_request(), _host(server))
    assert type(error) is ProviderError
    assert f"authentication failed (HTTP {status})" in str(error)
    assert vendor.key_env in str(error) and vendor.model in str(error)


def test_an_error_page_that_is_not_json_is_judged_by_its_status(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>"
    server.push(
        plain_error(502, page),
        plain_error(429, "<html>Too Many Requests</html>", {"retry-after": "3"}),
        plain_error(400, "<html>Bad Request</html>"),
    )
    where = _host(server)
    gateway = _fail(provider, make_request(), where)
    assert isinstance(gateway, TransientProviderError) and "(HTTP 502)" in str(gateway)
    limited = _fail(provider, make_request(), where)
    assert isinstance(limited, RateLimited) and limited.retry_after == 3.0
    assert type(_fail(provider, make_request(), where)) is ProviderError


def test_a_huge_error_body_gives_a_short_message(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    server.push(vendor.error(500, "overloaded\n" + "x" * 1_000_000))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, TransientProviderError) and "overloaded" in str(error)
    assert len(str(error)) < 600


# --- answers that cannot be read ------------------------------------------------------------


def test_a_malformed_json_body_is_transient(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    server.push(malformed_json)
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, TransientProviderError), str(error)


def test_a_malformed_stream_event_is_transient(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    server.push(vendor.answer(bad_chunk=True))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, TransientProviderError) and "malformed answer" in str(error)


def test_json_that_is_not_the_api_s_shape_is_a_malformed_answer_not_a_crash(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    server.push(_events(vendor.wrong_shape))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, TransientProviderError) and "malformed answer" in str(error)


@pytest.mark.parametrize("transient", [True, False], ids=["overloaded", "invalid"])
def test_an_error_inside_a_200_stream_is_judged_by_its_type(
    server: WireServer,
    vendor: Vendor,
    provider: BaseProvider,
    make_request: MakeRequest,
    transient: bool,
) -> None:
    server.push(vendor.stream_error(transient))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, TransientProviderError) is transient, str(error)


# --- connections ----------------------------------------------------------------------------


def test_a_refused_connection_names_the_url_and_its_variable(
    vendor: Vendor, monkeypatch: pytest.MonkeyPatch, make_request: MakeRequest
) -> None:
    monkeypatch.setenv(vendor.key_env, FAKE_KEY)
    port = closed_port()
    monkeypatch.setenv(vendor.base_url_env, f"http://127.0.0.1:{port}{vendor.url_path}")
    provider = _build(vendor, None)
    error = _fail(provider, make_request(), f"127.0.0.1:{port}{vendor.url_path}")
    provider.close()
    assert isinstance(error, TransientProviderError)
    assert "connection failed" in str(error) and vendor.base_url_env in str(error)


@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
def test_a_connection_lost_in_the_middle_of_the_stream_is_transient(
    server: WireServer,
    vendor: Vendor,
    provider: BaseProvider,
    make_request: MakeRequest,
    reset: bool,
) -> None:
    server.push(vendor.answer(chunks=6, drop_after=3, reset=reset))
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, TransientProviderError) and "connection lost" in str(error)


def test_a_connection_reset_before_the_answer_is_transient(
    server: WireServer, vendor: Vendor, provider: BaseProvider, make_request: MakeRequest
) -> None:
    server.push(reset_at_once)
    error = _fail(provider, make_request(), _host(server))
    assert isinstance(error, TransientProviderError) and "connection lost" in str(error)


def test_a_slow_answer_times_out_as_transient(
    server: WireServer,
    vendor: Vendor,
    monkeypatch: pytest.MonkeyPatch,
    make_request: MakeRequest,
) -> None:
    monkeypatch.setenv(vendor.key_env, FAKE_KEY)
    provider = _build(vendor, server.url + vendor.url_path, timeout_s=0.3)
    server.push(slow(5.0, vendor.answer()))
    started = time.monotonic()
    error = _fail(provider, make_request(), _host(server))
    provider.close()
    assert isinstance(error, TransientProviderError)
    assert "no answer within 0.3s (timeout_s)" in str(error)
    assert time.monotonic() - started < 3


# --- with the runner's retries --------------------------------------------------------------


def test_retries_honour_retry_after_then_succeed_without_logging_the_key(
    server: WireServer,
    vendor: Vendor,
    provider: BaseProvider,
    make_request: MakeRequest,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    server.push(vendor.rate_limited("2"), vendor.error(503, "overloaded"))
    slept: list[float] = []
    generation, attempts = call_with_retries(
        lambda: provider.generate(make_request()), RetryPolicy(base_delay_s=0.01), slept.append
    )
    assert (attempts, len(server.requests)) == (3, 3)
    assert slept[0] == 2.0 and slept[1] <= 0.02
    assert generation.text == "def double(x):\n    return 2 * x\n"
    assert debug_logs.records and FAKE_KEY not in debug_logs.text
