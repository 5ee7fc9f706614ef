"""Steps of the results pages in a real browser, shared by the browser tests that take
them (``test_proposals_browser``, ``test_browser_publish`` and ``test_browser_whole_path``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def propose_fix_and_submit(committee: Any, final: int, shot: Path) -> None:
    """On the party committee's open proposal page: propose ``final`` (a 称职 beyond the
    quota) 优秀, see the error beside its row (screenshot ``shot``) and the refused
    submission, put it back to 称职 and submit."""
    committee.select_option(f"select[name=grade-{final}]", "优秀")
    committee.wait_for_selector(f"#check-{final} .problem.error")
    assert "优秀" in committee.inner_text(f"#check-{final}")
    committee.screenshot(path=str(shot), full_page=True)
    committee.click("button:has-text('提交')")
    committee.wait_for_selector("#form-errors")
    assert "不能提交" in committee.inner_text("#form-errors")
    committee.select_option(f"select[name=grade-{final}]", "称职")
    committee.wait_for_selector("#check-summary:has-text('检查通过')")
    committee.click("button[value=submit]")
    committee.wait_for_selector(".messages:has-text('等次建议已提交')")


def review_with_recompute(
    admin: Any, url: str, final: int, reason: str, input_name: str, value: str, decision: str
) -> None:
    """The office records a 复核 of grade ``final``, recomputes with input ``input_name``
    corrected to ``value`` (waits for the job: the page is reloaded) and decides that the
    grade changes, with the reason ``decision``."""
    admin.goto(f"{url}/results/grades/{final}/")
    admin.click("text=登记复核、申诉")
    admin.fill("#id_reason", reason)
    admin.click("button:has-text('登记')")
    admin.wait_for_selector("#recompute")
    admin.check("input[name=source][value=snapshot]")
    admin.fill("#id_input_name", input_name)
    admin.fill("#id_value", value)
    admin.click("#recompute button[type=submit]")
    admin.wait_for_selector("text=已开始重新计算")
    for _attempt in range(20):  # the job runs on commit; the page is reloaded to see it
        if admin.locator("#row-compare").count():
            break
        admin.wait_for_timeout(300)
        admin.reload()
    assert f"分项 {input_name}：" in admin.inner_text("#recompute")
    admin.select_option("#id_decision", "changed")
    admin.fill("#decide #id_reason", decision)
    admin.click("#decide button[type=submit]")
    admin.wait_for_selector("text=已作出决定")
