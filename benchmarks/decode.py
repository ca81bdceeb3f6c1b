"""Decoding cost of hostile replies on the trusted side, per MB, against a plain list of ints.

    python benchmarks/decode.py [--mb 4]

Each payload is what a program can forge on the reply pipe at little cost to itself; the
grader decodes it as `ChildSession` does (`_decoding.DECODING.decode`). Every ratio should
stay near 1-10 whatever `--mb` is: a ratio that grows with the size is superlinear work.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from codeeval.sandbox._decoding import DECODING

P = 2**61 - 1  # hash(k * P) == 0 for every int k


def _tag(tag: str, body: bytes) -> bytes:
    return b'{"#":"%s","v":[%s]}' % (tag.encode(), body)


def _count(size: int, each: int) -> int:
    return max(1, size // each)


PAYLOADS: dict[str, Callable[[int], bytes]] = {
    "plain list of ints (the peer)": lambda size: (
        b"[%s]" % b",".join(b"%d" % i for i in range(_count(size, 8)))
    ),
    "set of ints sharing one hash": lambda size: _tag(
        "s", b",".join(b"%d" % (k * P) for k in range(1, _count(size, 22)))
    ),
    "dict keys sharing one hash": lambda size: _tag(
        "d", b",".join(b"[%d,0]" % (k * P) for k in range(1, _count(size, 26)))
    ),
    "set of tuples sharing one hash": lambda size: _tag(
        "s", b",".join(_tag("t", b"%d" % (k * P)) for k in range(1, _count(size, 40)))
    ),
    "Fractions of 8-kbit parts": lambda size: (
        b"[%s]"
        % b",".join(
            _tag(
                "q",
                b'{"#":"i","v":"%x"},{"#":"i","v":"%x"}'
                % (random.getrandbits(8_000) | 1, random.getrandbits(8_000) | 1),
            )
            for _ in range(_count(size, 4_050))
        )
    ),
    "one Fraction of two huge ints": lambda size: _tag(
        "q",
        b'{"#":"i","v":"%x"},{"#":"i","v":"%x"}'
        % (random.getrandbits(size * 2) | 1, random.getrandbits(size * 2) | 1),
    ),
    "4,299-digit decimal ints": lambda size: (
        b"[%s]" % b",".join([b"7" * 4299] * _count(size, 4300))
    ),
    "one huge hex int": lambda size: b'{"#":"i","v":"%x"}' % random.getrandbits(size * 4),
    "empty lists": lambda size: b"[%s[]]" % (b"[]," * _count(size, 3)),
    "nested lists": lambda size: b"[%s]" % b",".join([b"[[],[[]]]"] * _count(size, 10)),
    "deeply nested (refused)": lambda size: b"[" * (size // 2) + b"]" * (size // 2),
}


def _seconds(payload: bytes) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        DECODING.decode(payload)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="payload size (default 4 MB)")
    args = parser.parse_args()
    size = int(args.mb * 2**20)
    random.seed(1)
    peer = None
    print(f"{'payload':34} {'MB':>6} {'ms':>9} {'ms/MB':>8} {'x peer':>7}")
    for name, make in PAYLOADS.items():
        payload = make(size)
        seconds = _seconds(payload)
        per_mb = seconds * 1000 / (len(payload) / 2**20)
        peer = peer or per_mb
        print(
            f"{name:34} {len(payload) / 2**20:6.2f} {seconds * 1000:9.1f} "
            f"{per_mb:8.1f} {per_mb / peer:7.2f}"
        )


if __name__ == "__main__":
    main()
