"""What a person reads beside each step of their grade: the seed clause and its Chinese
words, never the preset authors' English remarks."""

from __future__ import annotations

import pytest

from kaohe.results.explain import clauses


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("004 一(三)5: 测评分值 (the whole score)", "004 一(三)5：测评分值"),
        (
            "004 一(三)5 综合分析: 测评分值不低于90分 (优秀 needs a 测评 score ≥ 90)",
            "004 一(三)5 综合分析：测评分值不低于90分",
        ),
        ("004 一(三)5: the ratio follows the grade of the cadre's team", "004 一(三)5"),
        (
            "004 一(三)5: 优秀比例控制在本乡镇和部门乡科级干部总数20%. Choice: the 单列 list",
            "004 一(三)5：优秀比例控制在本乡镇和部门乡科级干部总数20%",
        ),
        ("001 第十四条：县领导评价", "001 第十四条：县领导评价"),
        ("a remark\n004 一(三)5: x\n004 一(三)5: y", "004 一(三)5"),  # once
        ("Choice: the seed gives no points", "种子文件未作规定，由方案设定"),
        ("no clause at all", ""),
    ],
)
def test_a_note_shows_its_clauses_in_chinese_only(note, shown):
    assert clauses(note) == shown
