"""strip_reasoning removes reasoning sections exactly as the regular expressions it replaced.

Those expressions (a lazy `<think>.*?</think>` tried at every opening tag) took time
quadratic in the number of opening tags that are never closed: 1 MB of "<think>" took
minutes. The one-pass version must give the same answer on every input.
"""

from __future__ import annotations

import random
import re

import pytest

from codeeval.extract.blocks import strip_reasoning

_REASONING = re.compile(r"<(think|thinking|reasoning)>.*?</\1\s*>", re.S | re.I)
_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.I)
_CLOSE = re.compile(r"</(think|thinking|reasoning)\s*>", re.I)


def _by_regex(text: str) -> tuple[str, bool]:
    stripped = _REASONING.sub("", text)
    closing = list(_CLOSE.finditer(stripped))
    if closing:
        stripped = stripped[closing[-1].end() :]
    opening = _OPEN.search(stripped)
    if opening:
        stripped = stripped[: opening.start()]
    return stripped, stripped != text


PIECES = [
    "<think>",
    "</think>",
    "<THINK>",
    "</Think >",
    "<thinking>",
    "</thinking>",
    "<reasoning>",
    "</reasoning\n>",
    "</think",
    "<think >",
    "<",
    ">",
    "/",
    "think",
    "code\n",
    "x",
    " ",
]


@pytest.mark.parametrize("seed", range(300))
def test_same_result_as_the_regular_expressions(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
    assert strip_reasoning(text) == _by_regex(text), text


def test_many_unclosed_tags_give_the_same_result() -> None:
    text = "<think>" * 2000 + "answer" + "</thinking>" * 3
    assert strip_reasoning(text) == _by_regex(text)
