"""Hand-written edge cases for number_of_islands; `candidate` is the sandboxed function."""


def test_no_rows(candidate):
    assert candidate([]) == 0


def test_single_cell(candidate):
    assert candidate(["1"]) == 1
    assert candidate(["0"]) == 0


def test_all_water_and_all_land(candidate):
    assert candidate(["000", "000"]) == 0
    assert candidate(["111", "111"]) == 1


def test_diagonal_does_not_connect(candidate):
    assert candidate(["10", "01"]) == 2
    assert candidate(["101", "010", "101"]) == 5


def test_u_shape_is_one_island(candidate):
    assert candidate(["101", "101", "111"]) == 1
    assert candidate(["111", "001", "111"]) == 1


def test_classic(candidate):
    grid = [
        "11000",
        "11000",
        "00100",
        "00011",
    ]
    assert candidate(grid) == 3


def test_land_on_the_last_row_and_column(candidate):
    assert candidate(["000", "001", "011"]) == 1
    assert candidate(["001", "001", "111"]) == 1


def test_single_row_and_column(candidate):
    assert candidate(["1011101"]) == 3
    assert candidate(["1", "1", "0", "1"]) == 2


def test_large_snake_and_stripes(candidate):
    grid = ["1" * 1000 if r % 2 == 0 else "0" * 999 + "1" for r in range(1000)]
    assert candidate(grid) == 1
    grid = ["10" * 500 for _ in range(1000)]
    assert candidate(grid) == 500
