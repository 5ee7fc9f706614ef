"""What the apps register with core: every audit action the code writes has a Chinese label,
and background jobs are of a kind some app registered."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kaohe.core import registry
from kaohe.core.registry import JobKind, audit_actions, job_kind, job_kinds

PACKAGE = Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _written_actions() -> tuple[set[str], list[str]]:
    """The audit actions written anywhere in the source (tests and migrations aside): the
    strings given as ``action=`` to any call but argparse's ``add_argument``, with both
    branches of a conditional and the values of a mapping (a workflow's action per status).
    An action built at run time (an f-string) cannot be checked, so it is reported."""
    found: set[str] = set()
    unreadable: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
                continue
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                value = keyword.value
                if isinstance(value, ast.JoinedStr | ast.BinOp):
                    unreadable.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
                values = value.values if isinstance(value, ast.Dict) else [value]
                for item in values:
                    found |= {
                        sub.value
                        for sub in ast.walk(item)
                        if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
                    }
    return found, unreadable


def test_every_audit_action_written_in_the_code_has_a_chinese_label():
    written, unreadable = _written_actions()
    assert unreadable == [], "write audit actions out in full, so that their labels are checked"
    assert {
        "login.lock",
        "login.lock_address",
        "unit.create",
        "posting.end",
        "scheme.status",
    } <= written
    assert {"change_request.approve", "change_request.reject", "job.status"} <= written
    labels = audit_actions()
    assert sorted(written - set(labels)) == []
    assert [code for code, label in labels.items() if not CHINESE.search(str(label))] == []


def test_an_action_nobody_labelled_shows_its_code():
    assert registry.audit_action_label("unit.create") == "新增单位"
    assert registry.audit_action_label("nobody.did_this") == "nobody.did_this"


def test_a_second_registration_may_repeat_but_not_contradict(monkeypatch):
    monkeypatch.setattr(registry, "_AUDIT_ACTIONS", {"unit.create": "新增单位"})
    monkeypatch.setattr(registry, "_JOB_KINDS", {})
    registry.register_audit_actions({"unit.create": "新增单位"})
    with pytest.raises(ImproperlyConfigured, match=r"unit\.create"):
        registry.register_audit_actions({"unit.create": "删除单位"})
    kind = JobKind("x.import", "导入", "kaohe.x.run")
    registry.register_job_kinds([kind, kind])
    with pytest.raises(ImproperlyConfigured, match=r"x\.import"):
        registry.register_job_kinds([JobKind("x.import", "导入", "kaohe.y.run")])


def test_the_apps_register_their_job_kinds_with_runners_that_exist():
    from django.utils.module_loading import import_string

    kinds = job_kinds()
    assert {"orgs.units_import", "orgs.cadres_import"} <= set(kinds)
    for kind in kinds.values():
        assert callable(import_string(kind.runner)), kind
        assert CHINESE.search(str(kind.label)), kind
    with pytest.raises(LookupError):
        job_kind("orgs.nothing")


def test_a_job_of_an_unknown_kind_is_refused_and_an_old_one_still_shows(cast):
    from kaohe.core.models import Job
    from kaohe.core.services import job_submit

    with pytest.raises(LookupError):
        job_submit(actor=cast.admin, kind="orgs.nothing", file=b"x")
    assert not Job.objects.exists()
    job = job_submit(actor=cast.admin, kind="orgs.units_import", file=b"x")
    assert (job.kind, job.kind_label, str(job)) == (
        "orgs.units_import", "导入单位", f"导入单位 #{job.pk}"
    )  # fmt: skip
    Job.objects.filter(pk=job.pk).update(kind="gone.import")  # a kind no app registers now
    job.refresh_from_db()
    assert job.kind_label == "gone.import"
