"""Response text to program: fences, prose, several blocks, truncated answers, completions.

`extract_code` never raises on any string. It removes reasoning sections (`<think>...`),
splits the answer into code blocks (markdown fences, or runs of lines that parse as Python
when there are no fences), picks the block that defines the entry point, brings in helpers
and imports it uses from other blocks, drops the incomplete tail of a truncated block, and
joins a completion-style answer to the task's prefix. `cut_response` bounds a response's size
before any of that reads it.
"""

from codeeval.extract.cut import RESPONSE_CUT, cut_note, cut_response
from codeeval.extract.extractor import Extraction, extract_code

__all__ = ["RESPONSE_CUT", "Extraction", "cut_note", "cut_response", "extract_code"]
