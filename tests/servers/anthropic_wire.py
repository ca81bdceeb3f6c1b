"""Anthropic's Messages wire format: JSON messages and the typed SSE event stream.

A stream is `message_start`, per block `content_block_start` / `content_block_delta` /
`content_block_stop`, then `message_delta` (stop reason, output tokens) and `message_stop`,
with `ping` events anywhere and `error` events for failures inside a 200 stream.
"""

from __future__ import annotations

import json
from typing import Any

from tests.servers.base import Action, Exchange, WireServer, split_text


def _event(kind: str, **fields: Any) -> tuple[str, str]:
    return kind, json.dumps({"type": kind, **fields})


def message(
    text: str = "def double(x):\n    return 2 * x\n",
    stop_reason: str = "end_turn",
    usage: tuple[int, int] = (25, 11),
    chunks: int = 4,
    delay_s: float = 0.0,
    drop_after: int | None = None,
    thinking: str | None = None,
    stream_error: str | None = None,
    bad_chunk: bool = False,
    reset: bool = False,
) -> Action:
    """Answer a Messages request, streamed when the request asks for it."""

    def act(ex: Exchange) -> None:
        model = ex.body.get("model", "unknown")
        base = {"id": "msg_test", "type": "message", "role": "assistant", "model": model}
        if not ex.body.get("stream"):
            content = [{"type": "text", "text": text}]
            ex.json(
                200,
                {
                    **base,
                    "content": content,
                    "stop_reason": stop_reason,
                    "stop_sequence": None,
                    "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
                },
            )
            return
        start = {
            **base,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": usage[0], "output_tokens": 1},
        }
        events = [_event("message_start", message=start), _event("ping")]
        index = 0
        if thinking:
            events += [
                _event(
                    "content_block_start",
                    index=0,
                    content_block={"type": "thinking", "thinking": "", "signature": ""},
                ),
                _event(
                    "content_block_delta",
                    index=0,
                    delta={"type": "thinking_delta", "thinking": thinking},
                ),
                _event(
                    "content_block_delta",
                    index=0,
                    delta={"type": "signature_delta", "signature": "sig"},
                ),
                _event("content_block_stop", index=0),
            ]
            index = 1
        events.append(
            _event("content_block_start", index=index, content_block={"type": "text", "text": ""})
        )
        events += [
            _event("content_block_delta", index=index, delta={"type": "text_delta", "text": p})
            for p in split_text(text, chunks)
        ]
        if bad_chunk:
            events.append(("content_block_delta", '{"type": "content_block_delta", "index": '))
        if stream_error:
            events.append(_event("error", error={"type": stream_error, "message": "Overloaded"}))
        events.append(_event("content_block_stop", index=index))
        events.append(
            _event(
                "message_delta",
                delta={"stop_reason": stop_reason, "stop_sequence": None},
                usage={"output_tokens": usage[1]},
            )
        )
        events.append(_event("message_stop"))
        ex.sse(events, delay_s=delay_s, drop_after=drop_after, reset=reset)

    return act


def error(
    status: int,
    kind: str = "invalid_request_error",
    message: str = "error",
    headers: dict[str, str] | None = None,
) -> Action:
    """An Anthropic error body."""

    def act(ex: Exchange) -> None:
        body = {
            "type": "error",
            "error": {"type": kind, "message": message},
            "request_id": "req_test",
        }
        ex.json(status, body, headers)

    return act


def rate_limited(retry_after: str | None = "1") -> Action:
    """429 rate_limit_error with Retry-After."""
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return error(
        429, "rate_limit_error", "Number of request tokens has exceeded your rate limit", headers
    )


def server() -> WireServer:
    """A started Messages server answering normally by default."""
    return WireServer(message()).start()
