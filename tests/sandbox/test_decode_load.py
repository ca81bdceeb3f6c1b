"""Replies that are costly to decode change no other sample's verdict.

The trusted side decodes every reply in the grader's process, where all workers share one
interpreter lock. A program can forge a reply that is cheap for it to write and costly to
decode (a set whose members share one hash value, a Fraction of two huge integers, many
megabytes of small items). Such a job runs here beside correct samples graded by the other
worker; every correct verdict must hold, in each executor (local, then Docker).
"""

from __future__ import annotations

from codeeval.sandbox import Executor
from codeeval.sandbox.docker import DockerExecutor
from codeeval.types import ExecJob, ExecLimits, Status

# The program replaces the harness's reply to each call with `forged(seq)`.
FORGER = (
    "import random, sys\n"
    "harness = sys.modules['codeeval.sandbox._child']\n"
    "{make}\n"
    "harness._call = lambda function, seq, args, kwargs: b'[\"ok\",%d,' % seq + PAYLOAD + b']'\n"
    "def f(x):\n    return 2 * x\n"
)
HOSTILE = {
    # 40,000 ints that all hash to 0: ~0.9 MB, quadratic to put in a set (seconds).
    "colliding_set": (
        "P = 2**61 - 1\n"
        "PAYLOAD = b'{\"#\":\"s\",\"v\":[' + b','.join(b'%d' % (k * P) for k in range(1, 40_000))"
        " + b']}'"
    ),
    # The same as dict keys.
    "colliding_dict": (
        "P = 2**61 - 1\n"
        'PAYLOAD = b\'{"#":"d","v":[\''
        " + b','.join(b'[%d,0]' % (k * P) for k in range(1, 40_000)) + b']}'"
    ),
    # A Fraction of two 2-Mbit integers: reducing it takes the gcd (seconds).
    "huge_fraction": (
        "r = random.Random(1)\n"
        "a, b = r.getrandbits(1 << 21) | 1, r.getrandbits(1 << 21) | 1\n"
        'PAYLOAD = b\'{"#":"q","v":[\''
        ' + b\'{"#":"i","v":"%x"},{"#":"i","v":"%x"}]}\' % (a, b)'
    ),
    # 12 MB of empty lists: linear, but each reply holds the interpreter lock for ~0.5 s
    # (its objects then cost as much again to the garbage collector's passes).
    "many_items": "PAYLOAD = b'[' + b'[],' * (4 << 20) + b'[]]'",
    "many_items_again": "PAYLOAD = b'[' + b'[],' * (4 << 20) + b'[]]'",
}
HOSTILE_TESTS = (
    "def test_many(candidate):\n    for x in range(40):\n        candidate(x)\n    assert False\n"
)
# A correct program whose test makes many round trips, all timed against one 0.5 s limit
# (and a wall-clock cap of 1.5 s).
CORRECT = "def f(x):\n    return 2 * x\n"
CORRECT_TESTS = (
    "def test_doubles(candidate):\n    for x in range(200):\n        assert candidate(x) == 2 * x\n"
)


def test_replies_costly_to_decode_change_no_other_verdict(sandbox: Executor) -> None:
    assert getattr(sandbox, "workers", 0) >= 2
    # Enough correct samples to keep the other worker busy while each hostile one runs (a
    # container costs ~0.2 s to start, a forked child ~1 ms).
    correct = 8 if isinstance(sandbox, DockerExecutor) else 30
    jobs: list[ExecJob] = []
    for name, make in HOSTILE.items():
        jobs.append(
            ExecJob(
                id=f"hostile-{name}",
                code=FORGER.format(make=make),
                entry_point="f",
                tests=HOSTILE_TESTS,
                limits=ExecLimits(time_limit_s=1.0, memory_mb=1024),
            )
        )
        jobs += [
            ExecJob(
                id=f"correct-{name}-{i}",
                code=CORRECT,
                entry_point="f",
                tests=CORRECT_TESTS,
                limits=ExecLimits(time_limit_s=0.5, memory_mb=256),
            )
            for i in range(correct)
        ]
    results = {result.job_id: result for result in sandbox.run(jobs)}
    flipped = {
        job_id: f"{result.status}: {result.message}"
        for job_id, result in results.items()
        if job_id.startswith("correct-") and result.status is not Status.PASSED
    }
    assert flipped == {}, flipped
    for name in HOSTILE:
        hostile = results[f"hostile-{name}"]
        assert hostile.status in (Status.FAILED, Status.TIMEOUT), (name, hostile.message)
