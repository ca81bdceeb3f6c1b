# Mutant: each character is appended with `fields[-1] += char`, copying the field every time
# Complexity: O(n^2)
"""A character-by-character parser: correct, but `fields[-1] += char` builds a new string
each time (CPython extends a string in place only when a plain variable holds it), so one
long field takes quadratic time."""


def parse_csv_line(line: str) -> list[str]:
    """Split one well-formed CSV line into its field values."""
    fields = [""]
    quoted = False
    i = 0
    while i < len(line):
        char = line[i]
        if quoted:
            if char == '"' and i + 1 < len(line) and line[i + 1] == '"':
                fields[-1] += '"'  # two quotes stand for one
                i += 1
            elif char == '"':
                quoted = False
            else:
                fields[-1] += char
        elif char == '"':
            quoted = True
        elif char == ",":
            fields.append("")
        else:
            fields[-1] += char
        i += 1
    return fields
