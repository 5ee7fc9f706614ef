"""Schemes: created from presets or by hand, validated by the engine, versioned, and moved
along the status pipeline only as its table allows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

HAND = """\
id: quality
name: 高质量发展绩效考核
subject: unit
grades: [好, 较好, 一般, 差]
bands: {好: 90, 较好: 80, 一般: 60}
group_by: category
"""


def test_a_preset_becomes_one_draft_scheme_per_engine_scheme_with_one_audit_row(cast, year):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes.services import scheme_create_from_preset

    schemes = scheme_create_from_preset(actor=cast.admin, year=year, preset_id="seed001-party")

    assert [(s.code, s.suite, s.status, s.subject) for s in schemes] == [
        ("review", "党建工作成效考核", "draft", "unit"),
        ("party", "党建工作成效考核", "draft", "unit"),
    ]
    party = schemes[1]
    assert party.current_version.number == 1
    assert "targets" not in party.current_version.definition
    assert party.current_version.definition["score"]["sum"][1]["weight"] == 0.125
    assert party.current_version.policy == {"quota_rounding": "floor", "ties_at_cutoff": "hold"}
    entry = AuditEntry.objects.get(action="scheme.create_from_preset")
    assert entry.actor == cast.admin
    assert entry.after["schemes"] == ["review", "party"]


def test_the_same_preset_twice_in_one_year_is_refused(cast, party, year):
    from kaohe.schemes.errors import SchemeError
    from kaohe.schemes.services import scheme_create_from_preset

    with pytest.raises(ValidationError) as error:
        scheme_create_from_preset(actor=cast.admin, year=year, preset_id="seed001-party")
    assert error.value.error_dict["preset"][0].code == SchemeError.SUITE_EXISTS


def test_two_presets_with_the_same_scheme_ids_live_side_by_side(cast, year):
    from kaohe.schemes.services import scheme_create_from_preset

    a = scheme_create_from_preset(actor=cast.admin, year=year, preset_id="seed002-team")
    b = scheme_create_from_preset(actor=cast.admin, year=year, preset_id="seed004-annual")
    assert [s.code for s in a] == [s.code for s in b] == ["team", "cadre"]
    assert a[0].suite != b[0].suite


def test_a_hand_written_scheme_is_validated_and_saved(cast, year):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes.services import scheme_create

    scheme = scheme_create(actor=cast.admin, year=year, suite="高质量发展", text=HAND)
    assert (scheme.code, scheme.name, scheme.current_version.number) == (
        "quality",
        "高质量发展绩效考核",
        1,
    )
    assert scheme.current_version.source_text == HAND
    assert AuditEntry.objects.filter(action="scheme.create", object_id=str(scheme.pk)).exists()


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (HAND.replace("较好: 80", "较好: 95"), "位置 bands：", "分数线应随等次降低而降低"),
        (HAND + "rules:\n  - {id: r, when: {grade_of: {scheme: nope, of: self, is: 好}}, "
         "then: {cap: 较好}}\n", "位置 rules[0].when.grade_of.scheme：", "未知的考核方案 nope"),
        ("id: x\nname: [unclosed\n", "位置 line ", ""),
        (HAND.replace("subject: unit", "subject: person"), "位置 subject：", ""),
    ],
    ids=["bands", "unknown-scheme", "yaml", "subject"],
)  # fmt: skip
def test_the_engine_refuses_a_bad_definition_naming_the_place(cast, year, text, path, words):
    from kaohe.schemes.errors import SchemeError
    from kaohe.schemes.models import Scheme
    from kaohe.schemes.services import scheme_create

    with pytest.raises(ValidationError) as error:
        scheme_create(actor=cast.admin, year=year, suite="高质量发展", text=text)
    problem = error.value.error_dict["text"][0]
    assert problem.code == SchemeError.ENGINE
    assert problem.message.startswith(path)
    assert words in problem.message
    assert not Scheme.objects.exists()


def test_the_form_shows_the_engine_message_beside_the_text_with_its_path(client, cast, year):
    client.force_login(cast.admin)
    response = client.post(
        reverse("schemes:scheme_create"),
        {"year": year.pk, "suite": "高质量发展", "text": HAND.replace("较好: 80", "较好: 95")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_text_errors"' in page
    assert "位置 bands：分数线应随等次降低而降低" in page


def test_a_reference_to_a_scheme_of_the_same_suite_is_validated_with_it(cast, party):
    from kaohe.schemes.services import scheme_update

    scheme = party["party"]
    text = scheme.current_version.source_text.replace("scheme: review", "scheme: reviews")
    with pytest.raises(ValidationError) as error:
        scheme_update(actor=cast.admin, scheme=scheme, text=text)
    assert "未知的考核方案 reviews" in error.value.error_dict["text"][0].message


def test_an_edit_is_a_new_version_and_the_old_one_is_kept(cast, party):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes.services import scheme_update

    scheme = party["review"]
    text = scheme.current_version.source_text.replace("好: 90", "好: 92", 1)
    scheme_update(actor=cast.admin, scheme=scheme, text=text, note="调整好等次分数线")

    scheme.refresh_from_db()
    assert scheme.current_version.number == 2
    assert scheme.current_version.definition["bands"]["好"] == 92
    assert [v.number for v in scheme.versions.all()] == [2, 1]
    assert scheme.versions.get(number=1).definition["bands"]["好"] == 90
    entry = AuditEntry.objects.get(action="scheme.update")
    assert entry.before["version"] == 1 and entry.after["version"] == 2


def test_saving_the_same_definition_makes_no_version(cast, party):
    from kaohe.schemes.services import scheme_update

    scheme = party["review"]
    scheme_update(actor=cast.admin, scheme=scheme, text=scheme.current_version.source_text)
    assert scheme.versions.count() == 1


def test_the_engine_id_cannot_change(cast, party):
    from kaohe.schemes.errors import SchemeError
    from kaohe.schemes.services import scheme_update

    scheme = party["review"]
    text = scheme.current_version.source_text.replace("id: review", "id: review2")
    with pytest.raises(ValidationError) as error:
        scheme_update(actor=cast.admin, scheme=scheme, text=text)
    assert error.value.error_dict["text"][0].code == SchemeError.CODE_CHANGED


def test_an_edit_that_breaks_a_scheme_reading_this_one_is_refused(cast, party):
    from kaohe.schemes.services import scheme_update

    review = party["review"]
    # party's rule review_not_good reads the grade 较好 of review
    text = review.current_version.source_text.replace("好, 较好,", "好, 良好,").replace(
        "较好: 80", "良好: 80"
    )
    with pytest.raises(ValidationError) as error:
        scheme_update(actor=cast.admin, scheme=review, text=text)
    assert "方案 party 引用本方案" in error.value.error_dict["text"][0].message


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["published"], True),
        (["locked"], False),
        (["draft"], False),
        (["published", "draft"], True),
        (["published", "locked"], True),
        (["published", "locked", "draft"], False),
    ],
)
def test_the_status_pipeline_allows_only_its_table(cast, party, path, allowed):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes.errors import SchemeError
    from kaohe.schemes.services import scheme_set_status

    scheme = party["party"]
    *before, last = path
    for status in before:
        scheme_set_status(actor=cast.admin, scheme=scheme, status=status)
    if allowed:
        scheme_set_status(actor=cast.admin, scheme=scheme, status=last)
        scheme.refresh_from_db()
        assert scheme.status == last
        assert AuditEntry.objects.filter(action="scheme.status").count() == len(path)
    else:
        with pytest.raises(ValidationError) as error:
            scheme_set_status(actor=cast.admin, scheme=scheme, status=last)
        assert error.value.code == SchemeError.TRANSITION
        scheme.refresh_from_db()
        assert scheme.status == (before[-1] if before else "draft")


def test_a_published_scheme_cannot_be_edited(cast, party):
    from kaohe.schemes.errors import SchemeError
    from kaohe.schemes.services import scheme_set_status, scheme_update

    scheme = scheme_set_status(actor=cast.admin, scheme=party["review"], status="published")
    with pytest.raises(ValidationError) as error:
        scheme_update(actor=cast.admin, scheme=scheme, text=scheme.current_version.source_text)
    assert error.value.code == SchemeError.NOT_DRAFT


def test_the_pages_create_from_a_preset_and_publish(client, cast, year):
    from kaohe.schemes.models import Scheme

    client.force_login(cast.admin)
    response = client.post(
        reverse("schemes:scheme_create_from_preset"),
        {"year": year.pk, "preset": "seed000-style"},
    )
    scheme = Scheme.objects.get(code="style")
    assert response.status_code == 302
    assert response["Location"] == reverse("schemes:scheme_detail", args=[scheme.pk])
    client.post(reverse("schemes:scheme_status", args=[scheme.pk]), {"status": "published"})
    scheme.refresh_from_db()
    assert scheme.status == "published"
    response = client.post(reverse("schemes:scheme_status", args=[scheme.pk]), {"status": "nope"})
    scheme.refresh_from_db()
    assert scheme.status == "published"


def test_unlocking_needs_a_written_reason_which_the_audit_row_keeps(cast, party):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes.errors import SchemeError
    from kaohe.schemes.services import scheme_set_status

    scheme = party["party"]
    for status in ("published", "locked"):
        scheme_set_status(actor=cast.admin, scheme=scheme, status=status)
    with pytest.raises(ValidationError) as error:
        scheme_set_status(actor=cast.admin, scheme=scheme, status="published", reason="  ")
    assert error.value.error_dict["reason"][0].code == SchemeError.REASON_REQUIRED
    scheme.refresh_from_db()
    assert scheme.status == "locked"
    scheme_set_status(actor=cast.admin, scheme=scheme, status="published", reason="第三条比例有误")
    scheme.refresh_from_db()
    assert scheme.status == "published"
    entry = AuditEntry.objects.filter(action="scheme.status").latest("pk")
    assert entry.before == {"status": "locked"}
    assert entry.after == {"status": "published", "reason": "第三条比例有误"}


def test_locking_is_confirmed_on_a_page_that_says_what_it_means(client, cast, party, draft_system):
    from kaohe.schemes.services import scheme_set_status

    scheme = scheme_set_status(actor=cast.admin, scheme=party["party"], status="published")
    client.force_login(cast.admin)
    detail = client.get(reverse("schemes:scheme_detail", args=[scheme.pk])).content.decode()
    lock_url = reverse("schemes:scheme_lock", args=[scheme.pk])
    assert f'href="{lock_url}"' in detail
    assert "onclick" not in detail
    page = client.get(lock_url).content.decode()
    assert "方案定义不能再修改" in page
    assert f"计算考核结果时使用本方案的当前版本 v{scheme.current_version.number}" in page
    assert f"指标体系「{draft_system.name}」仍是草稿，锁定后将不能发布" in page
    scheme.refresh_from_db()
    assert scheme.status == "published"  # looking is not locking
    assert client.post(lock_url).status_code == 302
    scheme.refresh_from_db()
    assert scheme.status == "locked"


def test_the_office_unlocks_on_a_page_with_a_reason(client, cast, party):
    from kaohe.schemes.services import scheme_set_status

    scheme = party["party"]
    for status in ("published", "locked"):
        scheme_set_status(actor=cast.admin, scheme=scheme, status=status)
    client.force_login(cast.admin)
    url = reverse("schemes:scheme_unlock", args=[scheme.pk])
    page = client.post(url, {"reason": ""}).content.decode()
    assert "该字段是必填项" in page
    scheme.refresh_from_db()
    assert scheme.status == "locked"
    response = client.post(url, {"reason": "补充第十七条的分数线"})
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.status == "published"
    client.force_login(cast.leader)
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_the_preset_form_preselects_the_newest_year_and_shows_what_it_made(client, cast, party):
    from kaohe.orgs.services import year_create

    older = year_create(actor=None, year=2023, name="2023年度")
    client.force_login(cast.admin)
    url = reverse("schemes:scheme_create_from_preset")
    page = client.get(url).content.decode()
    year = party["party"].year
    assert f'<option value="{year.pk}" selected>' in page
    assert "包含方案：领导班子年度考核、领导干部年度考核" in page
    assert "team、cadre" not in page and "方案：team" not in page
    assert "2024年度已由此创建：" in page
    assert f'href="{reverse("schemes:scheme_detail", args=[party["party"].pk])}"' in page
    assert 'value="seed001-party" disabled' in page
    page = client.get(url, {"year": older.pk}).content.decode()  # what htmx asks on a change
    assert "已由此创建" not in page
    assert 'value="seed001-party">' in page
    page = client.get(url, {"year": older.pk, "preset": "seed002-team"}).content.decode()
    assert 'value="seed002-team" checked>' in page  # a choice survives the redraw


def test_two_schemes_of_one_name_in_a_year_are_told_apart_by_their_suite(client, cast, year):
    from kaohe.schemes import services
    from kaohe.schemes.errors import SchemeError

    team = services.scheme_create_from_preset(actor=None, year=year, preset_id="seed002-team")[0]
    county = services.scheme_create_from_preset(actor=None, year=year, preset_id="seed004-annual")[
        0
    ]
    assert team.name == county.name == "领导班子年度考核"
    assert str(team) != str(county)
    assert str(county) == "2024年度 领导班子年度考核（县管领导班子和领导干部年度考核）"
    client.force_login(cast.admin)
    page = client.get(reverse("schemes:system_create")).content.decode()
    assert f">{team}</option>" in page and f">{county}</option>" in page
    text = "id: other\nname: 领导班子年度考核\nsubject: team\ngrades: [好, 差]\nbands: {好: 60}\n"
    with pytest.raises(ValidationError) as error:
        services.scheme_create(actor=None, year=year, suite=county.suite, text=text)
    assert error.value.error_dict["text"][0].code == SchemeError.NAME_TAKEN
    services.scheme_create(actor=None, year=year, suite="自定义方案", text=text)


def test_the_pages_ask_before_deleting_or_locking_without_inline_script(
    client, cast, party, draft_system
):
    client.force_login(cast.admin)
    pages = [
        client.get(reverse("schemes:system_detail", args=[draft_system.pk])).content.decode(),
        client.get(reverse("schemes:scheme_detail", args=[party["party"].pk])).content.decode(),
        client.get(reverse("schemes:scheme_edit", args=[party["party"].pk])).content.decode(),
    ]
    assert 'data-confirm="删除此指标及其全部下级指标？"' in pages[0]
    assert "core/kaohe.js" in pages[0]  # which asks before a data-confirm form is sent
    for page in pages:
        assert "onclick=" not in page and "onsubmit=" not in page
        assert "<script>" not in page
