"""The reference set of `benchmarks/complexity.py`: implementations with known growth classes.

Each case is a function `f` (its source), an input generator `generate(size, rng)` (the
source of a task folder's `inputs.py`), the sizes to time it at (`[complexity] sizes`), and
its true class in terms of `size`. `CASES` cover O(1) to O(2^n): fast paths, C-level builtins,
large constants, the hidden costs of slicing and string building, recursive and iterative
searches. `MEMORY_BOUND` are O(n) cases whose data (a million distinct objects) outgrows the
CPU caches, so that their time per element grows with n on real hardware: they show a limit
of any timing estimator and are reported apart. Written for this benchmark, not taken from
any other set.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One implementation: its name, true class, code, input generator and sizes."""

    name: str
    truth: str
    code: str
    generate: str
    sizes: tuple[int, ...]


def _ladder(low: int, high: int, steps: int) -> tuple[int, ...]:
    ratio = (high / low) ** (1 / (steps - 1))
    return tuple(sorted({round(low * ratio**i) for i in range(steps)}))


WIDE = _ladder(100, 1_000_000, 9)  # 100, 316, 1000, ... 1e6
MID = _ladder(100, 100_000, 7)
QUADRATIC = _ladder(50, 3200, 7)
CUBIC = _ladder(8, 128, 5)
EXPONENTIAL = tuple(range(8, 25, 2))

INTS = """
def generate(size, rng):
    return ([rng.randint(-size, size) for _ in range(max(1, size))],)
"""
SORTED_AND_TARGET = """
def generate(size, rng):
    items = sorted(rng.randint(0, 4 * size) for _ in range(max(1, size)))
    return (items, rng.randint(0, 4 * size))
"""
SIZE_ITSELF = """
def generate(size, rng):
    return (max(1, size) + rng.randint(0, 1),)
"""
WORDS = """
def generate(size, rng):
    letters = "abcdefgh"
    return (["".join(rng.choice(letters) for _ in range(3)) for _ in range(max(1, size))],)
"""
TEXT = """
def generate(size, rng):
    return ("".join(rng.choice("abcdefgh") for _ in range(max(1, size))),)
"""
DIGITS = """
def generate(size, rng):
    return ([rng.randint(0, 99) for _ in range(max(1, size))],)
"""
LETTERS = """
def generate(size, rng):
    return ([rng.choice("abcdefgh") for _ in range(max(1, size))],)
"""

CASES: tuple[Case, ...] = (
    # -- O(1) --------------------------------------------------------------------------------
    Case("first_item", "O(1)", "def f(a):\n    return a[0]\n", INTS, WIDE),
    Case("length", "O(1)", "def f(a):\n    return len(a)\n", INTS, WIDE),
    Case("ends", "O(1)", "def f(a):\n    return a[-1] - a[0] + a[len(a) // 2]\n", INTS, WIDE),
    Case(
        "set_member",
        "O(1)",
        "def f(s, x):\n    return x in s\n",
        """
def generate(size, rng):
    return (set(rng.sample(range(4 * size + 4), max(1, size))), rng.randint(0, 4 * size))
""",
        WIDE,
    ),
    Case(
        "dict_lookup",
        "O(1)",
        "def f(d, k):\n    return d.get(k, -1)\n",
        """
def generate(size, rng):
    n = max(1, size)
    return ({i: rng.randint(0, 9) for i in range(n)}, rng.randrange(2 * n))
""",
        WIDE,
    ),
    Case(
        "large_constant",
        "O(1)",
        "def f(a):\n    t = 0\n    for i in range(3000):\n"
        "        t += a[i % 5] * i\n    return t\n",
        """
def generate(size, rng):
    return ([rng.randint(0, 9) for _ in range(max(5, size))],)
""",
        WIDE,
    ),
    Case(
        "fast_path",
        "O(1)",
        "def f(a):\n    if len(a) >= 3:\n        return a[0] + a[1] + a[2]\n    return sum(a)\n",
        INTS,
        WIDE,
    ),
    # -- O(log n) ----------------------------------------------------------------------------
    Case(
        "bisect_builtin",
        "O(log n)",
        "import bisect\n\n\ndef f(a, x):\n    return bisect.bisect_left(a, x)\n",
        SORTED_AND_TARGET,
        WIDE,
    ),
    Case(
        "binary_search_iterative",
        "O(log n)",
        """
def f(a, x):
    low, high = 0, len(a)
    while low < high:
        middle = (low + high) // 2
        if a[middle] < x:
            low = middle + 1
        else:
            high = middle
    return low
""",
        SORTED_AND_TARGET,
        WIDE,
    ),
    Case(
        "binary_search_recursive",
        "O(log n)",
        """
def f(a, x, low=0, high=None):
    if high is None:
        high = len(a)
    if low >= high:
        return low
    middle = (low + high) // 2
    if a[middle] < x:
        return f(a, x, middle + 1, high)
    return f(a, x, low, middle)
""",
        SORTED_AND_TARGET,
        WIDE,
    ),
    Case(
        "halvings",
        "O(log n)",
        "def f(n):\n    count = 0\n    while n > 1:\n        n //= 2\n"
        "        count += 1\n    return count\n",
        SIZE_ITSELF,
        WIDE,
    ),
    Case(
        "power_by_squaring",
        "O(log n)",
        """
def f(e):
    result, base, mod = 1, 3, 1_000_000_007
    while e:
        if e & 1:
            result = result * base % mod
        base = base * base % mod
        e >>= 1
    return result
""",
        SIZE_ITSELF,
        WIDE,
    ),
    Case(
        "tree_search",
        "O(log n)",
        """
def f(tree, key):
    node = tree
    while node is not None:
        value, left, right = node
        if key == value:
            return True
        node = left if key < value else right
    return False
""",
        """
def generate(size, rng):
    def build(low, high):
        if low > high:
            return None
        middle = (low + high) // 2
        return (2 * middle, build(low, middle - 1), build(middle + 1, high))
    n = max(1, size)
    return (build(0, n - 1), 2 * rng.randrange(n) + rng.randint(0, 1))
""",
        _ladder(100, 300_000, 8),
    ),
    # -- O(sqrt n) ---------------------------------------------------------------------------
    Case(
        "trial_division",
        "O(sqrt n)",
        """
def f(n):
    if n < 2:
        return False
    d = 2
    while d * d <= n:
        if n % d == 0:
            return False
        d += 1
    return True
""",
        """
def generate(size, rng):
    n = max(2, size)
    while any(n % d == 0 for d in range(2, int(n ** 0.5) + 1)):
        n += 1
    return (n,)
""",
        WIDE,
    ),
    Case(
        "isqrt_linear",
        "O(sqrt n)",
        "def f(n):\n    r = 0\n    while (r + 1) * (r + 1) <= n:\n        r += 1\n    return r\n",
        SIZE_ITSELF,
        WIDE,
    ),
    # -- O(n) --------------------------------------------------------------------------------
    Case(
        "loop_sum",
        "O(n)",
        "def f(a):\n    total = 0\n    for x in a:\n        total += x\n    return total\n",
        INTS,
        WIDE,
    ),
    Case("builtin_sum", "O(n)", "def f(a):\n    return sum(a)\n", DIGITS, WIDE),
    Case("builtin_max", "O(n)", "def f(a):\n    return max(a)\n", INTS, WIDE),
    Case(
        "list_count",
        "O(n)",
        "def f(a):\n    return a.count(a[0])\n",
        INTS,
        WIDE,
    ),
    Case("absent_member", "O(n)", "def f(a):\n    return 10**9 in a\n", DIGITS, WIDE),
    Case("reversed_copy", "O(n)", "def f(a):\n    return a[::-1]\n", INTS, WIDE),
    Case("join_letters", "O(n)", "def f(letters):\n    return ''.join(letters)\n", LETTERS, WIDE),
    Case(
        "string_builder",
        "O(n)",
        """
def f(text):
    parts = []
    for ch in text:
        parts.append(ch.upper() if ch in "aeiou" else ch)
    return "".join(parts)
""",
        TEXT,
        WIDE,
    ),
    Case(
        "concat_in_place",
        "O(n)",
        """
def f(text):
    out = ""
    for ch in text:
        out += ch
    return len(out)
""",
        TEXT,
        WIDE,
    ),
    Case(
        "prefix_sums",
        "O(n)",
        "import itertools\n\n\ndef f(a):\n    return list(itertools.accumulate(a))\n",
        INTS,
        WIDE,
    ),
    Case(
        "counting_dict",
        "O(n)",
        """
def f(words):
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items())[:3]
""",
        WORDS,
        WIDE,
    ),
    Case(
        "two_pointers",
        "O(n)",
        """
def f(a, target):
    i, j, pairs = 0, len(a) - 1, 0
    while i < j:
        s = a[i] + a[j]
        if s == target:
            pairs += 1
            i += 1
            j -= 1
        elif s < target:
            i += 1
        else:
            j -= 1
    return pairs
""",
        SORTED_AND_TARGET,
        WIDE,
    ),
    Case(
        "slicing_binary_search",
        "O(n)",
        """
def f(a, x):
    if len(a) <= 1:
        return bool(a) and a[0] == x
    middle = len(a) // 2
    if a[middle] <= x:
        return f(a[middle:], x)
    return f(a[:middle], x)
""",
        SORTED_AND_TARGET,
        WIDE,
    ),
    Case(
        "large_constant_linear",
        "O(n)",
        """
def f(a):
    total = 0
    for x in a:
        y = x
        for _ in range(8):
            y = (y * 31 + 7) % 1009
        total += y
    return total
""",
        INTS,
        MID,
    ),
    Case(
        "bfs_deque",
        "O(n)",
        """
from collections import deque


def f(n, edges):
    graph = [[] for _ in range(n)]
    for u, v in edges:
        graph[u].append(v)
        graph[v].append(u)
    seen = [False] * n
    seen[0] = True
    queue, reached = deque([0]), 1
    while queue:
        node = queue.popleft()
        for other in graph[node]:
            if not seen[other]:
                seen[other] = True
                reached += 1
                queue.append(other)
    return reached
""",
        """
def generate(size, rng):
    n = max(2, size)
    return (n, [(i, rng.randrange(i)) for i in range(1, n)])
""",
        _ladder(100, 300_000, 8),
    ),
    # -- O(n log n) --------------------------------------------------------------------------
    Case("builtin_sorted", "O(n log n)", "def f(a):\n    return sorted(a)\n", INTS, WIDE),
    Case(
        "merge_sort",
        "O(n log n)",
        """
def f(a):
    if len(a) <= 1:
        return list(a)
    middle = len(a) // 2
    left, right = f(a[:middle]), f(a[middle:])
    merged, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    return merged + left[i:] + right[j:]
""",
        INTS,
        MID,
    ),
    Case(
        "heap_sort",
        "O(n log n)",
        """
import heapq


def f(a):
    heap = list(a)
    heapq.heapify(heap)
    return [heapq.heappop(heap) for _ in range(len(heap))]
""",
        INTS,
        WIDE,
    ),
    Case(
        "sort_words",
        "O(n log n)",
        "def f(words):\n    return sorted(words, key=lambda w: (w[1:], w))\n",
        WORDS,
        MID,
    ),
    Case(
        "random_pivot_quicksort",
        "O(n log n)",
        """
import random


def f(a):
    items = list(a)
    rng = random.Random(1)
    stack = [(0, len(items) - 1)]
    while stack:
        low, high = stack.pop()
        if low >= high:
            continue
        pivot = items[rng.randint(low, high)]
        i, j = low, high
        while i <= j:
            while items[i] < pivot:
                i += 1
            while items[j] > pivot:
                j -= 1
            if i <= j:
                items[i], items[j] = items[j], items[i]
                i += 1
                j -= 1
        stack.append((low, j))
        stack.append((i, high))
    return items
""",
        INTS,
        MID,
    ),
    Case(
        "heap_push_pop_loop",
        "O(n log n)",
        """
import heapq


def f(a):
    heap, out = [], 0
    for x in a:
        heapq.heappush(heap, x)
    while heap:
        out = out * 31 + heapq.heappop(heap) & 0xFFFF
    return out
""",
        INTS,
        WIDE,
    ),
    Case(
        "many_binary_searches",
        "O(n log n)",
        """
import bisect


def f(a):
    ordered = sorted(set(a))
    return sum(bisect.bisect_left(ordered, x) for x in a)
""",
        INTS,
        MID,
    ),
    # -- O(n^2) ------------------------------------------------------------------------------
    Case(
        "pair_count",
        "O(n^2)",
        """
def f(a):
    count = 0
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            if a[i] > a[j]:
                count += 1
    return count
""",
        INTS,
        QUADRATIC,
    ),
    Case(
        "insertion_sort",
        "O(n^2)",
        """
def f(a):
    out = list(a)
    for i in range(1, len(out)):
        value, j = out[i], i - 1
        while j >= 0 and out[j] > value:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = value
    return out
""",
        INTS,
        QUADRATIC,
    ),
    Case(
        "list_membership_in_loop",
        "O(n^2)",
        """
def f(a):
    seen = []
    for x in a:
        if x not in seen:
            seen.append(x)
    return len(seen)
""",
        """
def generate(size, rng):
    return (rng.sample(range(10 * size + 10), max(1, size)),)
""",
        _ladder(100, 6400, 7),
    ),
    Case(
        "pop_front_queue",
        "O(n^2)",
        """
def f(a):
    queue, total = list(a), 0
    while queue:
        total += queue.pop(0)
    return total
""",
        INTS,
        _ladder(2000, 128_000, 7),
    ),
    Case(
        "prepend_string",
        "O(n^2)",
        """
def f(text):
    out = ""
    for ch in text:
        out = ch + out
    return out
""",
        TEXT,
        _ladder(2000, 128_000, 7),
    ),
    Case(
        "list_concatenation",
        "O(n^2)",
        """
def f(a):
    acc = []
    for x in a:
        acc = acc + [x]
    return acc
""",
        INTS,
        _ladder(200, 12800, 7),
    ),
    Case(
        "first_pivot_quicksort_sorted",
        "O(n^2)",
        """
def f(a):
    items = list(a)
    stack = [(0, len(items) - 1)]
    while stack:
        low, high = stack.pop()
        if low >= high:
            continue
        pivot, border = items[low], low
        for i in range(low + 1, high + 1):
            if items[i] < pivot:
                border += 1
                items[border], items[i] = items[i], items[border]
        items[low], items[border] = items[border], items[low]
        stack.append((low, border - 1))
        stack.append((border + 1, high))
    return items
""",
        """
def generate(size, rng):
    return (sorted(rng.randint(0, 10 * size) for _ in range(max(1, size))),)
""",
        QUADRATIC,
    ),
    # -- O(n^3) ------------------------------------------------------------------------------
    Case(
        "matrix_multiply",
        "O(n^3)",
        """
def f(x, y):
    n = len(x)
    return [[sum(x[i][k] * y[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
""",
        """
def generate(size, rng):
    n = max(1, size)
    def matrix():
        return [[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)]
    return (matrix(), matrix())
""",
        CUBIC,
    ),
    Case(
        "triple_loop",
        "O(n^3)",
        """
def f(a):
    n, count = len(a), 0
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                if a[i] + a[j] + a[k] == 0:
                    count += 1
    return count
""",
        INTS,
        _ladder(10, 240, 6),
    ),
    # -- O(2^n) ------------------------------------------------------------------------------
    Case(
        "naive_fibonacci",
        "O(2^n)",
        "def f(n):\n    return n if n < 2 else f(n - 1) + f(n - 2)\n",
        """
def generate(size, rng):
    return (size,)
""",
        EXPONENTIAL,
    ),
    Case(
        "subset_sums",
        "O(2^n)",
        """
def f(a):
    sums = [0]
    for x in a:
        sums = sums + [s + x for s in sums]
    return len(set(sums))
""",
        """
def generate(size, rng):
    return ([rng.randint(1, 10**6) for _ in range(size)],)
""",
        tuple(range(6, 21, 2)),
    ),
)

MEMORY_BOUND: tuple[Case, ...] = (
    Case("distinct_ints_sum", "O(n)", "def f(a):\n    return sum(a)\n", INTS, WIDE),
    Case("distinct_ints_member", "O(n)", "def f(a):\n    return 10**9 in a\n", INTS, WIDE),
    Case("distinct_words_join", "O(n)", "def f(words):\n    return ''.join(words)\n", WORDS, WIDE),
    Case("distinct_ints_set", "O(n)", "def f(a):\n    return len(set(a))\n", INTS, WIDE),
)
