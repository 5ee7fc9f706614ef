"""The scheme form in Chinese: every preset scheme goes through it unchanged, an edit
saves a new version with its clause notes, and the engine's errors appear beside the
field they concern."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kaohe.presets import list_presets, load_preset, preset_text
from kaohe.schemes import definitions, notes, structured


def post_data(definition: Any, clauses: Any) -> dict[str, str]:
    """What the form posts when nothing is changed."""
    start = structured.initial(definition, clauses)
    data: dict[str, str] = {}

    def put(prefix: str, row: dict[str, Any]) -> None:
        for key, value in row.items():
            if value is True:
                data[f"{prefix}{key}"] = "on"
            elif value is not None and value is not False:
                data[f"{prefix}{key}"] = str(value)

    put("", start["basics"])
    for section in structured.SECTIONS:
        rows = start[section]
        data[f"{section}-TOTAL_FORMS"] = str(len(rows))
        data[f"{section}-INITIAL_FORMS"] = str(len(rows))
        for index, row in enumerate(rows):
            put(f"{section}-{index}-", row)
    return data


PRESET_SCHEMES = [
    (preset.id, index) for preset in list_presets() for index in range(len(preset.schemes))
]


@pytest.mark.parametrize(("preset", "index"), PRESET_SCHEMES)
def test_every_preset_scheme_goes_through_the_form_unchanged(preset, index):
    scheme = definitions.without_targets(load_preset(preset)["schemes"][index])
    clauses = notes.kept(notes.preset_notes(preset_text(preset))[index], scheme)
    forms = structured.SchemeForms(post_data(scheme, clauses), definition=scheme, notes=clauses)
    assert forms.is_valid(), [forms.basics.errors] + [s.errors for s in forms.sets.values()]
    built = forms.build()
    assert built is not None
    definition, kept = built
    assert definition == scheme
    # every note survives; a rule's nested notes are gathered on the rule or its conditions
    assert sorted(" ".join(kept.values()).split()) == sorted(" ".join(clauses.values()).split())


def test_the_rules_read_as_sentences_in_the_form_and_on_the_page(client, cast, year):
    from kaohe.schemes import services

    _team, cadre = services.scheme_create_from_preset(
        actor=None, year=year, preset_id="seed004-annual"
    )
    client.force_login(cast.admin)
    page = client.get(reverse("schemes:scheme_edit", args=[cadre.pk])).content.decode()
    assert "等次限制：是党政正职（单列），且（所在单位有「辖区内群体性事件」标记，或" in page
    assert "→ 等次不高于 称职" in page
    assert "004 一(三)5: 本辖区内出现群体性事件的" in page  # the condition's clause
    page = client.get(reverse("schemes:scheme_detail", args=[cadre.pk])).content.decode()
    assert "所在班子等次为 较差 时" in page
    assert "004 一(三)5: 领导班子为较差等次的, ……比例不得超过15%" in page


def test_an_edit_saves_a_version_with_its_notes(client, cast, party):
    scheme = party["party"]
    version = scheme.current_version
    data = post_data(version.definition, version.notes)
    client.force_login(cast.admin)
    url = reverse("schemes:scheme_edit", args=[scheme.pk])
    assert client.post(url, data).status_code == 302
    scheme.refresh_from_db()
    assert scheme.current_version == version  # nothing changed, no new version
    data["bands-0-minimum"] = "92"
    data["bands-0-note"] = "县考核办 2024 年第 3 次会议"
    data["note"] = "提高“好”的分数线"
    assert client.post(url, data).status_code == 302
    scheme.refresh_from_db()
    new = scheme.current_version
    assert new.number == version.number + 1
    assert new.definition["bands"]["好"] == 92
    assert new.notes["bands.好"] == "县考核办 2024 年第 3 次会议"
    assert "# 县考核办 2024 年第 3 次会议" in new.source_text
    assert new.note == "提高“好”的分数线"


def test_an_engine_error_is_shown_beside_its_field(client, cast, party):
    scheme = party["party"]
    version = scheme.current_version
    client.force_login(cast.admin)
    url = reverse("schemes:scheme_edit", args=[scheme.pk])
    data = post_data(version.definition, version.notes)
    data["bands-1-grade"] = "良好"  # not a grade of this scheme
    page = client.post(url, data).content.decode()
    assert (
        '<ul class="errorlist" id="id_bands-1-minimum_errors"><li>未知的等次 良好</li></ul>' in page
    )
    data = post_data(version.definition, version.notes)
    data["components-3-weight"] = "0.2"  # 0.875 + 0.2 ≠ 1
    page = client.post(url, data).content.decode()
    section = page[page.index('id="section-components"') : page.index('id="section-bands"')]
    assert "权重合计" in section
    scheme.refresh_from_db()
    assert scheme.current_version == version


def test_a_condition_row_that_misses_its_name_is_refused_beside_it(client, cast, party):
    scheme = party["party"]
    version = scheme.current_version
    client.force_login(cast.admin)
    data = post_data(version.definition, version.notes)
    data["conditions-0-name"] = ""
    page = client.post(reverse("schemes:scheme_edit", args=[scheme.pk]), data).content.decode()
    assert 'id="id_conditions-0-name_errors"><li>请填写</li>' in page


def test_a_row_is_added_by_htmx_with_the_next_index(client, cast):
    client.force_login(cast.admin)
    url = reverse("schemes:scheme_form_row")
    page = client.get(url, {"section": "bands", "bands-TOTAL_FORMS": "3"}).content.decode()
    assert 'name="bands-3-grade"' in page
    assert 'name="bands-TOTAL_FORMS" value="4"' in page and 'hx-swap-oob="true"' in page
    page = client.get(
        url, {"section": "conditions", "conditions-TOTAL_FORMS": "5", "rule": "2"}
    ).content.decode()
    assert 'name="conditions-5-rule" value="2"' in page
    assert client.get(url, {"section": "nope"}).status_code == 404
    client.force_login(cast.leader)
    assert client.get(url, {"section": "bands", "bands-TOTAL_FORMS": "3"}).status_code == 403


def test_a_rule_added_in_the_form_reads_as_a_sentence(client, cast, party):
    scheme = party["party"]
    version = scheme.current_version
    client.force_login(cast.admin)
    page = client.get(
        reverse("schemes:scheme_form_row"), {"section": "rules", "rules-TOTAL_FORMS": "8"}
    ).content.decode()
    assert 'name="rules-8-id"' in page and 'id="rows-conditions-8"' in page
    assert 'name="rules-TOTAL_FORMS" value="9"' in page
    data = post_data(version.definition, version.notes)
    total = int(data["conditions-TOTAL_FORMS"])
    data |= {"rules-TOTAL_FORMS": "9", "rules-8-id": "incident", "rules-8-effect": "cap",
             "rules-8-value": "一般", "rules-8-note": "县委2024年第5号文件",
             "conditions-TOTAL_FORMS": str(total + 1), f"conditions-{total}-rule": "8",
             f"conditions-{total}-group": "1", f"conditions-{total}-kind": "flag",
             f"conditions-{total}-name": "群体性事件"}  # fmt: skip
    response = client.post(reverse("schemes:scheme_edit", args=[scheme.pk]), data)
    assert response.status_code == 302
    scheme.refresh_from_db()
    new = scheme.current_version
    assert new.definition["rules"][-1] == {
        "id": "incident", "when": {"flag": "群体性事件"}, "then": {"cap": "一般"}
    }  # fmt: skip
    assert new.notes["rules[8]"] == "县委2024年第5号文件"
    page = client.get(reverse("schemes:scheme_detail", args=[scheme.pk])).content.decode()
    assert "等次限制：对象有「群体性事件」标记 → 等次不高于 一般" in page


def test_the_yaml_is_exported_with_its_notes_and_imported_again(client, cast, party):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scheme = party["party"]
    client.force_login(cast.admin)
    exported = client.get(reverse("schemes:scheme_export", args=[scheme.pk]))
    assert exported["Content-Disposition"] == 'attachment; filename="party.yaml"'
    text = exported.content.decode()
    assert "# 001 第十四条: 领导评价得分×0.125" in text
    changed = text.replace("# 001 第十四条: 领导评价得分×0.125", "# 001 第十四条（2024 修订）")
    upload = SimpleUploadedFile("party.yaml", changed.encode(), "application/yaml")
    response = client.post(
        reverse("schemes:scheme_edit_yaml", args=[scheme.pk]), {"text": "", "file": upload}
    )
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.current_version.notes["score.sum[1]"] == "001 第十四条（2024 修订）"
    big = SimpleUploadedFile("x.yaml", b"#" * (1024 * 1024 + 1), "application/yaml")
    page = client.post(reverse("schemes:scheme_edit_yaml", args=[scheme.pk]), {"file": big})
    assert "文件太大（最多 1 MB）" in page.content.decode()
