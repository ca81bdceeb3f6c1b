"""Input generator: two square matrices of side max(1, size), with small entries, a third of
them zero and some negative."""


def generate(size, rng):
    n = max(1, size)

    def matrix():
        return [[rng.choice((0, rng.randint(-9, 9))) for _ in range(n)] for _ in range(n)]

    return (matrix(), matrix())
