"""Text from outside the site: the characters every edge refuses.

Forms, Excel imports, the API and the login form all check their text with
``text_problem`` (or the validator ``refuse_control_characters``), so what is stored never
holds a control character: those break every export (openpyxl refuses them) and can hide
what a text really says (bidirectional overrides). A line break and a tab are allowed only
where the text may have several lines.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# C0 and C1 controls (less tab, line feed, carriage return), DEL, the line and paragraph
# separators, the byte-order mark, interlinear annotation marks and the bidirectional
# embeddings, overrides and isolates.
_ALWAYS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufff9-\ufffb\u202a-\u202e\u2066-\u2069"
)
_CONTROL = re.compile(f"[{_ALWAYS}]")
_CONTROL_ONE_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """A Chinese message naming the first forbidden character of ``text``, or None."""
    found = (_CONTROL if multiline else _CONTROL_ONE_LINE).search(text)
    if found is None:
        return None
    return _("第 %(position)s 个字符是不允许的控制字符（U+%(code)04X），请删除后重试") % {
        "position": found.start() + 1,
        "code": ord(found.group()),
    }


def refuse_control_characters(value: object, *, multiline: bool = False) -> None:
    """A validator: raises ``ValidationError`` (code ``control_character``) for a string
    with a forbidden character."""
    if isinstance(value, str) and (message := text_problem(value, multiline=multiline)):
        raise ValidationError(message, code="control_character")


def strip_control_characters(text: str, *, multiline: bool = True) -> str:
    """``text`` without its forbidden characters: for text already stored, never for input."""
    return (_CONTROL if multiline else _CONTROL_ONE_LINE).sub("", text)
