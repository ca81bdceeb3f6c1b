"""Reference solution: flood fill from each unvisited land cell.

The fill uses an explicit stack rather than recursion.
"""


def number_of_islands(grid: list[str]) -> int:
    """Return the number of 4-connected groups of "1" cells."""
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    seen = [[False] * cols for _ in range(rows)]
    islands = 0
    for row in range(rows):
        for col in range(cols):
            if grid[row][col] != "1" or seen[row][col]:
                continue
            islands += 1
            seen[row][col] = True
            stack = [(row, col)]
            while stack:
                y, x = stack.pop()
                for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                    if 0 <= ny < rows and 0 <= nx < cols:
                        if grid[ny][nx] == "1" and not seen[ny][nx]:
                            seen[ny][nx] = True
                            stack.append((ny, nx))
    return islands
