"""comment_coverage: lines with a comment or docstring over non-blank lines."""

from __future__ import annotations

import pytest

from codeeval.scoring import comment_coverage


def test_counts_whole_line_inline_and_docstring_lines() -> None:
    code = (
        '"""Module.\n'  # 1 docstring
        "\n"  # 2 blank, inside the docstring: not counted at all
        'More."""\n'  # 3 docstring
        "\n"  # 4 blank
        "def f(x):  # inline\n"  # 5 inline comment
        "    # why\n"  # 6 comment
        "    y = x + 1\n"  # 7 code
        "    return y\n"  # 8 code
    )
    # Non-blank: 1, 3, 5, 6, 7, 8 (6 lines); documented: 1, 3, 5, 6 (4 lines).
    assert comment_coverage(code) == pytest.approx(4 / 6)


def test_function_and_class_docstrings_count_but_other_strings_do_not() -> None:
    code = (
        "class K:\n"
        '    """Doc of K."""\n'
        "    def m(self):\n"
        "        '''Doc of m,\n"
        "        two lines.'''\n"
        "        text = '''not a\n"
        "        docstring'''\n"
        "        return text\n"
    )
    # Documented: 2, 4, 5 of 8 non-blank lines.
    assert comment_coverage(code) == pytest.approx(3 / 8)


def test_pragmas_shebang_and_empty_comments_document_nothing() -> None:
    code = (
        "#!/usr/bin/env python3\n"
        "# -*- coding: utf-8 -*-\n"
        "import os  # noqa: F401\n"
        "x = 1  # type: int\n"
        "#\n"
        "y = 2  # pragma: no cover\n"
        "z = 3  # the real reason\n"
    )
    assert comment_coverage(code) == pytest.approx(1 / 7)


def test_no_comments_is_zero_and_all_comments_is_one() -> None:
    assert comment_coverage("def f(x):\n    return x\n") == 0.0
    assert comment_coverage("# only a note\n\n# and another\n") == 1.0


def test_comment_markers_inside_strings_are_not_comments() -> None:
    assert comment_coverage("x = '# not a comment'\ny = \"#\"\n") == 0.0


def test_crlf_and_cr_line_endings_count_the_same_lines() -> None:
    code = "def f(x):\n    # why\n    return x\n"
    expected = comment_coverage(code)
    assert comment_coverage(code.replace("\n", "\r\n")) == expected == pytest.approx(1 / 3)


def test_none_when_blank_or_not_parsing() -> None:
    assert comment_coverage("") is None
    assert comment_coverage("  \n\n") is None
    assert comment_coverage("def f(:\n    # x\n") is None


@pytest.mark.parametrize(
    "code",
    [
        "import os  # inline\n# whole line\n\ndef f(x):\n    # inside\n    return x  # another\n",
        "x = 1\n\n\n# a\n# b\ny = [\n    1,  # one\n    2,\n]\n",
    ],
)
def test_agrees_with_radon_raw_on_code_without_docstrings(code: str) -> None:
    from radon.raw import analyze

    raw = analyze(code)
    assert comment_coverage(code) == pytest.approx(raw.comments / (raw.loc - raw.blank))
