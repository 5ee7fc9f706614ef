"""Benchmark of the democratic evaluation's voting under load, against PostgreSQL.

Usage (from the repository root)::

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/ballots.py
    ... bench/ballots.py --sheets 3000 --clients 48 --workers 4 --threads 4

It makes a database of its own beside the one ``DATABASE_URL`` names (``<name>_ballots_bench``,
dropped afterwards), migrates it, opens a live session (a unit's team and six cadres on
seed 004's forms, three rater classes) with one code per sheet, and serves the site with
gunicorn on loopback. Then ``--clients`` concurrent clients, each a phone, take codes one
after another: open the slip's address (the code goes into the signed cookie, then the
redirect to the ballot), fetch the ballot, submit once. One line goes to stdout::

    sheets=N clients=C per_s=R p95_ms=P lost=L doubled=D raw_per_s=X

``per_s``: sheets stored per second of the whole run (fetch and submit); ``p95_ms``: the
95th percentile of the submissions' response times; ``lost``: sheets a client was told were
stored but the database lacks, or that no client managed to store; ``doubled``: sheets beyond
one per code; ``raw_per_s``: the same number of sheet rows inserted straight through psycopg,
one transaction each, on one connection (the limit a web stack can approach).
Diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = Path(tempfile.gettempdir()) / "kaohe-ballots-bench"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO = re.compile(r'name="(m-[0-9-]+)" value="([^"]+)"')


def _database(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/ballots.py needs DATABASE_URL pointing at PostgreSQL")
    name = parts.path.lstrip("/") + "_ballots_bench"
    return name, urllib.parse.urlunsplit(parts._replace(path="/" + name))


def _admin(url: str, sql: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(
        urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True
    ) as conn:
        conn.execute(sql)


def _env(bench_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "kaohe.config.settings",
        "SECRET_KEY": "bench-only-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
        "KAOHE_VAR_DIR": str(VAR_DIR),
    }


SETUP = r"""
import datetime as dt, json, sys
from decimal import Decimal
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.utils import timezone
from kaohe.ballots import evaluation_services as services
from kaohe.ballots.models import BallotForm, Code
from kaohe.orgs import services as orgs
from kaohe.orgs.models import Team, UnitCategory
year = orgs.year_create(actor=None, year=2024, name="2024年度")
unit = orgs.unit_create(actor=None, code="bench", name="压测镇",
                        category=UnitCategory.objects.get(name="镇街"))
cadres = [orgs.cadre_create(actor=None, name=f"干部{i}", first_posting={
    "unit": unit, "post": "副镇长", "start_date": dt.date(2020, 1, 1)}) for i in range(6)]
now = timezone.now()
session = services.session_create(
    actor=None, name="压测", year=year, unit=unit,
    team_form=BallotForm.objects.get(name="领导班子综合评价"),
    cadre_form=BallotForm.objects.get(name="领导干部年度考核测评"),
    opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=6),
    rater_classes=[("上级", Decimal("0.3")), ("同级", Decimal("0.3")), ("下级", Decimal("0.4"))],
    teams=[Team.objects.get(unit=unit)], cadres=[(c, "副镇长") for c in cadres])
services.session_set_status(actor=None, session=session, status="open")
sheets = int(sys.argv[1])
classes = list(session.rater_classes.all())
for i, rater in enumerate(classes):
    services.codes_create(actor=None, session=session, rater_class=rater,
                          count=sheets // 3 + (1 if i < sheets % 3 else 0))
codes = list(Code.objects.filter(session=session).values_list("code", flat=True))
print(json.dumps({"session": session.pk, "codes": codes,
                  "rater": classes[0].pk}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _phone(port: int, code: str, latencies: list[float], lock: threading.Lock) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", f"/ballots/v/{code}/")
        scan = conn.getresponse()
        scan.read()
        cookies = "; ".join(
            value.split(";", 1)[0] for key, value in scan.getheaders() if key == "Set-Cookie"
        )
        conn.request(
            "GET", scan.getheader("Location", "/ballots/vote/"), headers={"Cookie": cookies}
        )
        ballot = conn.getresponse()
        page = ballot.read().decode()
        more = [v.split(";", 1)[0] for k, v in ballot.getheaders() if k == "Set-Cookie"]
        cookies = "; ".join([cookies, *more])
        token = TOKEN.search(page)
        if token is None:
            return False
        marks: dict[str, str] = {}
        for name, value in RADIO.findall(page):
            if name not in marks or value in ("好", "称职"):
                marks[name] = value  # every target marked, none 优秀
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "step": "confirm", **marks}
        )
        started = time.perf_counter()
        conn.request(
            "POST", "/ballots/vote/", body=body,
            headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        answer = conn.getresponse()
        answer.read()
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
        return answer.status == 302 and answer.getheader("Location") == "/ballots/vote/done/"
    finally:
        conn.close()


def _raw(bench_url: str, session: int, rater: int, count: int) -> float:
    import psycopg

    marks = json.dumps({"1": "好"})
    with psycopg.connect(bench_url, autocommit=True) as conn:
        started = time.perf_counter()
        for _ in range(count):
            with conn.transaction():
                conn.execute(
                    "INSERT INTO ballots_pendingsheet (id, session_id, rater_class_id, marks)"
                    " VALUES (%s, %s, %s, %s)",
                    (uuid.uuid4(), session, rater, marks),
                )
        elapsed = time.perf_counter() - started
        conn.execute("DELETE FROM ballots_pendingsheet WHERE marks = %s", (marks,))
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sheets", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    name, bench_url = _database(url)
    env = _env(bench_url)
    _admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(url, f'CREATE DATABASE "{name}"')
    server = None
    try:
        made = subprocess.run(
            [sys.executable, "-c", SETUP, str(args.sheets)], env=env, check=True,
            capture_output=True, text=True,
        )  # fmt: skip
        setup = json.loads(made.stdout.strip().splitlines()[-1])
        codes: list[str] = setup["codes"]
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "kaohe.config.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--threads", str(args.threads), "--backlog", "2048",
             "--log-level", "warning"],
            env={**env, "DB_CONN_MAX_AGE": "600"}, cwd=ROOT,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # warm every worker up (imports, connections)
        for _ in range(args.workers * 4):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", "/ballots/vote/")
            c.getresponse().read()
            c.close()

        latencies: list[float] = []
        lock = threading.Lock()
        queue = list(codes)
        told = [0]

        def client() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    code = queue.pop()
                try:
                    ok = _phone(port, code, latencies, lock)
                except OSError as error:
                    print(f"client error: {error}", file=sys.stderr)
                    ok = False
                if ok:
                    with lock:
                        told[0] += 1

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        server.terminate()
        server.wait(30)
        server = None

        import psycopg

        with psycopg.connect(bench_url) as conn:
            stored = conn.execute(
                "SELECT count(*) FROM ballots_pendingsheet WHERE session_id = %s",
                (setup["session"],),
            ).fetchone()[0]
            used = conn.execute(
                "SELECT count(*) FROM ballots_code WHERE session_id = %s AND used",
                (setup["session"],),
            ).fetchone()[0]
        lost = max(0, len(codes) - stored) + max(0, told[0] - stored)
        doubled = max(0, stored - used) + max(0, stored - len(codes))
        raw = _raw(bench_url, setup["session"], setup["rater"], len(codes))
        p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 1 else 0.0
        median = statistics.median(latencies) * 1000 if latencies else 0.0
        print(
            f"stored={stored} told={told[0]} elapsed={elapsed:.2f}s median_ms={median:.1f}",
            file=sys.stderr,
        )
        print(
            f"sheets={stored} clients={args.clients} per_s={stored / elapsed:.0f} "
            f"p95_ms={p95:.0f} lost={lost} doubled={doubled} raw_per_s={raw:.0f}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
