"""Time extract_code on degenerate answers against an ordinary one, measured in this run.

Models stuck in a loop repeat a line thousands of times; extraction must stay fast on such
answers (windowed parsing keeps them near-linear; one took a minute before it). 1 MB of
unclosed `<think>` tags took minutes and 1 MB of short code runs in prose 35 s before
reasoning tags were matched in one pass and each run stopped rescanning the rest.
"""

from __future__ import annotations

import time

from codeeval.extract import extract_code

F = "```"
ORDINARY = (
    "Here is a quicksort:\n\n"
    f"{F}python\ndef quicksort(items):\n    if len(items) < 2:\n        return list(items)\n"
    "    pivot, rest = items[0], items[1:]\n"
    "    return (quicksort([x for x in rest if x < pivot]) + [pivot]\n"
    f"            + quicksort([x for x in rest if x >= pivot]))\n{F}\n\n"
    "It runs in O(n log n) time on average.\n"
)
DEGENERATE = {
    "repeated broken import (2000 lines)": "import x y\n" * 2000,
    "repeated broken def (3000 lines)": "def (\n" * 3000,
    "repeated prose and code (3000 lines)": "Here:\n"
    + "import os\nos.path\nThe answer is\n" * 1000,
    "unclosed reasoning tags (1 MB)": "<think>" * 150_000,
    "short code runs in prose (1 MB)": "Here:\nimport os\nos.path\nThe answer is\n" * 25_000,
    "long code among prose (4000 lines)": "Intro.\n"
    + "\n".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(1000))
    + "\nThat is all.\n",
}


def seconds(text: str, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        extract_code(text, "quicksort")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ordinary = seconds(ORDINARY, 200)
    print(f"ordinary answer: {ordinary * 1e3:.2f} ms")
    for name, text in DEGENERATE.items():
        took = seconds(text, 3)
        print(f"{name}: {took * 1e3:.0f} ms ({took / ordinary:.0f}x the ordinary answer)")


if __name__ == "__main__":
    main()
