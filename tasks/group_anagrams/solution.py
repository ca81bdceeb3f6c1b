"""Reference solution: group by the sorted letters of each word.

The groups are then sorted, so that the answer is unique.
"""


def group_anagrams(words: list[str]) -> list[list[str]]:
    """Return the anagram classes of words.

    Each class is ascending; the classes are ordered by their first word.
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault("".join(sorted(word)), []).append(word)
    # Groups share no word, so sorting the sorted groups orders them by their
    # first word.
    return sorted(sorted(group) for group in groups.values())
