"""Gemini's wire format: `models/{model}:generateContent` and `:streamGenerateContent?alt=sse`.

Each streamed chunk is a whole GenerateContentResponse (`data: {...}` then a blank line); the
last one carries `finishReason`. Errors are `{"error": {"code", "message", "status",
"details"}}`, and a 429 may say how long to wait in a `google.rpc.RetryInfo` detail.
"""

from __future__ import annotations

import json
from typing import Any

from tests.servers.base import Action, Exchange, WireServer, split_text


def _model_of(ex: Exchange) -> str:
    return ex.request.path.rsplit("/", 1)[-1].split(":", 1)[0]


def generate(
    text: str = "def double(x):\n    return 2 * x\n",
    finish_reason: str = "STOP",
    usage: tuple[int, int] = (17, 8),
    chunks: int = 4,
    delay_s: float = 0.0,
    drop_after: int | None = None,
    bad_chunk: bool = False,
    reset: bool = False,
    stream_error: tuple[int, str] | None = None,
) -> Action:
    """Answer generateContent, or streamGenerateContent as SSE.

    `stream_error=(code, status)` sends an error object after the first chunk, as the API
    reports a failure after the 200.
    """

    def response(ex: Exchange, piece: str, finish: str | None, final: bool) -> dict[str, Any]:
        candidate: dict[str, Any] = {
            "content": {"parts": [{"text": piece}], "role": "model"},
            "index": 0,
        }
        if finish:
            candidate["finishReason"] = finish
        body: dict[str, Any] = {
            "candidates": [candidate],
            "modelVersion": _model_of(ex),
            "responseId": "resp-test",
        }
        body["usageMetadata"] = {"promptTokenCount": usage[0], "totalTokenCount": sum(usage)}
        if final:
            body["usageMetadata"]["candidatesTokenCount"] = usage[1]
        return body

    def act(ex: Exchange) -> None:
        if ":streamGenerateContent" not in ex.request.path:
            ex.json(200, response(ex, text, finish_reason, final=True))
            return
        pieces = split_text(text, chunks)
        events = [
            (None, json.dumps(response(ex, piece, finish_reason if last else None, last)))
            for index, piece in enumerate(pieces)
            for last in [index == len(pieces) - 1]
        ]
        if bad_chunk:
            events.insert(1, (None, '{"candidates": [{"content": '))
        if stream_error:
            code, status = stream_error
            failure = {"code": code, "message": "The stream failed", "status": status}
            events.insert(1, (None, json.dumps({"error": failure})))
        ex.sse(events, delay_s=delay_s, drop_after=drop_after, reset=reset)

    return act


def error(
    status: int,
    grpc_status: str,
    message: str = "error",
    retry_delay: str | None = None,
    headers: dict[str, str] | None = None,
) -> Action:
    """A Google API error body."""

    def act(ex: Exchange) -> None:
        details = []
        if retry_delay is not None:
            details.append(
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
            )
        body = {
            "error": {"code": status, "message": message, "status": grpc_status, "details": details}
        }
        ex.json(status, body, headers)

    return act


def rate_limited(retry_delay: str | None = "7s", retry_after: str | None = None) -> Action:
    """429 RESOURCE_EXHAUSTED, with RetryInfo and/or a Retry-After header."""
    headers = {"retry-after": retry_after} if retry_after else None
    return error(
        429,
        "RESOURCE_EXHAUSTED",
        "Resource has been exhausted (e.g. check quota).",
        retry_delay,
        headers,
    )


def server() -> WireServer:
    """A started Gemini API server answering normally by default."""
    return WireServer(generate()).start()
