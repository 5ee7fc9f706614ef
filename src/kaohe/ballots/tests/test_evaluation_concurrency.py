"""The same code submitted twice at the same moment gives exactly one sheet: real concurrent
requests to a live server against PostgreSQL, and two transactions racing in the service."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest
from django.db import connection, connections

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.models import Code, PendingSheet
from kaohe.ballots.tests.conftest import make_session, marks_for, new_code
from kaohe.core.tests.browser import plain_http

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
RACERS = 6


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")


def test_one_code_posted_by_several_phones_at_once_gives_exactly_one_sheet(
    live_server, cast, settings
):
    _needs_postgresql()
    plain_http(settings)
    session = make_session(cast, cadres=2)
    code = new_code(session, "下级")
    data = {f"m-{k}": v for k, v in marks_for(session, {}).items()}
    ready = threading.Barrier(RACERS)
    landed: list[str] = []

    def phone() -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{live_server.url}/ballots/scan/", timeout=30).read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found is not None
        scanned = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": found.group(1), "step": "code", "code": code}
        )  # what the scan page's script posts
        page = opener.open(f"{live_server.url}/ballots/vote/", scanned.encode(), timeout=30)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
        assert found is not None
        token = found.group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "step": "confirm", **data})
        ready.wait(30)
        with opener.open(f"{live_server.url}/ballots/vote/", body.encode(), timeout=60) as answer:
            landed.append(
                answer.geturl().removeprefix(live_server.url) + " " + answer.read().decode()
            )

    threads = [threading.Thread(target=phone) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert len(landed) == RACERS
    done = [page for page in landed if page.startswith("/ballots/vote/done/")]
    refused = [page for page in landed if "此测评码已经使用过" in page]
    assert len(done) == 1, [p[:80] for p in landed]
    assert len(refused) == RACERS - 1
    assert PendingSheet.objects.filter(session=session).count() == 1
    assert Code.objects.get(code=code).used


def test_two_transactions_racing_on_one_code_store_one_sheet(cast):
    _needs_postgresql()
    session = make_session(cast, cadres=2)
    codes = [new_code(session, "上级") for _ in range(20)]
    marks = marks_for(session, {})
    outcomes: list[str] = []
    lock = threading.Lock()

    def racer(code: str, ready: threading.Barrier) -> None:
        try:
            ready.wait(30)
            services.ballot_submit(code=code, marks=marks)
            result = "stored"
        except services.BallotRefused as refused:
            result = refused.refusal.value
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    for code in codes:
        ready = threading.Barrier(2)
        pair = [threading.Thread(target=racer, args=(code, ready)) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join(60)
    assert outcomes.count("stored") == len(codes)
    assert outcomes.count("used") == len(codes)
    assert PendingSheet.objects.filter(session=session).count() == len(codes)


def test_a_close_during_votes_leaves_no_sheet_behind_in_the_holding_table(cast):
    """Votes racing a close: each either lands before and is archived, or is refused."""
    _needs_postgresql()
    session = make_session(cast, cadres=2)
    codes = [new_code(session, "同级") for _ in range(30)]
    marks = marks_for(session, {})
    start = threading.Barrier(len(codes) + 1)
    stored: list[str] = []

    def voter(code: str) -> None:
        try:
            start.wait(30)
            services.ballot_submit(code=code, marks=marks)
            stored.append(code)
        except services.BallotRefused:
            pass
        finally:
            connections.close_all()

    def closer() -> None:
        try:
            start.wait(30)
            services.session_set_status(actor=cast.admin, session=session, status="closed")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=voter, args=(c,)) for c in codes]
    threads.append(threading.Thread(target=closer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    from kaohe.ballots.models import Sheet

    assert not PendingSheet.objects.filter(session=session).exists()
    assert Sheet.objects.filter(session=session).count() == len(stored)
    assert Code.objects.filter(session=session, used=True).count() == len(stored)
