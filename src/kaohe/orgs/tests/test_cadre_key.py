"""A cadre's natural key (身份证号 where given, else 姓名 + 出生日期 + 单位) and the
plausible dates: a workbook imported twice updates or reports, never doubles; an
identity number is checked and unique, also against two imports at once; impossible
dates are refused by the import, the services and the forms with the same message."""

from __future__ import annotations

import datetime as dt
import threading
from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaohe.core.tests.language import chinese
from kaohe.core.xlsx import ImportFailed

__all__ = ["chinese"]  # an autouse fixture

ZHAO = "330102198003140027"  # 1980-03-14, 女 (the check digit is 7)


def _workbook(rows):
    from kaohe.orgs.workbooks import CADRES

    book = Workbook()
    book.active.title = CADRES.sheet
    book.active.append(CADRES.headers)
    for row in rows:
        book.active.append(list(row) + [None] * (len(CADRES.columns) - len(row)))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(name, birth, unit="qingshan", *, ident=None, id_number=None, gender="女", rank="正科级"):
    return [ident, name, gender, birth, rank, None, unit, None, "副镇长", "班子成员", None,
            dt.date(2021, 6, 1), None, id_number]  # fmt: skip


def _import(cast, data, user=None):
    from kaohe.orgs import services
    from kaohe.orgs.selectors import cadres_for_user, units_for_user

    user = user or cast.admin
    return services.cadres_import(
        actor=user, file=BytesIO(data), cadres=cadres_for_user(user), units=units_for_user(user)
    )


def _places(failure):
    return {(e.row, e.column): e.message for e in failure.value.errors}


def test_the_same_workbook_imported_twice_creates_each_cadre_once(cast):
    from kaohe.orgs.models import Cadre

    data = _workbook(
        [
            _row("赵青禾", dt.date(1980, 3, 14), id_number=ZHAO),
            _row("钱山岚", dt.date(1985, 7, 2)),  # no number: name + birth + unit
            _row("孙溪远", None, "baishui", gender="男"),  # no birth date either
        ]
    )
    first = _import(cast, data)
    second = _import(cast, data)

    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    for name in ("赵青禾", "钱山岚", "孙溪远"):
        assert Cadre.objects.filter(name=name).count() == 1
    assert Cadre.objects.get(name="赵青禾").id_number == ZHAO


def test_a_re_import_with_changes_updates_the_cadre_it_finds(cast):
    from kaohe.orgs.models import Cadre

    _import(cast, _workbook([_row("钱山岚", dt.date(1985, 7, 2))]))
    changed = _workbook([_row("钱山岚", dt.date(1985, 7, 2), rank="副科级")])
    summary = _import(cast, changed)
    assert (summary.created, summary.updated) == (0, 1)
    assert Cadre.objects.get(name="钱山岚").leadership_level == "副科级"

    # adding the number later finds the same cadre (who had none) and records it
    numbered = _workbook([_row("赵青禾", dt.date(1980, 3, 14))])
    _import(cast, numbered)
    _import(cast, _workbook([_row("赵青禾", dt.date(1980, 3, 14), id_number=ZHAO)]))
    assert list(Cadre.objects.filter(name="赵青禾").values_list("id_number", flat=True)) == [ZHAO]


def test_two_rows_for_one_cadre_and_an_ambiguous_match_are_reported(cast):
    from kaohe.orgs import services
    from kaohe.orgs.models import Cadre

    with pytest.raises(ImportFailed) as failure:
        _import(
            cast,
            _workbook(
                [
                    _row("钱山岚", dt.date(1985, 7, 2)),
                    _row("钱山岚", dt.date(1985, 7, 2)),
                    _row("赵青禾", dt.date(1980, 3, 14), id_number=ZHAO),
                    _row("赵青禾", dt.date(1980, 3, 14), id_number=ZHAO),
                ]
            ),
        )
    places = _places(failure)
    assert "第 2 行是同一名干部" in places[(3, "B")]
    assert "与第 4 行重复" in places[(5, "N")]
    assert not Cadre.objects.filter(name__in=["钱山岚", "赵青禾"]).exists()

    for _ in range(2):  # two people the register cannot tell apart
        services.cadre_create(
            actor=None,
            name="周同名",
            birth_date=dt.date(1990, 1, 1),
            first_posting={"unit": cast.unit_a, "post": "干事", "start_date": dt.date(2020, 1, 1)},
        )
    with pytest.raises(ImportFailed) as failure:
        _import(cast, _workbook([_row("周同名", dt.date(1990, 1, 1))]))
    assert "请填写干部编号" in _places(failure)[(2, "A")]


def test_an_identity_number_is_checked_against_its_digit_birth_date_and_gender(cast):
    with pytest.raises(ImportFailed) as failure:
        _import(
            cast,
            _workbook(
                [
                    _row("甲", dt.date(1980, 3, 14), id_number="330102198003140020"),
                    _row("乙", dt.date(1980, 3, 15), id_number=ZHAO),
                    _row("丙", dt.date(1980, 3, 14), id_number="330102198003140019", gender="女"),
                    _row("丁", dt.date(1980, 3, 14), id_number="3301021980"),
                ]
            ),
        )
    places = _places(failure)
    assert "校验位不正确" in places[(2, "N")] and "应为 7" in places[(2, "N")]
    assert "1980-03-14" in places[(3, "N")] and "不一致" in places[(3, "N")]
    assert "性别" in places[(4, "N")]
    assert "18 位" in places[(5, "N")]


def test_an_identity_number_of_another_cadre_is_refused_by_the_service_and_the_import(cast):
    from kaohe.orgs import services
    from kaohe.orgs.errors import OrgError

    services.cadre_update(actor=None, cadre=cast.cadre_b, id_number=ZHAO, gender="女",
                          birth_date=dt.date(1980, 3, 14))  # fmt: skip
    with pytest.raises(Exception) as error:
        services.cadre_update(actor=None, cadre=cast.cadre_a, id_number=ZHAO, gender="女",
                              birth_date=dt.date(1980, 3, 14))  # fmt: skip
    assert error.value.error_dict["id_number"][0].code == OrgError.ID_NUMBER_TAKEN
    row = _row(cast.cadre_a.name, dt.date(1980, 3, 14), ident=cast.cadre_a.pk, id_number=ZHAO)
    with pytest.raises(ImportFailed) as failure:
        _import(cast, _workbook([row]))
    assert "已登记为编号" in _places(failure)[(2, "N")]
    # a liaison of unit A does not learn whose it is
    with pytest.raises(ImportFailed) as failure:
        _import(cast, _workbook([_row("新人", dt.date(1980, 3, 14), id_number=ZHAO)]),
                user=cast.liaison)  # fmt: skip
    assert _places(failure)[(2, "N")] == "该身份证号已登记为其他单位的干部，请联系考核办"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("D", dt.date(9999, 12, 31), "日期不能晚于"),
        ("D", "0001-01-01", "日期不能早于 1900-01-01"),
        ("D", dt.date.today() + dt.timedelta(days=1), "出生日期不能晚于今天"),
        ("D", dt.date.today() - dt.timedelta(days=365 * 5), "不满 16 岁"),
        ("F", dt.date(1970, 1, 1), "退休日期须晚于出生日期"),
        ("F", "0001-01-01", "日期不能早于 1900-01-01"),
        ("L", dt.date(1979, 1, 1), "开始日期须晚于干部的出生日期"),
        ("L", dt.date(9999, 12, 31), "日期不能晚于"),
    ],
)
def test_implausible_dates_are_refused_by_the_import(cast, column, value, message):
    row = _row("日期", dt.date(1980, 3, 14), gender="女")
    index = ord(column) - ord("A")
    row[index] = value
    with pytest.raises(ImportFailed) as failure:
        _import(cast, _workbook([row]))
    assert message in _places(failure)[(2, column)]


def test_the_services_and_the_cadre_form_refuse_the_same_dates(client, cast):
    from django.core.exceptions import ValidationError

    from kaohe.orgs import services

    with pytest.raises(ValidationError) as error:
        services.cadre_update(actor=None, cadre=cast.cadre_a, birth_date=dt.date(9999, 12, 31))
    assert "出生日期不能晚于今天" in error.value.message_dict["birth_date"][0]
    with pytest.raises(ValidationError) as error:
        services.secondment_create(actor=None, cadre=cast.cadre_a, level="city",
                                   host=cast.unit_b, start_date=dt.date(1, 1, 1))  # fmt: skip
    assert "1900-01-01" in error.value.message_dict["start_date"][0]

    client.force_login(cast.admin)
    response = client.post(
        reverse("orgs:cadre_edit", args=[cast.cadre_a.pk]),
        {"name": cast.cadre_a.name, "birth_date": "1980-03-14", "retired_on": "1970-01-01",
         "id_number": "330102198003140020"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "退休日期须晚于出生日期" in page or "校验位不正确" in page
    cast.cadre_a.refresh_from_db()
    assert cast.cadre_a.retired_on is None


def test_the_cadre_form_records_a_valid_identity_number(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("orgs:cadre_edit", args=[cast.cadre_a.pk]),
        {"name": cast.cadre_a.name, "gender": "女", "birth_date": "1980-03-14",
         "id_number": ZHAO.lower()[:-1] + "7"},
    )  # fmt: skip
    assert response.status_code == 302
    cast.cadre_a.refresh_from_db()
    assert cast.cadre_a.id_number == ZHAO


def test_the_export_carries_the_identity_number_and_imports_back_unchanged(cast):
    from kaohe.orgs import services
    from kaohe.orgs.models import Cadre
    from kaohe.orgs.selectors import with_current_state
    from kaohe.orgs.workbooks import cadres_export

    services.cadre_update(actor=None, cadre=cast.cadre_a, id_number=ZHAO, gender="女",
                          birth_date=dt.date(1980, 3, 14))  # fmt: skip
    exported = cadres_export(with_current_state(Cadre.objects.order_by("pk")))
    sheet = load_workbook(BytesIO(exported))["干部"]
    assert sheet["N1"].value == "身份证号" and ZHAO in [c.value for c in sheet["N"]]
    summary = _import(cast, exported)
    assert summary.unchanged == Cadre.objects.count() and summary.created == 0


def test_a_bad_workbook_comes_back_with_its_bad_cells_marked(
    client, cast, django_capture_on_commit_callbacks
):
    from kaohe.core.models import Job

    client.force_login(cast.admin)
    upload = BytesIO(
        _workbook([_row("甲", dt.date(1980, 3, 14)), _row("", dt.date(9999, 1, 1), "nowhere")])
    )
    upload.name = "干部.xlsx"
    with django_capture_on_commit_callbacks(execute=True):  # the job runs (eagerly) on commit
        client.post(reverse("orgs:workbook_import"), {"kind": "cadres", "file": upload})
    job = Job.objects.latest("pk")
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert job.result.get("rejected"), job.result
    rejected = job.result["rejected"]
    link = reverse("core:rejected_download", args=[rejected])
    assert link in page

    marked = client.get(link)
    assert marked.status_code == 200
    book = load_workbook(BytesIO(marked.content))
    sheet = book["干部"]
    assert sheet["A2"].value is None and sheet["B2"].value == "甲"  # the file as it came
    for coordinate in ("B3", "D3", "G3"):
        assert sheet[coordinate].fill.fgColor.rgb.endswith("FFC7CE"), coordinate
        assert sheet[coordinate].comment is not None
    assert "不能为空" in sheet["B3"].comment.text
    assert "nowhere" in sheet["G3"].comment.text
    assert sheet["B2"].comment is None
    assert [c.value for c in book["错误清单"][1]] == ["行", "列", "原因"]

    client.force_login(cast.outsider)  # only its submitter may download it
    assert client.get(link).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_at_once_on_postgresql_create_each_cadre_once(cast):
    """Two real imports of the same new cadres, each in its own connection and
    transaction, started together: one creates them, the other then finds them."""
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    from django.db import connections, transaction

    from kaohe.orgs.models import Cadre

    data = _workbook(
        [_row("赵青禾", dt.date(1980, 3, 14), id_number=ZHAO)]
        + [_row(f"干部{i}", dt.date(1980, 1, 1 + i)) for i in range(20)]
    )
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def run() -> None:
        try:
            start.wait()
            with transaction.atomic():
                outcomes.append(_import(cast, data))
        except Exception as error:  # the test reports what each thread saw
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert Cadre.objects.filter(name="赵青禾").count() == 1
    assert Cadre.objects.filter(name__startswith="干部").count() == 20
    created = sorted(getattr(o, "created", -1) for o in outcomes)
    assert created == [0, 21], outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_identity_number_registered_meanwhile_gives_a_chinese_message(cast, monkeypatch):
    """The loser of a race the import lock does not cover (a person saving the same
    number through the form while the import runs) meets the database's unique
    constraint, and reads a Chinese message, not an IntegrityError."""
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    from django.db import connections, transaction

    from kaohe.orgs import services, workbooks
    from kaohe.orgs.models import Cadre

    read = workbooks.read_cadres

    def read_then_race(*args, **kwargs):
        sheet = read(*args, **kwargs)

        def form_save() -> None:
            services.cadre_create(actor=None, name="抢先", id_number=ZHAO, gender="女",
                                  birth_date=dt.date(1980, 3, 14))  # fmt: skip
            connections.close_all()

        racer = threading.Thread(target=form_save)
        racer.start()
        racer.join(30)
        return sheet

    monkeypatch.setattr(workbooks, "read_cadres", read_then_race)
    with pytest.raises(ImportFailed) as failure, transaction.atomic():
        _import(cast, _workbook([_row("赵青禾", dt.date(1980, 3, 14), id_number=ZHAO)]))
    assert "同时进行的其他修改冲突" in failure.value.errors[0].message
    assert list(Cadre.objects.filter(id_number=ZHAO).values_list("name", flat=True)) == ["抢先"]
