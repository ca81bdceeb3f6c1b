"""Reference solution: the i-k-j loop order.

Scaled rows of b are added into each output row.
"""


def matrix_multiply(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    """Return the matrix product a x b."""
    inner, cols = len(b), len(b[0])
    product = []
    for row in a:
        out = [0] * cols
        for k in range(inner):
            factor = row[k]
            if factor != 0:
                b_row = b[k]
                for j in range(cols):
                    out[j] += factor * b_row[j]
        product.append(out)
    return product
