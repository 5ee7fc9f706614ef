"""The password strength rule: zxcvbn's estimate of how many guesses a password takes.

zxcvbn finds what makes a password easy to guess (common passwords and words, names,
years and dates, repeats such as ``passwordpassword``, sequences such as ``abcdef``,
keyboard walks such as ``1qaz2wsx``) and scores it 0–4 by the guesses left. Its lists are
English; the site adds the words Chinese passwords are built from (pinyin names and
phrases, lucky numbers) and the site's own name, the user's name and username, so
``Kaohe2019!`` or ``zhangsan1990`` score low. The reason a password is refused is given
in Chinese, from the kinds of weak parts zxcvbn found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from zxcvbn import zxcvbn

# Words of the site and of common Chinese passwords, most likely first.
SITE_WORDS = ("kaohe", "考核", "kaoping", "zuzhibu", "dangjian", "ganbu", "xitong", "admin")
CHINESE_COMMON = (
    "woaini", "aini", "5201314", "1314", "520", "woaiwojia", "zhongguo", "china", "beijing",
    "shanghai", "mima", "wojiao", "nihao", "laogong", "laopo", "baobei", "xiaoming",
    "zhangsan", "lisi", "wangwu", "zhang", "wang", "li", "liu", "chen", "yang", "zhao",
    "huang", "zhou", "wu", "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo",
    "888888", "8888", "666666", "6666", "168", "518", "qwe", "asd", "zxc",
)  # fmt: skip
# zxcvbn takes time that grows with the length; the first characters decide anyway.
CHECKED_LENGTH = 64


YEAR = re.compile(r"(?:19|20)\d\d")


def _reasons(password: str, result: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for match in result["sequence"]:
        pattern = match["pattern"]
        if pattern == "dictionary" and match.get("dictionary_name") == "user_inputs":
            reason = _("本系统名称、用户名、姓名或常见拼音")
        elif pattern == "dictionary":
            reason = _("常见密码、单词或姓名")
        elif pattern == "date" or match.get("regex_name") == "recent_year":
            reason = _("年份或日期")
        elif pattern == "repeat":
            reason = _("重复的字符或词")
        elif pattern == "sequence":
            reason = _("连续的字母或数字")
        elif pattern == "spatial":
            reason = _("键盘上相邻的按键")
        else:
            continue
        if reason not in found:
            found.append(reason)
    year = _("年份或日期")
    if YEAR.search(password) and year not in found:
        found.append(year)
    return found


class StrengthValidator:
    """Django password validator: refuse a password zxcvbn scores below ``min_score``."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def _inputs(self, user: Any) -> list[str]:
        inputs = [*SITE_WORDS, *CHINESE_COMMON]
        if settings.SITE_TITLE:
            inputs.append(settings.SITE_TITLE)
        for name in ("username", "display_name", "first_name", "last_name", "email"):
            value = getattr(user, name, "") or ""
            inputs += [value, *value.replace("@", " ").replace(".", " ").split()]
        return [value.lower() for value in inputs if value]

    def validate(self, password: str, user: Any = None) -> None:
        result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=self._inputs(user))
        if result["score"] >= self.min_score:
            return
        reasons = _reasons(password, result)
        if reasons:
            message = _("密码太容易被猜到，其中有：%(reasons)s。") % {"reasons": "；".join(reasons)}
        else:
            message = _("密码太容易被猜到：太短或太有规律。")
        raise ValidationError(
            message + _("请换一个更长、更无规律的密码，例如几个不相关的词加上数字和符号。"),
            code="password_too_guessable",
        )

    def get_help_text(self) -> str:
        return str(
            gettext_lazy(
                "密码不能容易被猜到：避免常见密码和单词、年份日期、重复或连续的字符、"
                "键盘上相邻的按键，以及本系统名称和自己的用户名、姓名。"
            )
        )
