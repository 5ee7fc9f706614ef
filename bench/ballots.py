"""Benchmark of the democratic evaluation's voting under load, against PostgreSQL.

Usage (from the repository root)::

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/ballots.py
    ... bench/ballots.py --sheets 3000 --clients 48 --workers 4 --threads 4

It makes a database of its own beside the one ``DATABASE_URL`` names (``<name>_ballots_bench``,
dropped afterwards), migrates it, opens a live session (a unit's team and six cadres on
seed 004's forms, three rater classes) with one code per sheet, and serves the site with
gunicorn on loopback, with the production settings (``kaohe.config.gunicorn``: synchronous
workers, which close the connection after each answer). Then ``--clients`` concurrent
clients, each a phone, take codes one after another: scan the slip
(``/ballots/scan/#CODE``: the scan page, then the code posted as its script does, which
answers with the ballot and the signed cookie), submit once. One line goes to stdout::

    sheets=N clients=C per_s=R p95_ms=P lost=L doubled=D raw_per_s=X

``per_s``: sheets stored per second of the whole run (fetch and submit); ``p95_ms``: the
95th percentile of the submissions' response times; ``lost``: sheets a client was told were
stored but the database lacks, or that no client managed to store; ``doubled``: sheets beyond
one per code; ``raw_per_s``: the same number of sheet rows inserted straight through psycopg,
one transaction each, on one connection (the limit a web stack can approach).
Diagnostics go to stderr, among them the CPU time per sheet of the gunicorn processes, of
the PostgreSQL backends serving them (read from ``/proc``: the server must run on this
machine) and of this client: on a machine shared with other work the wall figures vary a
lot, the CPU figures less.

``--in-process`` runs the same phones one after another through the site's WSGI
application in this process (no gunicorn, no network) and prints the CPU time and queries
per request kind; ``--profile`` adds a cProfile of those requests.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = Path(tempfile.gettempdir()) / "kaohe-ballots-bench"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RESENT: list[str] = []  # requests sent again on a new connection (see _http)
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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux ``/proc``); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return found


def _server_cpu(master: int) -> dict[int, float]:
    """The gunicorn master's and its workers' CPU so far, per process."""
    return {pid: _cpu_seconds(pid) for pid in [master, *_children(master)]}


def _database_cpu(bench_url: str, name: str) -> dict[int, float]:
    """The CPU so far of the PostgreSQL backends connected to the bench's database (the
    workers keep theirs open: ``DB_CONN_MAX_AGE``). Only when the server runs on this
    machine; an empty answer otherwise."""
    import psycopg

    with psycopg.connect(bench_url, autocommit=True) as conn:
        pids = [
            int(pid)
            for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchall()
        ]
    return {pid: _cpu_seconds(pid) for pid in pids if Path(f"/proc/{pid}").exists()}


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Answer = tuple[int, dict[str, str], str]  # status, headers (the last of each name), body


class Phone:
    """One rater's browser: the requests of one sheet, with its cookies. ``send`` is the
    transport: HTTP on loopback to gunicorn, or the WSGI application in this process
    (``--profile``)."""

    def __init__(self, send: Callable[[str, str, dict[str, str], str], tuple]) -> None:
        self.send = send
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = ""
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, pairs, page = self.send(method, path, headers, body)
        found: dict[str, str] = {}
        for key, value in pairs:
            if key.lower() == "set-cookie":
                name, _sep, rest = value.split(";", 1)[0].partition("=")
                if rest.strip('"'):
                    self.cookies[name] = rest
                else:
                    self.cookies.pop(name, None)
            found[key.lower()] = value
        return status, found, page


def vote_once(phone: Phone, code: str, submitted: Callable[[float], None]) -> bool:
    """Scan the slip (``/ballots/scan/#CODE``: the browser asks for the scan page, whose
    script posts the code and gets the ballot), mark it (every target, none 优秀) and
    submit it once; True when the site says the sheet is stored."""
    status, headers, page = phone.request("GET", "/ballots/scan/")
    token = TOKEN.search(page)
    if status != 200 or token is None:
        return False
    status, headers, page = phone.request(
        "POST",
        "/ballots/vote/",
        {"csrfmiddlewaretoken": token.group(1), "step": "code", "code": code},
    )
    token = TOKEN.search(page)
    if status != 200 or token is None:
        return False
    marks: dict[str, str] = {}
    for name, value in RADIO.findall(page):
        if name not in marks or value in ("好", "称职"):
            marks[name] = value  # every target marked, none 优秀
    started = time.perf_counter()
    status, headers, page = phone.request(
        "POST",
        "/ballots/vote/",
        {"csrfmiddlewaretoken": token.group(1), "step": "confirm", **marks},
    )
    submitted(time.perf_counter() - started)
    return status == 302 and headers.get("location") == "/ballots/vote/done/"


def _http(port: int) -> tuple[http.client.HTTPConnection, Callable[..., tuple]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    used = [False]

    def send(method: str, path: str, headers: dict[str, str], body: str) -> tuple:
        for attempt in (1, 2):
            try:
                conn.request(method, path, body=body.encode() or None, headers=headers)
                answer = conn.getresponse()
                page = answer.read().decode()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closes a keep-alive connection idle for --keep-alive seconds (a
                # phone slowed down by an overloaded machine): as a browser does, send the
                # request again once on a new connection
                if attempt == 2 or not used[0]:
                    raise
                RESENT.append(path)
                conn.close()
                continue
            used[0] = True
            return answer.status, answer.getheaders(), page
        raise AssertionError("unreachable")

    return conn, send


def _phone(port: int, code: str, latencies: list[float], lock: threading.Lock) -> bool:
    conn, send = _http(port)

    def submitted(seconds: float) -> None:
        with lock:
            latencies.append(seconds)

    try:
        return vote_once(Phone(send), code, submitted)
    finally:
        conn.close()


def _in_process(env: dict[str, str], codes: list[str], profile: bool) -> None:
    """The same phones through the site's WSGI application in this process, one after the
    other: no gunicorn, no network, no other client. CPU time and queries per request
    kind (on stderr), and with ``profile`` a cProfile of the requests."""
    import cProfile
    import io
    import pstats

    os.environ.update(env)
    os.environ["DB_CONN_MAX_AGE"] = "600"
    sys.path.insert(0, str(ROOT / "src"))
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    profiler = cProfile.Profile(time.process_time) if profile else None
    spent: dict[str, list[float]] = {}
    queries = [0]

    def count(execute: Callable[..., Any], *args: Any) -> Any:
        queries[0] += 1
        return execute(*args)

    def phone_for(code: str, measured: bool) -> Phone:
        def send(method: str, path: str, headers: dict[str, str], body: str) -> tuple:
            data = body.encode()
            environ: dict[str, Any] = {
                "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
                "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
                "wsgi.input": io.BytesIO(data), "wsgi.errors": sys.stderr,
                "wsgi.url_scheme": "http", "CONTENT_LENGTH": str(len(data)),
            }  # fmt: skip
            for key, value in headers.items():
                if key == "Content-Type":
                    environ["CONTENT_TYPE"] = value
                else:
                    environ["HTTP_" + key.upper().replace("-", "_")] = value
            answer: list[Any] = []

            def start_response(status: str, pairs: list, exc_info: Any = None) -> None:
                answer[:] = [int(status.split()[0]), pairs]

            queries[0] = 0
            before = time.process_time()
            if profiler is not None and measured:
                profiler.enable()
            with connection.execute_wrapper(count):
                result = app(environ, start_response)
                page = b"".join(result)
                getattr(result, "close", lambda: None)()
            if profiler is not None and measured:
                profiler.disable()
            if measured:
                kind = f"{method} {path} {'code' if 'step=code' in body else ''}".strip()
                totals = spent.setdefault(kind, [0.0, 0, 0])
                totals[0] += time.process_time() - before
                totals[1] += queries[0]
                totals[2] += 1
            return answer[0], answer[1], page.decode()

        return Phone(send)

    warm = min(20, len(codes) // 10)
    stored = 0
    for index, code in enumerate(codes):
        stored += vote_once(phone_for(code, index >= warm), code, lambda seconds: None)
    measured = len(codes) - warm
    total = 0.0
    for kind, (seconds, count_, requests) in spent.items():
        total += seconds
        print(
            f"in_process {kind}: cpu_ms={seconds * 1000 / requests:.2f} "
            f"queries={count_ / requests:.1f} requests={requests}",
            file=sys.stderr,
        )
    print(
        f"in_process stored={stored}/{len(codes)} cpu_ms_per_sheet={total * 1000 / measured:.2f}"
        f" (the first {warm} sheets not measured)",
        file=sys.stderr,
    )
    if profiler is not None:
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(45)
            print(out.getvalue(), file=sys.stderr)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
            "middleware|csrf|locale|trans_real|cookie|http/response|handlers", 40
        )
        print(out.getvalue(), file=sys.stderr)


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
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn's workers (kaohe.config.gunicorn's number)"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="more than one: gunicorn's threaded worker"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no gunicorn: the phones one after another through the WSGI application in this"
        " process; CPU and queries per request on stderr (the stdout line is not printed)",
    )
    parser.add_argument("--profile", action="store_true", help="with --in-process: cProfile")
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
        if args.in_process:
            _in_process(env, codes, args.profile)
            return
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:kaohe.config.gunicorn",
             "kaohe.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             *(["--workers", str(args.workers)] if args.workers else []),
             "--threads", str(args.threads), "--log-level", "warning"],
            env={**env, "DB_CONN_MAX_AGE": "600"}, cwd=ROOT,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # warm every worker up (imports, connections)
        for _ in range((args.workers or 2 * (os.cpu_count() or 1) + 1) * 4):
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

        server_before = _server_cpu(server.pid)
        database_before = _database_cpu(bench_url, name)
        client_before = time.process_time()
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - client_before
        server_cpu = _spent(server_before, _server_cpu(server.pid))
        database_cpu = _spent(database_before, _database_cpu(bench_url, name))
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
            f"stored={stored} told={told[0]} elapsed={elapsed:.2f}s median_ms={median:.1f}"
            f" resent={len(RESENT)}",
            file=sys.stderr,
        )
        per_sheet = 1000 / max(stored, 1)
        print(
            f"cpu_ms_per_sheet: server={server_cpu * per_sheet:.2f} "
            f"database={database_cpu * per_sheet:.2f} client={client_cpu * per_sheet:.2f} "
            f"(wall {elapsed:.1f}s; load average {os.getloadavg()[0]:.1f})",
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
