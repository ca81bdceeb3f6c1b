"""Writes a new task folder from a template: complete, valid and sound, for the user to edit.

`python -m codeeval tasks new NAME` calls `scaffold_task`; the folder it writes passes
`python -m codeeval tasks check ./NAME` as it stands (the template task sums the even numbers
of a list), so every file shows its format by example.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

from codeeval.errors import BadTaskFile

_NAME = re.compile(r"[a-z][a-z0-9_]*")

_FILES: dict[str, str] = {
    "task.toml": """\
# The task's metadata; docs/tasks.md describes every key.
title = "$title"
entry_point = "$name"
signature = "def $name(values: list[int]) -> int"
# The topic first (sorting, data_structures, graphs, dp, strings, math, everyday), then any others.
tags = ["everyday"]
# The optimal time complexity, in terms of the `size` that inputs.py's generate() receives.
time_complexity = "O(n)"

[differential]
count = 30
seed = 20240601
sizes = [0, 1, 2, 5, 10, 100, 1000]

[complexity]
sizes = [10000, 20000, 40000, 80000, 160000]
""",
    "prompt.en.md": """\
Write a Python function with this signature:

```python
def $name(values: list[int]) -> int:
```

It returns the sum of the even numbers in `values`, or `0` when there is none. `values` may be
empty and holds at most 1,000,000 integers between -10^9 and 10^9; the running time must be
O(n).

Answer with one Python code block holding the function and any helpers it needs; use only
the Python standard library.
""",
    "prompt.zh.md": """\
请编写一个具有如下签名的 Python 函数：

```python
def $name(values: list[int]) -> int:
```

它返回 `values` 中所有偶数之和；如果没有偶数，则返回 `0`。`values` 可能为空，最多含有 1,000,000 个
-10^9 到 10^9 之间的整数；运行时间必须是 O(n)。

请只用一个 Python 代码块作答，其中包含该函数及其所需的辅助函数；只可使用 Python 标准库。
""",
    "solution.py": '''\
"""Reference solution: one pass over the values."""


def $name(values: list[int]) -> int:
    """Return the sum of the even numbers in values."""
    total = 0
    for value in values:
        if value % 2 == 0:
            total += value
    return total
''',
    "tests.py": '''\
"""Hand-written edge cases for $name; `candidate` is the sandboxed function.

Write the expected values by hand; do not compute them with the reference solution.
"""


def test_empty(candidate):
    assert candidate([]) == 0


def test_no_even_number(candidate):
    assert candidate([1, 3, -5]) == 0


def test_mixed(candidate):
    assert candidate([1, 2, 3, 4]) == 6


def test_first_value_counts(candidate):
    assert candidate([10, 1]) == 10


def test_negative_even_numbers(candidate):
    assert candidate([-4, -3, 0]) == -4


def test_large(candidate):
    assert candidate(list(range(1_000_000))) == 249_999_500_000
''',
    "inputs.py": '''\
"""Input generator: `size` integers in [-size, size]; generate() returns the argument tuple."""


def generate(size, rng):
    return ([rng.randint(-size, size) for _ in range(size)],)
''',
    "mutants/odd_numbers.py": '''\
# Mutant: sums the odd numbers instead of the even ones
"""Reference solution: one pass over the values."""


def $name(values: list[int]) -> int:
    """Return the sum of the even numbers in values."""
    total = 0
    for value in values:
        if value % 2 == 1:
            total += value
    return total
''',
    "mutants/skips_first.py": '''\
# Mutant: the first value is skipped (off by one)
"""Reference solution: one pass over the values."""


def $name(values: list[int]) -> int:
    """Return the sum of the even numbers in values."""
    total = 0
    for value in values[1:]:
        if value % 2 == 0:
            total += value
    return total
''',
    "mutants/counts.py": '''\
# Mutant: counts the even numbers instead of adding them
"""Reference solution: one pass over the values."""


def $name(values: list[int]) -> int:
    """Return the sum of the even numbers in values."""
    total = 0
    for value in values:
        if value % 2 == 0:
            total += 1
    return total
''',
}


def scaffold_task(name: str, root: Path) -> Path:
    """Write the template task `root/name` and return its folder.

    Raises:
        BadTaskFile: `name` is not a lowercase Python identifier, or the folder already exists.
    """
    folder = root / name
    if not _NAME.fullmatch(name) or keyword.iskeyword(name):
        raise BadTaskFile(
            f"{folder}: a task name must be a lowercase Python identifier such as "
            "'sum_of_evens' (it is also the function's name)"
        )
    if folder.exists():
        raise BadTaskFile(f"{folder}: already exists; choose another name or remove it")
    title = name.replace("_", " ").capitalize()
    for relative, text in _FILES.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(name=name, title=title), encoding="utf-8")
    return folder
