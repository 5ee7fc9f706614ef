"""The search text of a cadre: the name, its pinyin and its initials, so that 张青山 is
found by 张青, zhangqingshan, zhang qing or zqs. Stored in ``Cadre.search`` by the
services (``cadre_create``, ``cadre_update``) and by bulk loaders through ``search_text``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, pinyin

SPACES = re.compile(r"\s+")
# the length of ``Cadre.search``: readings past it are dropped
MAX_LENGTH = 400


@lru_cache(maxsize=16384)
def _syllables(text: str, *, heteronym: bool = False) -> tuple[tuple[str, ...], ...]:
    """Each character's readings (a run of other characters stays one syllable). Cached:
    surnames and given names repeat, and a bulk import asks for thousands."""
    # pypinyin's annotation says the errors callback returns str; its converter also takes
    # a list (handle_nopinyin), which keeps an empty text as one empty syllable.
    found = pinyin(
        text,
        style=Style.NORMAL,
        heteronym=heteronym,
        errors=lambda rest: [rest],  # type: ignore[arg-type, return-value]
    )
    return tuple(tuple(dict.fromkeys(s.lower() for s in options if s)) for options in found)


def search_text(name: str) -> str:
    """``name`` followed by the full pinyin and the initials of each reading of the
    surname (单: dan, shan …; the given name in its usual reading), lower case,
    separated by spaces (at most ``MAX_LENGTH`` characters)."""
    name = SPACES.sub("", name)
    if not name:
        return ""
    rest = [options[0] for options in _syllables(name[1:]) if options]
    parts = [name.lower()]
    for surname in _syllables(name[0], heteronym=True)[0]:
        reading = [surname, *rest]
        parts += ["".join(reading), "".join(s[0] for s in reading)]
    text = " ".join(dict.fromkeys(parts))
    return text if len(text) <= MAX_LENGTH else text[:MAX_LENGTH].rsplit(" ", 1)[0]


def search_key(query: str) -> str:
    """What a user typed, as it is compared with ``search_text``: lower case, no spaces."""
    return SPACES.sub("", query).lower()
