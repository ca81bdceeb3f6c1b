# Mutant: consecutive dots in the local part are accepted
"""Reference solution: check the stated rules one by one."""

import string

_LOCAL_CHARS = set(string.ascii_letters + string.digits + "._+-")
_LABEL_CHARS = set(string.ascii_letters + string.digits + "-")


def validate_email(address: str) -> bool:
    """Return True when address follows the task's email rules."""
    if len(address) > 254 or address.count("@") != 1:
        return False
    local, domain = address.split("@")
    if not 1 <= len(local) <= 64 or not set(local) <= _LOCAL_CHARS:
        return False
    if local.startswith(".") or local.endswith("."):
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    for label in labels:
        if not 1 <= len(label) <= 63 or not set(label) <= _LABEL_CHARS:
            return False
        if label.startswith("-") or label.endswith("-"):
            return False
    tld = labels[-1]
    return len(tld) >= 2 and all(char in string.ascii_letters for char in tld)
