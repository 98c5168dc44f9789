"""Pinyin initials of names (for search by 首字母), fast.

pypinyin segments a name into phrases and looks each up (about 100 µs a name). For a character whose every reading
starts with the same letter, context cannot change its initial, so a table of those characters answers most names
with one dictionary lookup a character; any other name (a polyphonic character such as 单 or 曾, a letter, a
symbol) goes to pypinyin whole. `tests/test_pinyin.py` checks the table against pypinyin on every such character
and on every phrase of pypinyin's dictionary made only of them."""

import unicodedata
from functools import cache

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

# Characters whose readings agree on the initial but that a phrase in pypinyin's dictionary reads otherwise.
PHRASE_EXCEPTIONS = frozenset("燵")


@cache
def single_initials() -> dict[str, str]:
    """Character -> its one possible initial (lower case), for characters whose readings all share it."""
    table = {}
    for codepoint, readings in pinyin_dict.items():
        letters = {unicodedata.normalize("NFD", r)[0].lower() for r in readings.split(",")}
        char = chr(codepoint)
        if len(letters) == 1 and char not in PHRASE_EXCEPTIONS:
            table[char] = letters.pop()
    return table


def slow_initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def initials(name: str) -> str:
    table = single_initials()
    try:
        return "".join([table[c] for c in name])
    except KeyError:
        return slow_initials(name)
