"""The rater's pages (no account) and the office's pages of the democratic evaluation."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.models import Code, PendingSheet, Session, SessionStatus, Sheet
from kaohe.ballots.tests.conftest import SCAN, VOTE, make_session, marks_for, new_code, scan


def _post_marks(session, by_label=None, **kw):
    data = {}
    for target_id, mark in marks_for(session, by_label or {}, **kw).items():
        data[f"m-{target_id}"] = mark
    return data


def test_the_scan_page_is_code_free_and_the_posted_code_gives_the_ballot_and_a_signed_cookie(
    client, evaluation
):
    code = new_code(evaluation, "下级")
    page = client.get(SCAN)
    assert page.status_code == 200
    assert 'id="code-form"' in page.content.decode() and "data-scan" in page.content.decode()
    response = client.post(VOTE, {"step": "code", "code": code})
    assert response.status_code == 200
    cookie = response.cookies["kaohe_ballot"]
    assert cookie["httponly"] and cookie["path"] == "/ballots/"
    html = response.content.decode()
    assert "测评人类别：下级" in html
    assert "张青山" in html and "青山镇领导班子" in html
    assert "「优秀」最多评 1 个" in html  # five cadres: floor(0.2 × 5)
    assert code not in html
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )
    # the cookie alone brings the ballot back (a reload, the back button)
    again = client.get(VOTE).content.decode()
    assert "测评人类别：下级" in again and code not in again


def test_the_old_scan_address_with_the_code_in_its_path_is_gone(client, evaluation):
    code = new_code(evaluation, "下级")
    assert client.get(f"/ballots/v/{code}/").status_code == 404
    assert not Code.objects.filter(used=True).exists()


def test_the_kept_ballot_carries_each_request_s_own_csrf_token(client, evaluation):
    import re

    tokens = []
    for rater in ("上级", "上级"):
        client.cookies.clear()
        html = scan(client, new_code(evaluation, rater)).content.decode()
        tokens.append(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert all(len(found) == 2 for found in tokens)  # the ballot's form, the language switch
    assert tokens[0][0] != tokens[1][0]
    assert "KAOHECSRFTOKENSLOT" not in html


def test_a_target_added_in_test_mode_shows_on_the_next_ballot(client, cast):
    import datetime as dt

    from kaohe.ballots.models import SessionTarget
    from kaohe.orgs import services as orgs

    session = make_session(cast, status="testing", cadres=1)
    first = scan(client, new_code(session, "上级")).content.decode()
    assert "新来的干部" not in first
    cadre = orgs.cadre_create(
        actor=None, name="新来的干部",
        first_posting={"unit": cast.unit_a, "post": "副镇长", "start_date": dt.date(2020, 1, 1)},
    )  # fmt: skip
    SessionTarget.objects.create(session=session, cadre=cadre, label="新来的干部", order=99)
    client.cookies.clear()
    second = scan(client, new_code(session, "上级")).content.decode()
    assert "新来的干部" in second


def test_a_rater_types_the_code_marks_everyone_reviews_and_confirms(client, evaluation):
    code = new_code(evaluation, "同级")
    response = client.post(VOTE, {"step": "code", "code": code.lower()})
    assert response.status_code == 200 and "测评人类别：同级" in response.content.decode()
    marks = _post_marks(evaluation, {"张青山": "优秀"})
    review = client.post(VOTE, {"step": "review", **marks})
    assert "确认提交" in review.content.decode()
    assert not PendingSheet.objects.exists()
    done = client.post(VOTE, {"step": "confirm", **marks})
    assert done.status_code == 302 and done["Location"] == reverse("ballots:vote_done")
    assert done.cookies["kaohe_ballot"].value == ""
    assert PendingSheet.objects.count() == 1
    assert "提交成功" in client.get(done["Location"]).content.decode()
    # the same code again, typed: the used-code message
    again = client.post(VOTE, {"step": "code", "code": code})
    assert "此测评码已经使用过" in again.content.decode()


def test_too_many_excellent_marks_are_refused_at_the_review_by_the_engine(client, evaluation):
    code = new_code(evaluation, "上级")
    scan(client, code)
    marks = _post_marks(evaluation, {"张青山": "优秀", "干部0": "优秀"})
    page = client.post(VOTE, {"step": "review", **marks}).content.decode()
    assert "超过了允许的比例" in page
    assert "确认提交" not in page
    # posting the confirmation straight away is refused the same way: nothing stored
    client.post(VOTE, {"step": "confirm", **marks})
    assert not PendingSheet.objects.exists()
    assert not Code.objects.get(code=code).used


def test_an_incomplete_ballot_is_shown_again_with_the_marks_given(client, evaluation):
    code = new_code(evaluation, "上级")
    scan(client, code)
    marks = _post_marks(evaluation)
    first = next(iter(marks))
    del marks[first]
    page = client.post(VOTE, {"step": "review", **marks}).content.decode()
    assert "还有测评对象没有评价" in page
    assert page.count("checked") == len(marks)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("ABCD-EFGH", "测评码无效"), ("", "必填")],
)
def test_unknown_or_empty_codes_get_a_chinese_message(client, evaluation, raw, message):
    page = client.post(VOTE, {"step": "code", "code": raw}).content.decode()
    assert message in page


def test_a_scanned_code_of_a_closed_session_gets_the_closed_message(client, evaluation, cast):
    code = new_code(evaluation, "上级")
    held = new_code(evaluation, "上级")
    scan(client, held)  # a ballot open on a phone while the session closes
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    page = client.get(VOTE)
    assert "本次测评已经结束" in page.content.decode()
    assert page.cookies["kaohe_ballot"].value == ""
    scanned = scan(client, code)
    assert "本次测评已经结束" in scanned.content.decode()
    assert "kaohe_ballot" not in scanned.cookies


def test_a_forged_cookie_is_ignored(client, evaluation):
    code = new_code(evaluation, "上级")
    client.cookies["kaohe_ballot"] = code  # not signed
    page = client.get(VOTE).content.decode()
    assert "开始测评" in page and "测评人类别" not in page


def test_the_areas_form_asks_each_area_of_each_target(client, cast):
    from kaohe.ballots.models import BallotForm

    session = make_session(cast, cadres=0)
    Session.objects.filter(pk=session.pk).update(
        team_form=BallotForm.objects.get(name="领导班子分项评价（五个方面）"),
        cadre_form=BallotForm.objects.get(name="领导干部德能勤绩廉测评"),
    )
    session.refresh_from_db()
    code = new_code(session, "上级")
    scan(client, code)
    html = client.get(VOTE).content.decode()
    for area in ("政治思想建设", "作风建设", "德", "廉"):
        assert area in html
    data = {"step": "confirm"}
    for target in session.targets.all():
        areas = session.team_form.areas if target.team_id else session.cadre_form.areas
        for i, _area in enumerate(areas):
            data[f"m-{target.pk}-{i}"] = "好" if target.team_id else "称职"
    client.post(VOTE, data)
    sheet = PendingSheet.objects.get()
    team = session.targets.get(team__isnull=False)
    assert sheet.marks[str(team.pk)]["党风廉政建设"] == "好"


def test_the_office_creates_a_session_for_a_unit_with_its_team_and_cadres(client, cast):
    from kaohe.ballots.models import BallotForm
    from kaohe.schemes.tests.factories import year_2024

    client.force_login(cast.admin)
    response = client.post(
        reverse("ballots:session_create"),
        {
            "name": "青山镇2024年度民主测评", "year": year_2024().pk, "unit": cast.unit_a.pk,
            "team_form": BallotForm.objects.get(name="领导班子综合评价").pk,
            "cadre_form": BallotForm.objects.get(name="领导干部年度考核测评").pk,
            "opens_at": "2024-12-28T09:00", "closes_at": "2024-12-28T12:00",
            "rater_classes": "上级=0.3\n同级=0.3\n下级=0.4",
        },
    )  # fmt: skip
    session = Session.objects.get()
    assert response.status_code == 302
    assert [t.label for t in session.targets.all()] == ["青山镇领导班子", "张青山"]
    assert [(r.name, str(r.weight)) for r in session.rater_classes.all()] == [
        ("上级", "0.3000"), ("同级", "0.3000"), ("下级", "0.4000"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [("上级=2", "第 1 行"), ("上级=0.3\n上级=0.7", "不能重名"), ("上级=x", "第 1 行")],
)
def test_bad_rater_class_lines_are_named_in_chinese(client, cast, text, message):
    client.force_login(cast.admin)
    page = client.post(reverse("ballots:session_create"), {"rater_classes": text}).content.decode()
    assert message in page
    assert not Session.objects.exists()


def test_the_office_makes_codes_and_prints_them_as_a_word_document_of_qr_slips(
    client, cast, evaluation, monkeypatch
):
    import segno
    from docx import Document

    from kaohe.ballots import evaluation_slips

    encoded: list[str] = []
    real_make = segno.make

    def make(content, **kw):
        encoded.append(content)
        return real_make(content, **kw)

    monkeypatch.setattr(evaluation_slips.segno, "make", make)

    client.force_login(cast.admin)
    rater = evaluation.rater_classes.get(name="下级")
    client.post(reverse("ballots:session_codes", args=[evaluation.pk]),
                {"rater_class": rater.pk, "count": 12})  # fmt: skip
    assert Code.objects.filter(rater_class=rater).count() == 12
    response = client.get(reverse("ballots:session_codes_print", args=[evaluation.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for code in Code.objects.all():
        assert services.format_code(code.code) in text
    assert len(document.inline_shapes) == 12  # one QR code per slip
    # each QR code opens the scan page with its code in the fragment, never in the path
    codes = set(Code.objects.filter(rater_class=rater).values_list("code", flat=True))
    assert {url.rsplit("#", 1)[1] for url in encoded} == codes
    assert all(url.startswith("http://testserver/ballots/scan/#") for url in encoded)
    assert len(document.tables) == 2  # ten slips a page


def _png_pixels(data: bytes) -> memoryview:
    """The grey pixels of a slip's PNG as segno writes it (bit depth 1, greyscale, rows
    filtered with None or Up), one byte each, as a 2-D view a QR decoder reads."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, width, height = 8, b"", 0, 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">2I2B", body[:10])
            assert (depth, colour) == (1, 0)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw, stride = zlib.decompress(idat), (width + 7) // 8
    pixels, above = bytearray(), bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row_filter, line = raw[start], raw[start + 1 : start + 1 + stride]
        assert row_filter in (0, 2)
        if row_filter == 2:
            line = bytes((a + b) & 0xFF for a, b in zip(line, above, strict=True))
        above = line
        pixels += bytes(255 * ((line[x // 8] >> (7 - x % 8)) & 1) for x in range(width))
    return memoryview(bytes(pixels)).cast("B", (height, width))


def test_slip_qr_codes_decode(client, cast, evaluation):
    """The printed slips' QR codes read back, with a real decoder (zxing-cpp), as the scan
    address with the slip's code in its fragment."""
    import zxingcpp
    from docx import Document

    client.force_login(cast.admin)
    rater = evaluation.rater_classes.get(name="上级")
    client.post(reverse("ballots:session_codes", args=[evaluation.pk]),
                {"rater_class": rater.pk, "count": 4})  # fmt: skip
    response = client.get(reverse("ballots:session_codes_print", args=[evaluation.pk]))
    document = Document(io.BytesIO(response.content))
    read = set()
    for shape in document.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        image = document.part.related_parts[blip].blob
        found = zxingcpp.read_barcodes(_png_pixels(image))
        assert len(found) == 1
        read.add(found[0].text)
    codes = Code.objects.filter(rater_class=rater).values_list("code", flat=True)
    assert read == {f"http://testserver/ballots/scan/#{code}" for code in codes}


def test_turnout_counts_used_codes_per_class_and_the_list_has_a_fixed_query_count(
    client, cast, evaluation, vote, django_assert_max_num_queries
):
    vote(evaluation, "下级")
    new_code(evaluation, "下级")
    client.force_login(cast.admin)
    page = client.get(reverse("ballots:session_turnout", args=[evaluation.pk])).content.decode()
    assert "50%" in page
    for i in range(3):
        make_session(cast, cadres=0, name=f"另一次{i}")
    with django_assert_max_num_queries(8):
        listing = client.get(reverse("ballots:session_list"))
    assert listing.content.decode().count("另一次") == 3


def test_results_are_hidden_while_the_session_is_open_and_below_the_minimum(
    client, cast, evaluation, vote
):
    for _ in range(4):
        vote(evaluation, "下级")
    client.force_login(cast.committee_member)
    url = reverse("ballots:session_results", args=[evaluation.pk])
    assert "测评结束后才能查看结果" in client.get(url).content.decode()
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    page = client.get(url).content.decode()
    assert "有效票不足，不显示" in page
    assert Sheet.objects.count() == 4
    assert Session.objects.get().status == SessionStatus.CLOSED


@pytest.mark.parametrize("raw", ["ABCD\x00EFGH", "AB\u202eCDEFGH", "A" * 500])
def test_hostile_codes_are_refused_with_a_message_and_nothing_is_used(client, evaluation, raw):
    page = client.post(VOTE, {"step": "code", "code": raw})
    assert page.status_code == 200
    assert 'class="errorlist' in page.content.decode()
    assert "kaohe_ballot" not in page.cookies or page.cookies["kaohe_ballot"].value == ""
    assert not Code.objects.filter(used=True).exists()


def test_a_scanned_fragment_with_garbage_leads_to_the_unknown_code_message(client, evaluation):
    # what the scan page's script posts from /ballots/scan/#<script>‮xxx…
    response = scan(client, "<script>\u202e" + "x" * 300)
    page = response.content.decode()
    assert "测评码无效" in page or "errorlist" in page
    assert "<script>\u202e" not in page


def test_the_office_is_told_to_close_a_session_past_its_closing_time(client, cast, evaluation):
    import datetime as dt

    from django.utils import timezone

    client.force_login(cast.admin)
    url = reverse("ballots:session_detail", args=[evaluation.pk])
    assert "已过结束时间" not in client.get(url).content.decode()
    Session.objects.filter(pk=evaluation.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert "已过结束时间" in client.get(url).content.decode()


def test_the_office_adds_a_ballot_form_with_its_points_areas_and_limit(client, cast):
    from decimal import Decimal

    from kaohe.ballots.models import BallotForm

    client.force_login(cast.admin)
    url = reverse("ballots:ballot_form_create")
    response = client.post(url, {
        "name": "干部五项测评", "subject": "cadre", "choices": "优秀=100\n良好=90\n一般=70\n较差=40",
        "areas": "德\n能\n勤\n绩\n廉", "max_share_choice": "优秀", "max_share": "0.15",
    })  # fmt: skip
    assert response.status_code == 302
    form = BallotForm.objects.get(name="干部五项测评")
    assert form.points() == {"优秀": 100, "良好": 90, "一般": 70, "较差": 40}
    assert form.areas == ["德", "能", "勤", "绩", "廉"] and form.max_share == Decimal("0.150")
    for bad, message in (
        ({"choices": "优秀=100\n优秀=80"}, "选项不能重名"),
        ({"choices": "优秀=abc\n称职=80"}, "第 1 行"),
        ({"max_share_choice": "特优"}, "限制比例的选项必须是测评表的选项之一"),
        ({"max_share": ""}, "同时填写"),
    ):
        data = {"name": "另一张", "subject": "cadre", "choices": "优秀=100\n称职=80",
                "max_share_choice": "优秀", "max_share": "0.2", **bad}  # fmt: skip
        assert message in client.post(url, data).content.decode()
    assert not BallotForm.objects.filter(name="另一张").exists()
