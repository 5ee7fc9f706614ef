"""Publicity, publication, the cadre's own page and a 复核 in a real browser.

The office starts the publicity of a decided outcome's 优秀 list, the public reads it
without login (on a phone too), the office records an objection and its handling,
publishes, the cadre logs in and reads their grade explained, and the office records a
复核 that recomputes with a corrected score and changes the grade. Screenshots:
``results-publish-*.png``.
"""

from __future__ import annotations

import datetime as dt

from kaohe.conftest import PASSWORD
from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in
from kaohe.results.tests.browser_steps import review_with_recompute

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name


def _cadre_user(cadre):
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create

    return user_create(actor=None, username="zhangqs", password=PASSWORD, role=Role.CADRE,
                       cadre=cadre, validate=False)  # fmt: skip


def test_publicity_objection_publication_own_page_and_a_review(
    live_server, settings, cast, browser, shots
):
    from django.utils import timezone

    from kaohe.results.tests.published import decided

    plain_http(settings)
    url = live_server.url
    data = in_thread(lambda: decided(cast))
    in_thread(lambda: _cadre_user(cast.cadre_a))
    today = timezone.localdate()

    admin = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(admin, url, "admin", PASSWORD)
    admin.click("nav summary:has-text('考核结果')")
    admin.click("nav >> text=公示与公布")
    admin.click(f"#outcomes >> text={data.outcome.year.year}")
    admin.fill("#id_start", (today - dt.timedelta(days=6)).isoformat())
    admin.fill("#id_end", today.isoformat())
    admin.fill("#id_contact", "县委组织部干部科，电话 0000-12380")
    admin.screenshot(path=str(shots / "results-publish-start.png"), full_page=True)
    admin.click("#publicity-start button[type=submit]")
    admin.wait_for_selector("#public-link")
    assert "公示中" in admin.inner_text("main")

    public = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    public.goto(f"{url}/results/gongshi/")
    public.click("text=年度考核优秀等次人选公示")
    text = public.inner_text("main")
    assert "张青山" in text and "党委书记" in text and "李白水" not in text
    assert "0000-12380" in text
    public.screenshot(path=str(shots / "results-publish-public.png"), full_page=True)
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.goto(public.url)
    assert "张青山" in phone.inner_text("#public-list")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(shots / "results-publish-public-phone.png"), full_page=True)

    admin.fill("#objection-form #id_received_on", today.isoformat())
    admin.fill("#objection-form #id_channel", "来信")
    admin.fill("#objection-form #id_content", "反映该同志年内多次缺席例会")
    admin.click("#objection-form button[type=submit]")
    admin.wait_for_selector("#objections article.objection")
    admin.select_option("#objections select[name$=result]", "rejected")
    admin.fill("#objections textarea[name$=handling]", "经查签到记录，缺席均已请假，异议不成立")
    admin.click("#objections button:has-text('记录处理结果')")
    admin.wait_for_selector("#objections .badge.green")
    admin.screenshot(path=str(shots / "results-publish-objection.png"), full_page=True)
    admin.click("#publish")
    admin.wait_for_selector("text=已公布考核结果")

    cadre = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(cadre, url, "zhangqs", PASSWORD)
    assert "分数线定为 优秀" in cadre.inner_text("main")  # the home page
    cadre.click("nav >> text=我的考核结果")
    own = cadre.inner_text("main")
    assert "优秀" in own and "得分 95.00" in own and "申请复核" in own and "李白水" not in own
    cadre.screenshot(path=str(shots / "results-publish-own.png"), full_page=True)

    final_b = data.finals["李白水"]
    review_with_recompute(
        admin, url, final_b.pk, "年终测评得分录入有误，应为 93 分", "score", "93",
        "核对原始测评表，得分应为 93 分，等次变更为优秀",
    )  # fmt: skip
    assert "分项 score：85 → 93" in admin.inner_text("#recompute")
    assert "优秀" in admin.inner_text("#final-grade")
    assert "称职" in admin.inner_text("table.grade-history")
    assert "85" in admin.inner_text("#row-compare")  # the original row beside the new one
    admin.screenshot(path=str(shots / "results-publish-review.png"), full_page=True)
