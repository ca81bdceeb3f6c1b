"""A scripted HTTP/1.1 server on 127.0.0.1 that records every request it answers.

Each request is answered by the next scripted action (`server.push(...)`), or by the default
action once the script is used up. Actions write real HTTP: JSON bodies, chunked SSE streams,
delays, and connections dropped in the middle of a stream.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    raw_body: bytes = b""
    received_at: float = field(default_factory=time.monotonic)


class Exchange:
    """One request being answered: what was asked, and how to write the answer."""

    def __init__(self, handler: BaseHTTPRequestHandler, request: Recorded, stop: threading.Event):
        self.handler = handler
        self.request = request
        self._stop = stop

    @property
    def body(self) -> dict[str, Any]:
        return self.request.body if isinstance(self.request.body, dict) else {}

    def sleep(self, seconds: float) -> None:
        """Wait, but wake up at once when the server shuts down."""
        self._stop.wait(seconds)

    def raw(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        h = self.handler
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()

    def json(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        self.raw(status, json.dumps(body).encode(), "application/json", headers)

    def start_stream(
        self,
        status: int = 200,
        content_type: str = "text/event-stream",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        h = self.handler
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Cache-Control", "no-cache")
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.flush()

    def chunk(self, data: bytes) -> None:
        if data:
            self.handler.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))
            self.handler.wfile.flush()

    def end_stream(self) -> None:
        self.handler.wfile.write(b"0\r\n\r\n")
        self.handler.wfile.flush()

    def drop(self) -> None:
        """Close the connection without finishing the response."""
        self.handler.close_connection = True
        self.handler.wfile.flush()
        self.handler.connection.shutdown(2)

    def reset(self) -> None:
        """Abort the connection with a TCP reset (RST), as a crashed proxy does."""
        self.handler.close_connection = True
        self.handler.wfile.flush()
        linger = struct.pack("ii", 1, 0)  # on, 0 s: close() sends RST, not FIN
        self.handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.handler.connection.close()

    def sse(
        self,
        events: Iterable[tuple[str | None, str]],
        delay_s: float = 0.0,
        drop_after: int | None = None,
        headers: Mapping[str, str] | None = None,
        reset: bool = False,
    ) -> None:
        """Stream `(event, data)` pairs as server-sent events, `delay_s` before each one.

        `drop_after=n` closes the connection after n events, without ending the stream (with
        `reset=True`, by a TCP reset instead of an orderly close).
        """
        self.start_stream(headers=headers)
        for index, (event, data) in enumerate(events):
            if drop_after is not None and index == drop_after:
                self.reset() if reset else self.drop()
                return
            if delay_s:
                self.sleep(delay_s)
            head = f"event: {event}\n" if event else ""
            self.chunk(f"{head}data: {data}\n\n".encode())
        self.end_stream()


Action = Callable[[Exchange], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        parts = urlsplit(self.path)
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw_body=raw,
        )
        self.server.wire.answer(Exchange(self, recorded, self.server.wire.stopping))

    do_POST = do_GET = _answer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test output clean


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    wire: WireServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-answer (timeout and disconnect tests) is expected


class WireServer:
    """A scripted server on 127.0.0.1; use as a context manager or call start/stop."""

    def __init__(self, default: Action, record: bool = True) -> None:
        self.default = default
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self._script: list[Action] = []
        self._lock = threading.Lock()
        self._record = record
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.wire = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def push(self, *actions: Action) -> WireServer:
        """Answer the next requests with `actions`, in order, before the default."""
        with self._lock:
            self._script.extend(actions)
        return self

    def answer(self, exchange: Exchange) -> None:
        with self._lock:
            if self._record:
                self.requests.append(exchange.request)
            action = self._script.pop(0) if self._script else self.default
        try:
            action(exchange)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client went away (a timeout test): nothing to answer

    def start(self) -> WireServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> WireServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- actions every protocol shares --------------------------------------------------------


def malformed_json(exchange: Exchange) -> None:
    """A 200 whose JSON body is cut off."""
    exchange.raw(200, b'{"id": "x", "choices": [', "application/json")


def reset_at_once(exchange: Exchange) -> None:
    """Reset the connection before any byte of the answer."""
    exchange.reset()


def plain_error(status: int, text: str, headers: Mapping[str, str] | None = None) -> Action:
    """`status` with a body that is not the vendor's JSON (an HTML page from a proxy, say)."""

    def act(exchange: Exchange) -> None:
        exchange.raw(status, text.encode(), "text/html; charset=utf-8", headers)

    return act


def slow(delay_s: float, then: Action) -> Action:
    """Wait `delay_s` before answering with `then`."""

    def act(exchange: Exchange) -> None:
        exchange.sleep(delay_s)
        then(exchange)

    return act


def split_text(text: str, pieces: int) -> list[str]:
    """`text` in `pieces` consecutive parts of near-equal length (none empty unless text is)."""
    pieces = max(1, min(pieces, len(text))) if text else 1
    size, extra = divmod(len(text), pieces)
    out, start = [], 0
    for index in range(pieces):
        end = start + size + (1 if index < extra else 0)
        out.append(text[start:end])
        start = end
    return out


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for unreachable-server tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
