from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kaohe.core.text import refuse_control_characters, strip_control_characters, text_problem


@pytest.mark.parametrize("text", ["王红旗", "Smith-Jones", "党委(党组)书记 A-3", ""])
def test_ordinary_text_has_no_problem(text):
    assert text_problem(text) is None


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1b", "\x7f", "\x85", "\u202e", "\ufeff"])
def test_it_names_the_position_and_code_of_a_control_character(char):
    message = text_problem(f"ab{char}c")
    assert message is not None
    assert "第 3 个字符" in message and f"U+{ord(char):04X}" in message


def test_line_breaks_are_refused_on_one_line_and_allowed_in_several():
    assert text_problem("a\nb") is not None
    assert text_problem("a\tb") is not None
    assert text_problem("a\r\nb\tc", multiline=True) is None
    assert text_problem("a\nb\x0bc", multiline=True) is not None


def test_the_validator_raises_with_a_code():
    with pytest.raises(ValidationError) as raised:
        refuse_control_characters("ctl\x0bname")
    assert raised.value.code == "control_character"
    refuse_control_characters(12)  # not text: nothing to check


def test_stripping_keeps_line_breaks_where_asked():
    assert strip_control_characters("a\x0b\nb\u202e") == "a\nb"
    assert strip_control_characters("a\x0b\nb", multiline=False) == "ab"
