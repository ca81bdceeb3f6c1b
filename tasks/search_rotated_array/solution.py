"""Reference solution: binary search that keeps to the half which is sorted."""


def search_rotated_array(items: list[int], target: int) -> int:
    """Return the index of `target` in the rotated sorted `items`, or -1."""
    low, high = 0, len(items) - 1
    while low <= high:
        middle = (low + high) // 2
        if items[middle] == target:
            return middle
        if items[low] <= items[middle]:
            # items[low..middle] is sorted.
            if items[low] <= target < items[middle]:
                high = middle - 1
            else:
                low = middle + 1
        elif items[middle] < target <= items[high]:
            # items[middle..high] is sorted and holds the target.
            low = middle + 1
        else:
            high = middle - 1
    return -1
