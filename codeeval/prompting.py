"""Turns a task into the text sent to a model, for chat models and for plain completion."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from codeeval.types import GenerationRequest, Task

_COMPLETION_AS_CHAT = {
    "en": (
        "Complete the following Python function. Answer with one Python code block holding the "
        "whole function, its signature and any imports it needs included; use only the Python "
        "standard library.\n\n"
        "```python\n{prompt}\n```"
    ),
    "zh": (
        "请补全下面的 Python 函数。请只用一个 Python 代码块作答，给出完整的函数，"
        "包括函数签名及其所需的 import；只可使用 Python 标准库。\n\n```python\n{prompt}\n```"
    ),
}


def build_prompt(task: Task, lang: str, mode: Literal["chat", "completion"]) -> str:
    """The prompt for `task` in `lang`.

    An instruct task's prompt is sent as written. A completion-style task (HumanEval: a
    signature and docstring to continue) is sent raw to completion models, and wrapped for chat
    models in a template that asks for the whole function, so the extractor can keep it.
    """
    prompt = task.prompt(lang)
    if task.prompt_style == "completion" and mode == "chat":
        template = _COMPLETION_AS_CHAT.get(lang, _COMPLETION_AS_CHAT["en"])
        return template.format(prompt=prompt.rstrip())
    return prompt


def cache_key(model: str, request: GenerationRequest, endpoint: str = "") -> str:
    """The response-cache key: model, endpoint, prompt, every parameter and the sample index.

    Two requests with equal keys would be sent identically, so a stored answer can stand in.
    """
    material = {
        "model": model,
        "endpoint": endpoint,
        "prompt": request.prompt,
        "system": request.system,
        "temperature": request.temperature,
        "top_p": request.top_p,
        "max_tokens": request.max_tokens,
        "seed": request.seed,
        "stop": list(request.stop),
        "mode": request.mode,
        "sample_index": request.sample_index,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
