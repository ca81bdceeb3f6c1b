"""OpenAI's wire format: Chat Completions, Completions and Responses, JSON and SSE streams.

Shapes follow the API reference and the `openai` SDK's parser: stream chunks are
`chat.completion.chunk` objects, the usage chunk (with `stream_options.include_usage`) has
empty `choices`, and the stream ends with `data: [DONE]`.
"""

from __future__ import annotations

import json
from typing import Any

from tests.servers.base import Action, Exchange, WireServer, split_text

CREATED = 1_700_000_000


def _usage(usage: tuple[int, int]) -> dict[str, int]:
    return {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}


def chat(
    text: str = "def double(x):\n    return 2 * x\n",
    finish_reason: str = "stop",
    usage: tuple[int, int] = (21, 9),
    model: str | None = None,
    chunks: int = 4,
    delay_s: float = 0.0,
    drop_after: int | None = None,
    reasoning: str | None = None,
    bad_chunk: bool = False,
    reset: bool = False,
    stream_error: str | None = None,
    usage_with_finish: bool = False,
) -> Action:
    """Answer a Chat Completions request, streamed when the request asks for it.

    `stream_error=TYPE` sends an error object of that type in the middle of the stream, as
    OpenAI-compatible servers report a failure after the 200. `usage_with_finish=True` puts the
    usage in the chunk that finishes, unasked, as Mistral does.
    """

    def act(ex: Exchange) -> None:
        served = model or ex.body.get("model", "unknown")
        if not ex.body.get("stream"):
            message = {"role": "assistant", "content": text, "refusal": None}
            if reasoning:
                message["reasoning_content"] = reasoning
            ex.json(
                200,
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": CREATED,
                    "model": served,
                    "system_fingerprint": "fp_test",
                    "choices": [
                        {
                            "index": 0,
                            "message": message,
                            "logprobs": None,
                            "finish_reason": finish_reason,
                        }
                    ],
                    "usage": _usage(usage),
                },
            )
            return
        base = {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": served,
            "system_fingerprint": "fp_test",
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            return json.dumps({**base, "choices": [choice]})

        events = [(None, chunk({"role": "assistant", "content": ""}))]
        if reasoning:
            events.append((None, chunk({"reasoning_content": reasoning})))
        events += [(None, chunk({"content": piece})) for piece in split_text(text, chunks)]
        if bad_chunk:
            events.append((None, '{"id": "chatcmpl-test", "choices": [{"delta": '))
        if stream_error:
            failure = {"message": "The stream failed", "type": stream_error, "code": None}
            events.append((None, json.dumps({"error": failure})))
        if usage_with_finish:
            last = json.loads(chunk({}, finish_reason))
            events.append((None, json.dumps({**last, "usage": _usage(usage)})))
        else:
            events.append((None, chunk({}, finish_reason)))
        if (ex.body.get("stream_options") or {}).get("include_usage"):
            events.append((None, json.dumps({**base, "choices": [], "usage": _usage(usage)})))
        events.append((None, "[DONE]"))
        ex.sse(events, delay_s=delay_s, drop_after=drop_after, reset=reset)

    return act


def completion(
    text: str = "    return 2 * x\n",
    finish_reason: str = "stop",
    usage: tuple[int, int] = (12, 6),
    chunks: int = 3,
) -> Action:
    """Answer a legacy Completions request (`/v1/completions`)."""

    def act(ex: Exchange) -> None:
        base = {
            "id": "cmpl-test",
            "object": "text_completion",
            "created": CREATED,
            "model": ex.body.get("model", "unknown"),
        }
        if not ex.body.get("stream"):
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": finish_reason}
            ex.json(200, {**base, "choices": [choice], "usage": _usage(usage)})
            return

        def chunk(piece: str, finish: str | None = None) -> str:
            choice = {"index": 0, "text": piece, "logprobs": None, "finish_reason": finish}
            return json.dumps({**base, "choices": [choice]})

        events = [(None, chunk(piece)) for piece in split_text(text, chunks)]
        events.append((None, chunk("", finish_reason)))
        if (ex.body.get("stream_options") or {}).get("include_usage"):
            events.append((None, json.dumps({**base, "choices": [], "usage": _usage(usage)})))
        events.append((None, "[DONE]"))
        ex.sse(events)

    return act


def responses(
    text: str = "def double(x):\n    return 2 * x\n",
    status: str = "completed",
    incomplete_reason: str | None = None,
    usage: tuple[int, int] = (30, 12),
    chunks: int = 3,
) -> Action:
    """Answer a Responses API request (`/v1/responses`), streamed as typed events."""

    def response(ex: Exchange, final: bool) -> dict[str, Any]:
        content = [{"type": "output_text", "text": text, "annotations": []}]
        output = (
            [
                {
                    "type": "message",
                    "id": "msg_test",
                    "status": "completed",
                    "role": "assistant",
                    "content": content,
                }
            ]
            if final
            else []
        )
        body: dict[str, Any] = {
            "id": "resp_test",
            "object": "response",
            "created_at": CREATED,
            "model": ex.body.get("model", "unknown"),
            "status": status if final else "in_progress",
            "output": output,
            "incomplete_details": {"reason": incomplete_reason} if incomplete_reason else None,
            "error": None,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "instructions": ex.body.get("instructions"),
        }
        if final:
            body["usage"] = {
                "input_tokens": usage[0],
                "output_tokens": usage[1],
                "total_tokens": sum(usage),
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens_details": {"reasoning_tokens": 0},
            }
        return body

    def act(ex: Exchange) -> None:
        if not ex.body.get("stream"):
            ex.json(200, response(ex, final=True))
            return
        seq = iter(range(1000))

        def event(kind: str, **fields: Any) -> tuple[str, str]:
            return kind, json.dumps({"type": kind, "sequence_number": next(seq), **fields})

        events = [event("response.created", response=response(ex, final=False))]
        events += [
            event(
                "response.output_text.delta",
                item_id="msg_test",
                output_index=0,
                content_index=0,
                delta=piece,
                logprobs=[],
            )
            for piece in split_text(text, chunks)
        ]
        events.append(
            event(
                "response.output_text.done",
                item_id="msg_test",
                output_index=0,
                content_index=0,
                text=text,
                logprobs=[],
            )
        )
        final = "response.completed" if status == "completed" else "response.incomplete"
        events.append(event(final, response=response(ex, final=True)))
        ex.sse(events)

    return act


def error(
    status: int,
    message: str = "error",
    kind: str = "invalid_request_error",
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> Action:
    """An OpenAI error body with `status`."""

    def act(ex: Exchange) -> None:
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
        ex.json(status, body, headers)

    return act


def rate_limited(retry_after: str | None = "1", header: str = "retry-after") -> Action:
    """429 with a Retry-After header (seconds or an HTTP date)."""
    headers = {header: retry_after} if retry_after is not None else {}
    return error(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded", headers)


def routes(ex: Exchange) -> None:
    """The default: a normal answer on whichever endpoint was called."""
    if ex.request.path.endswith("/completions") and "/chat/" not in ex.request.path:
        completion()(ex)
    elif ex.request.path.endswith("/responses"):
        responses()(ex)
    else:
        chat()(ex)


def server() -> WireServer:
    """A started OpenAI-compatible server answering every endpoint normally by default."""
    return WireServer(routes).start()
