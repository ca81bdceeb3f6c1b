"""A small sound task, as files, that the `tasks check` tests copy and break."""

SOUND_TASK = {
    "task.toml": (
        'entry_point = "largest"\ntags = ["math"]\ntime_complexity = "O(n)"\n\n'
        "[limits]\nmin_time_limit_s = 0.5\n\n"
        "[differential]\ncount = 12\nseed = 7\nsizes = [1, 2, 3, 10]\n\n"
        "[complexity]\nsizes = [100, 200, 400, 800]\n"
    ),
    "prompt.en.md": "Write largest(values) returning the largest of 1+ integers.",
    "solution.py": (
        "def largest(values):\n"
        "    best = values[0]\n"
        "    for value in values[1:]:\n"
        "        if value > best:\n"
        "            best = value\n"
        "    return best\n"
    ),
    "tests.py": (
        "def test_single(candidate):\n    assert candidate([4]) == 4\n\n\n"
        "def test_negative(candidate):\n    assert candidate([-3, -1, -2]) == -1\n"
    ),
    "inputs.py": (
        "def generate(size, rng):\n"
        "    return ([rng.randint(-size, size) for _ in range(max(1, size))],)\n"
    ),
    # Caught by the hand-written tests.
    "mutants/smallest.py": (
        "# Mutant: returns the smallest value\ndef largest(values):\n    return min(values)\n"
    ),
    # Not caught by test_single or test_negative: only the differential tests see it.
    "mutants/skips_last.py": (
        "# Mutant: the last value is never compared\n"
        "def largest(values):\n"
        "    best = values[0]\n"
        "    for value in values[1:-1]:\n"
        "        if value > best:\n"
        "            best = value\n"
        "    return best\n"
    ),
    "mutants/first_value.py": (
        "# Mutant: returns the first value\ndef largest(values):\n    return values[0]\n"
    ),
}
