"""Reference solution: a single left-to-right scan, one field at a time."""


def parse_csv_line(line: str) -> list[str]:
    """Split one well-formed CSV line into its field values."""
    fields = []
    i = 0
    while True:
        if i < len(line) and line[i] == '"':
            value = []
            i += 1
            while True:
                if line[i] == '"':
                    if i + 1 < len(line) and line[i + 1] == '"':
                        value.append('"')  # two quotes stand for one
                        i += 2
                    else:
                        i += 1  # the closing quote
                        break
                else:
                    value.append(line[i])
                    i += 1
            fields.append("".join(value))
        else:
            end = line.find(",", i)
            if end == -1:
                end = len(line)
            fields.append(line[i:end])
            i = end
        if i >= len(line):
            return fields
        i += 1  # the comma before the next field
