"""Clause notes: the seed clause of every element, read from a preset's comments, kept as
data beside the definition, written back as comments and read again unchanged."""

from __future__ import annotations

import pytest

from kaohe.presets import list_presets, load_preset, preset_text
from kaohe.schemes import definitions, notes


@pytest.mark.parametrize("preset", [p.id for p in list_presets()])
def test_a_presets_notes_survive_writing_and_reading_again(preset):
    from kaohe.engine import load_text

    clauses = notes.preset_notes(preset_text(preset))
    for scheme, found in zip(load_preset(preset)["schemes"], clauses, strict=True):
        definition = definitions.without_targets(scheme)
        kept = notes.kept(found, definition)
        text = notes.dump(definition, kept)
        assert definitions.plain(load_text(text)) == definition
        assert notes.extract(text) == kept


def test_each_element_keeps_the_clause_it_came_from():
    (style,) = notes.preset_notes(preset_text("seed000-style"))
    assert style["bands.好"] == "000 三、4: 好 100-90分(含90分)"
    assert style["quotas[0].ratio"] == '000 三、4: "好"的等次不超过同类别单位总数的30%'
    assert '党风廉政建设"一票否决"' in notes.under(style, "rules[1]")
    _team, cadre = notes.preset_notes(preset_text("seed004-annual"))
    assert cadre["quotas[0].ratio_by_grade_of.grades.较差"].startswith(
        "004 一(三)5: 领导班子为较差"
    )
    assert cadre["rules[3].when.all[1].any[0]"] == "004 一(三)5: 本辖区内出现群体性事件的"


def test_a_scheme_made_from_a_preset_stores_its_notes_and_shows_them_as_comments(party):
    version = party["party"].current_version
    assert version.notes["score.sum[1]"] == "001 第十四条: 领导评价得分×0.125"
    assert "# 001 第十四条: 领导评价得分×0.125" in version.source_text
    assert "targets" not in version.notes


def test_a_comment_written_in_the_yaml_becomes_a_note_and_an_edit_of_it_a_version(cast, party):
    from kaohe.schemes.services import scheme_update

    review = party["review"]
    text = review.current_version.source_text.replace(
        "好: 90", "# 述职评议办法 第五条\n  好: 90", 1
    )
    scheme_update(actor=cast.admin, scheme=review, text=text)
    review.refresh_from_db()
    assert review.current_version.number == 2
    assert review.current_version.notes["bands.好"].endswith("\n述职评议办法 第五条")
