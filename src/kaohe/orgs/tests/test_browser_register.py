"""In a real browser, on the demo county: a town's leadership team is listed as a Chinese
list orders it (书记, 镇长, then the members in the office's order, not by surname), the
office moves a member and the audit log says so field by field in Chinese; a cadre is
found by the initials of the name's pinyin as one types. Screenshots: ``team-members.png``,
``audit-team-order.png``, ``cadres-pinyin.png``."""

from __future__ import annotations

import pytest

from kaohe.core.tests.browser import MARKS, browser, log_in, plain_http, shots

__all__ = ["browser", "shots"]  # fixtures used by name

pytestmark = MARKS


@pytest.fixture
def site(live_server, settings):
    """The demo county; the facts the test checks are read before the browser starts."""
    from kaohe.demo.services import DEMO_PASSWORD, demo_load
    from kaohe.orgs.models import Posting, Team
    from kaohe.orgs.pinyin import search_text
    from kaohe.orgs.selectors import team_members

    plain_http(settings)
    demo_load()
    team = Team.objects.get(unit__name="青山镇")
    members = list(team_members(Posting.objects.all(), team))
    # a cadre of another unit, found by the initials of the name's pinyin
    sought = Posting.objects.select_related("cadre", "unit").get(
        unit__name="白水镇", post="党委书记", end_date__isnull=True
    )
    initials = search_text(sought.cadre.name).split()[2]
    return {
        "url": live_server.url,
        "password": DEMO_PASSWORD,
        "team": team.pk,
        "names": [p.cadre.name for p in members],
        "posts": [p.post for p in members],
        "congress": next(p for p in members if p.post == "人大主席"),
        "sought": sought.cadre.name,
        "initials": initials,
    }


def test_the_team_page_lists_members_by_post_and_the_office_reorders_them(site, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, site["url"], "admin", site["password"])
    page.goto(f"{site['url']}/orgs/teams/?q=青山镇")
    page.click("#results a:has-text('青山镇领导班子')")
    page.wait_for_selector("h2:has-text('班子成员')")
    rows = page.locator("#members tbody tr")
    posts = [rows.nth(i).locator("td").nth(2).inner_text().strip() for i in range(rows.count())]
    assert posts == site["posts"]
    assert posts[:4] == ["党委书记", "党委副书记、镇长", "人大主席", "党委副书记"]
    names = [rows.nth(i).locator("td").nth(1).inner_text().strip() for i in range(rows.count())]
    assert names == site["names"] and names != sorted(names)
    page.screenshot(path=shots / "team-members.png", full_page=True)

    congress = site["congress"]
    page.fill(f"#id_order_{congress.pk}", "99")
    page.click("button:has-text('保存排序')")
    page.wait_for_selector("text=已保存班子成员排序")
    posts = [rows.nth(i).locator("td").nth(2).inner_text().strip() for i in range(rows.count())]
    assert posts[-1] == "人大主席" and posts[:3] == ["党委书记", "党委副书记、镇长", "党委副书记"]

    page.goto(f"{site['url']}/audit/?action=team.order")
    row = page.locator("#results tbody tr").first
    assert "调整班子成员排序" in row.inner_text() and "team.order" not in row.inner_text()
    assert "成员排序" in row.locator("table.changes").inner_text()
    assert f"{congress.cadre.name}（人大主席）" in row.inner_text()
    assert "{" not in row.inner_text()
    page.screenshot(path=shots / "audit-team-order.png")


def test_a_cadre_is_found_by_pinyin_initials_as_one_types(site, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    log_in(page, site["url"], "admin", site["password"])
    page.goto(f"{site['url']}/orgs/cadres/")
    page.locator("#id_q").press_sequentially(site["initials"], delay=40)
    page.wait_for_url(f"**q={site['initials']}**")
    page.wait_for_selector(f"#results a:has-text('{site['sought']}')")
    assert site["sought"] in page.locator("#results").inner_text()
    page.locator("#id_post").fill("党委书记")
    page.locator("#id_post").press("Enter")
    page.wait_for_url("**post=**")
    page.wait_for_selector(f"#results a:has-text('{site['sought']}')")
    page.screenshot(path=shots / "cadres-pinyin.png", full_page=True)
