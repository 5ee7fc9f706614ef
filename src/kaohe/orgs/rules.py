"""The checks of a cadre's personal facts and of the dates of their history, in one
place: the services run them for the forms and the API, the Excel import for each row
(without a query), and both give the same Chinese message for the same field.

No Django models here: plain values in, ``{field: message}`` out.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.dates import date_problem
from kaohe.orgs.errors import OrgError


class Problem(str):
    """A Chinese message that keeps its ``OrgError`` code."""

    code: str

    def __new__(cls, message: str, code: str) -> Problem:
        problem = super().__new__(cls, message)
        problem.code = code
        return problem


MIN_AGE = 16  # the youngest a person may start work
MAX_AGE = 100
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def id_number_clean(text: str) -> str:
    """The number as stored: no spaces, an upper-case check character X."""
    return re.sub(r"\s+", "", text).upper()


def id_number_problem(number: str) -> str | None:
    """A Chinese message when ``number`` is not a valid 18-digit citizen identity number
    (GB 11643-1999: the birth date in digits 7-14, the ISO 7064 MOD 11-2 check digit)."""
    if not ID_RE.match(number):
        return _("身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X")
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("身份证号中的出生日期 %(digits)s 不是有效日期") % {"digits": number[6:14]}
    check = ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
    if number[17] != check:
        return _("身份证号校验位不正确（按前 17 位应为 %(check)s），请核对") % {"check": check}
    return None


def id_birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_gender(number: str) -> str:
    """男 for an odd 17th digit, 女 for an even one."""
    return "男" if int(number[16]) % 2 else "女"


def cadre_problems(
    *,
    id_number: str = "",
    gender: str = "",
    birth_date: dt.date | None = None,
    retired_on: dt.date | None = None,
    today: dt.date | None = None,
) -> dict[str, Problem]:
    """Problems of a cadre's personal facts, by field: a plausible birth date (not in the
    future, age 16 to 100), a retirement after birth, an identity number that is valid
    and agrees with the birth date and gender given."""
    today = today or timezone.localdate()
    found: dict[str, Problem] = {}
    if birth_date is not None:
        if birth_date > today:
            found["birth_date"] = Problem(_("出生日期不能晚于今天"), OrgError.IMPLAUSIBLE_DATE)
        elif birth_date > _years_before(today, MIN_AGE):
            found["birth_date"] = Problem(
                _("按出生日期不满 %(n)s 岁，请核对") % {"n": MIN_AGE}, OrgError.IMPLAUSIBLE_DATE
            )
        elif birth_date < _years_before(today, MAX_AGE):
            found["birth_date"] = Problem(
                _("按出生日期已超过 %(n)s 岁，请核对") % {"n": MAX_AGE}, OrgError.IMPLAUSIBLE_DATE
            )
    if retired_on is not None:
        if problem := date_problem(retired_on, today=today):
            found["retired_on"] = Problem(problem, OrgError.IMPLAUSIBLE_DATE)
        elif birth_date is not None and retired_on <= birth_date:
            found["retired_on"] = Problem(_("退休日期须晚于出生日期"), OrgError.BEFORE_BIRTH)
    if id_number:
        if problem := id_number_problem(id_number):
            found["id_number"] = Problem(problem, OrgError.BAD_ID_NUMBER)
        elif birth_date is not None and id_birth_date(id_number) != birth_date:
            message = _("身份证号中的出生日期为 %(date)s，与出生日期 %(birth)s 不一致") % {
                "date": id_birth_date(id_number).isoformat(),
                "birth": birth_date.isoformat(),
            }
            found["id_number"] = Problem(message, OrgError.BAD_ID_NUMBER)
        elif gender and id_gender(id_number) != gender:
            message = _("身份证号的性别码为“%(code)s”，与性别“%(gender)s”不一致") % {
                "code": id_gender(id_number),
                "gender": gender,
            }
            found["id_number"] = Problem(message, OrgError.BAD_ID_NUMBER)
    return found


def dated_problems(
    *,
    start: dt.date | None,
    end: dt.date | None = None,
    birth_date: dt.date | None = None,
    start_field: str = "start_date",
    end_field: str = "end_date",
    today: dt.date | None = None,
) -> dict[str, Problem]:
    """Problems of a dated row of a cadre's history (a posting, a secondment, a village
    stint, an investigation): both dates plausible, the start after the cadre's birth,
    the end not before the start."""
    found: dict[str, Problem] = {}
    if start is not None:
        if problem := date_problem(start, today=today):
            found[start_field] = Problem(problem, OrgError.IMPLAUSIBLE_DATE)
        elif birth_date is not None and start <= birth_date:
            message = _("开始日期须晚于干部的出生日期 %(date)s") % {"date": birth_date.isoformat()}
            found[start_field] = Problem(message, OrgError.BEFORE_BIRTH)
    if end is not None:
        if problem := date_problem(end, today=today):
            found[end_field] = Problem(problem, OrgError.IMPLAUSIBLE_DATE)
        elif start is not None and end < start:
            found[end_field] = Problem(_("结束日期不能早于开始日期"), OrgError.DATES_REVERSED)
    return found


def problems_error(problems: dict[str, Problem]) -> Any:
    """The problems as one ``ValidationError`` by field (for the services), or None."""
    from django.core.exceptions import ValidationError

    if not problems:
        return None
    return ValidationError(
        {name: ValidationError(str(p), code=p.code) for name, p in problems.items()}
    )
