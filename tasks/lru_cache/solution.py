"""Reference solution: an OrderedDict kept in use order.

The least recently used key comes first.
"""

from collections import OrderedDict


def lru_cache_ops(capacity: int, ops: list[tuple]) -> list[int]:
    """Replay put/get operations on an LRU cache.

    Return the result of every get.
    """
    cache: OrderedDict[int, int] = OrderedDict()
    results = []
    for op in ops:
        if op[0] == "get":
            key = op[1]
            if key in cache:
                cache.move_to_end(key)
                results.append(cache[key])
            else:
                results.append(-1)
            continue
        _, key, value = op
        if key in cache:
            cache.move_to_end(key)
        cache[key] = value
        if len(cache) > capacity:
            cache.popitem(last=False)
    return results
