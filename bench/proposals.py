"""Checking proposals on the demo county: what the proposal page's check costs as it is typed.

Usage (from the repository root)::

    .venv/bin/python bench/proposals.py            # SQLite in a temporary directory
    .venv/bin/python bench/proposals.py --database-url postgresql://…/empty_db

The demo county's seed-004 suite is graded as ``bench/grading.py`` grades it (the same
stand-in for the cadres' sheets); the outcome is based on the run; then the largest unit's
party committee "types" its proposal (one more 优秀 than its quota) and the engine checks it
on the run's snapshot, as the htmx check does. Exactly one line goes to stdout::

    cadres=N group=G check_first_s=F check_s=C check_queries=Q decide_s=D

``check_first_s``: the first check (the snapshot read from JSON, then kept); ``check_s``:
each later check (the mean of 5); ``check_queries``: the queries of one check of the page
(``proposal_check`` through the test client); ``decide_s``: the decision of the whole county
with that group's proposal submitted.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grading  # the bench next door: setup, the county, the sheets' stand-in


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of SQLite")
    args = parser.parse_args()
    with grading.graded_demo(args.database_url) as (run, cadre):
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from kaohe.core.models import User
        from kaohe.results import outcomes, proposals

        admin = User.objects.get(username="admin")
        run.created_by = admin
        run.save(update_fields=["created_by"])
        outcome = outcomes.outcome_open(actor=admin, run=run)
        groups = Counter(
            g for g in run.rows.filter(scheme=cadre).values_list("group", flat=True) if g[:1] == "u"
        )
        group = groups.most_common(1)[0][0]
        finals = list(proposals.group_finals(outcome, cadre, group))
        best = proposals.scheme_grades(run, cadre)[0]
        typed = {(cadre.pk, f.target): f.grade for f in finals if f.status == "graded"}
        extra = next((f for f in finals if f.status == "graded" and f.grade != best), None)
        if extra is not None:
            typed[(cadre.pk, extra.target)] = best
        started = time.perf_counter()
        found = proposals.proposals_check(run, typed)
        first = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(5):
            proposals.proposals_check(run, typed)
        again = (time.perf_counter() - started) / 5

        committee = User.objects.create(username="bench-dangwei", role="party_committee",
                                        unit_id=int(group[1:]))  # fmt: skip
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(committee)
        url = reverse("results:proposal_check", args=[outcome.pk, cadre.pk, group])
        data = {f"grade-{f.pk}": f.grade for f in finals}
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code == 200, response.status_code

        entries = {f.pk: proposals.Entry(f.grade) for f in finals}
        proposal = proposals.proposal_save(actor=committee, outcome=outcome, scheme=cadre,
                                           group=group, entries=entries)  # fmt: skip
        proposals.proposal_submit(actor=committee, proposal=proposal)
        started = time.perf_counter()
        proposals.outcome_decide(actor=admin, outcome=outcome, decision_ref="bench")
        decide = time.perf_counter() - started
        problems = sum(len(v) for v in found.values())
        print(
            f"cadres={len(run.rows.filter(scheme=cadre))} group={len(finals)} "
            f"check_first_s={first:.2f} check_s={again:.2f} check_queries={len(queries.captured_queries)} "
            f"decide_s={decide:.2f} problems={problems}"
        )


if __name__ == "__main__":
    main()
