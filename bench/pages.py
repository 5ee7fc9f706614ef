"""Benchmark of the site's pages on the demo county, for every role.

Usage (from the repository root)::

    .venv/bin/python bench/pages.py                       # SQLite (in memory)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --repeat 3 --only orgs:cadre_list

A fresh database (Django's test-database creation: SQLite in memory, or ``test_<name>``
on the server of ``DATABASE_URL``, dropped afterwards) gets the demo county as ``kaohe
demo`` loads it (``demo_site_load``); the site runs as in production (``DEBUG`` off, the
static files collected into a temporary folder). Each demo user logs in with Django's
test client and requests every page the URL resolver knows that takes a GET: the
patterns of the project's own apps (``kaohe.*`` views), found afresh on every run, so a
page another engineer adds is measured without a change here. One line per page a role
may open (status 200)::

    page=NAME role=ROLE ms=M queries=Q

``M``: the median wall time of ``--repeat`` requests after a first one; ``Q``: the
queries of that first request (``CaptureQueriesContext``). Then one line::

    pages=N max_ms=M max_queries=Q ranking_s=S

``N``: the (page, role) lines printed; ``S``: the time to rank every category of the
county for one quarter through the ranking service (see ``ranking_seconds``). Targets on the demo
county: ``max_ms`` under 300, ``ranking_s`` under 2. Notes (pages skipped and why) go to
stderr.

Arguments: a URL's ``<pk>`` (or ``<x_pk>``) is filled with a demo object of the model
the URL names (the path segment before it: ``cadres/<pk>/`` → ``Cadre``; ``x_pk`` → the
model ``X``), preferring objects of the user's own unit, trying a few until one opens
(404: another unit's); a nested URL (``cadres/<pk>/postings/<posting_pk>/``) takes the
inner object and its parent; failing those, the words of the URL's name
(``attachment_download`` → ``Attachment``). Text arguments come from ``TEXT_ARGUMENTS``
(the user guide's chapters). What is not measured: responses that are downloads
(``Content-Disposition: attachment``: the Excel, YAML and Word files), redirects (the
login page of a signed-in user), 403 (the role may not), 405 (POST-only URLs),
``NOT_PAGES``, and URLs the demo has no row for; each is noted on stderr.
``src/kaohe/demo/tests/test_bench_pages.py`` fails when a URL's argument names no model.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Every demo user: the register's and the year's roles, the party committee and the cadre.
ROLES = ("admin", "scorer", "liaison", "liaison2", "leader", "team", "committee", "dangwei",
         "cadre")  # fmt: skip
CANDIDATES = 6  # objects tried per URL and role before the page counts as not open
# Not pages, never requested: a GET on logout would end the session the walk needs
# (it is POST-only; never risked); the guide's images are files.
NOT_PAGES = {
    "core:logout": "ends the session",
    "core:guide_image": "an image file",
    "collection:scoring_evidence_delete": "a POST-only delete",
}
# URLs whose words name no model (the public 公示 page is at gongshi/<pk>/): the model.
MODEL_OF = {"results:publicity_public": "results.Outcome"}


def _setup() -> str:
    """Django as production runs it; returns the temporary folder of its files."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    # As production runs: DEBUG off (with it on, Django keeps every query's SQL), the
    # collected, hashed static files of WhiteNoise's manifest storage.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    var_dir = os.environ["KAOHE_VAR_DIR"] = tempfile.mkdtemp(prefix="kaohe-bench-pages-")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The 403s and 404s of the walk are expected: not each one's traceback on stderr.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("django.security").setLevel(logging.CRITICAL)
    return var_dir


def note(text: str) -> None:
    sys.stderr.write(f"# {text}\n")


# ---- discovery ---------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str  # namespace:name
    route: str  # the whole route, for finding the models of its arguments
    kwargs: tuple[str, ...]


def _kwargs(pattern: Any) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters)
    return tuple(pattern.pattern.regex.groupindex)


def discover() -> list[Page]:
    """Every named URL pattern whose view lives in the project (``kaohe.*``)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, Page] = {}

    def walk(resolver: URLResolver, namespace: str, route: str) -> None:
        for pattern in resolver.url_patterns:
            here = route + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern, inner, here)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "") or ""
                name = f"{namespace}{pattern.name}"
                if not module.startswith("kaohe.") or name in found:
                    continue
                found[name] = Page(name, here, _kwargs(pattern))

    walk(get_resolver(), "", "")
    return sorted(found.values(), key=lambda page: page.name)


def _singular(word: str) -> str:
    word = word.lower().replace("-", "").replace("_", "")
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _word_before(route: str, kwarg: str) -> str:
    """The last literal path segment before ``kwarg`` in ``route`` (``cadres`` in
    ``orgs/cadres/<int:pk>/``)."""
    cut = re.search(rf"<(?:\w+:)?{kwarg}>|\(\?P<{kwarg}>", route)
    before = route[: cut.start()] if cut else route
    words = [w for w in re.split(r"[^A-Za-z_-]+", re.sub(r"<[^>]*>|\(\?P<\w+>[^)]*\)", "/", before))
             if w]  # fmt: skip
    return words[-1] if words else ""


def model_for(page: Page, kwarg: str) -> Any:
    """The model an argument of ``page`` names (by the argument's name, the path segment
    before it, then the words of the URL's name: ``evidence/<pk>/`` named
    ``attachment_download`` → ``Attachment``), or None."""
    from django.apps import apps

    if page.name in TEXT_ARGUMENTS:
        return None
    if page.name in MODEL_OF:
        return apps.get_model(MODEL_OF[page.name])
    first = kwarg[: -len("_pk")] if kwarg.endswith("_pk") else _word_before(page.route, kwarg)
    words = [first, *re.split(r"[_-]", page.name.split(":")[-1])]
    app = page.name.split(":")[0]
    models = [m for m in apps.get_models() if m.__module__.startswith("kaohe.")]
    for word in filter(None, map(_singular, words)):
        # cadres → cadre; systems → indicatorsystem; changes → changerequest. The URL's own
        # app is preferred over a closer match elsewhere (schemes' changes are not
        # results' GradeChange).
        fallback = None
        for test in (str.__eq__, str.endswith, str.startswith):
            matches = [m for m in models if test(m._meta.model_name, word)]
            own = [m for m in matches if m._meta.app_label == app]
            if own:
                return own[0]
            fallback = fallback or (matches[0] if matches else None)
        if fallback is not None:
            return fallback
    return None


def _guide_chapters() -> list[dict[str, Any]]:
    from kaohe.core.guide import guide_dir

    return [{"slug": path.stem} for path in sorted(guide_dir().glob("*.md"))]


# URLs whose arguments are text, not a row: the values to request them with.
TEXT_ARGUMENTS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "core:guide": _guide_chapters,
}


def _paths_to_unit(model: Any, depth: int = 3) -> list[str]:
    """Lookups from ``model`` to a ``Unit`` (forward and reverse relations, at most
    ``depth`` steps): how an object belongs to a unit."""
    from kaohe.orgs.models import Unit

    if model is Unit:
        return ["pk"]
    found: list[str] = []
    frontier: list[tuple[Any, str]] = [(model, "")]
    for _step in range(depth):
        reached = []
        for current, path in frontier:
            for field in current._meta.get_fields():
                related = getattr(field, "related_model", None)
                if not field.is_relation or related is None or field.many_to_many:
                    continue
                lookup = f"{path}__{field.name}" if path else field.name
                if related is Unit:
                    found.append(lookup)
                elif related is not model:
                    reached.append((related, lookup))
        frontier = reached
    return found


def candidates(model: Any, user: Any) -> Iterator[Any]:
    """Objects of ``model`` to try for ``user``: those of the user's unit first."""
    from django.core.exceptions import FieldError

    seen: set[Any] = set()
    if user.unit_id:
        for path in _paths_to_unit(model):
            try:
                query = model._default_manager.filter(**{path: user.unit_id}).distinct()
                for obj in query.order_by("pk")[:CANDIDATES]:
                    if obj.pk not in seen:
                        seen.add(obj.pk)
                        yield obj
            except FieldError:  # a lookup the model refuses: the next one
                continue
    for obj in model._default_manager.order_by("pk")[:CANDIDATES]:
        if obj.pk not in seen:
            seen.add(obj.pk)
            yield obj


def argument_sets(page: Page, user: Any) -> Iterator[dict[str, Any]] | None:
    """Keyword arguments to try for ``page`` (None: an argument names no model)."""
    if not page.kwargs:
        return iter([{}])
    if page.name in TEXT_ARGUMENTS:
        return iter(TEXT_ARGUMENTS[page.name]())
    models = {kwarg: model_for(page, kwarg) for kwarg in page.kwargs}
    if any(model is None for model in models.values()):
        return None
    # The innermost object (one with a foreign key to the others) fixes the rest.
    inner = max(
        page.kwargs,
        key=lambda k: sum(
            any(getattr(f, "related_model", None) is m for f in models[k]._meta.concrete_fields)
            for o, m in models.items()
            if o != k
        ),
    )

    def sets() -> Iterator[dict[str, Any]]:
        for obj in candidates(models[inner], user):
            values = {inner: obj.pk}
            for kwarg, model in models.items():
                if kwarg == inner:
                    continue
                link = next(
                    (f for f in obj._meta.concrete_fields
                     if getattr(f, "related_model", None) is model),
                    None,
                )  # fmt: skip
                if link is not None:
                    values[kwarg] = getattr(obj, link.attname)
                else:
                    first = model._default_manager.order_by("pk").first()
                    values[kwarg] = first.pk if first else 0
            yield values

    return sets()


# ---- measuring ---------------------------------------------------------------------


def _is_download(response: Any) -> bool:
    return "attachment" in response.get("Content-Disposition", "")


def median_ms(client: Any, url: str, repeat: int) -> float:
    """The median milliseconds of ``repeat`` requests of ``url``."""
    times = []
    for _i in range(repeat):
        started = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def walk_role(
    role: str, pages: list[Page], repeat: int, out: list[tuple[str, str, float, int]]
) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from kaohe.core.models import User
    from kaohe.demo.services import DEMO_PASSWORD

    client = Client()
    if not client.login(username=role, password=DEMO_PASSWORD):
        raise SystemExit(f"the demo user {role} cannot log in")
    user = User.objects.get(username=role)
    for page in pages:
        if page.name in NOT_PAGES:
            continue
        tries = argument_sets(page, user)
        if tries is None:
            note(f"skipped {page.name}: no model for its arguments {page.kwargs}")
            continue
        status = None
        for count, kwargs in enumerate(tries):
            if count >= CANDIDATES:
                break
            url = reverse(page.name, kwargs=kwargs)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, secure=True)
            queries = len(captured)  # now: the next request empties the log
            status = response.status_code
            if status != 404:
                break
        if status is None:
            note(f"skipped {page.name} role={role}: the demo has no object for it")
            continue
        if status != 200:
            if status not in (403, 405, 302):
                note(f"{page.name} role={role}: status {status}")
            continue
        if _is_download(response):
            note(f"skipped {page.name} role={role}: a download")
            continue
        line = (page.name, role, median_ms(client, url, repeat), queries)
        out.append(line)
        print(f"page={line[0]} role={line[1]} ms={line[2]:.1f} queries={line[3]}", flush=True)


# ---- ranking -----------------------------------------------------------------------


def ranking_seconds() -> float:
    """Seconds to rank every category of the county for one quarter: the real service
    (``collection.ranking.period_rank``: the period scores rolled up from the entries, the
    engine, the stored ranking and warnings) on the demo's latest scored ranked quarter.
    The demo has ranked it already, so this is a re-ranking (same work, warnings kept)."""
    from kaohe.collection.models import Period, PeriodStatus, ScoreEntry
    from kaohe.collection.ranking import period_rank

    period = (
        Period.objects.filter(ranked=True, scores__isnull=False)
        .exclude(status=PeriodStatus.PLANNED)
        .order_by("-ends_on")
        .distinct()
        .first()
    )
    if period is None:
        raise SystemExit("the demo has no scored ranked period to rank")
    entries = ScoreEntry.objects.filter(period=period).count()
    started = time.perf_counter()
    outcome = period_rank(actor=None, period=period)
    elapsed = time.perf_counter() - started
    note(
        f"ranking: {period} ({entries} score entries): {len(outcome.kept)} warnings kept, "
        f"{len(outcome.issued)} issued, {len(outcome.withdrawn)} withdrawn"
    )
    return elapsed


# ---- main --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    parser.add_argument("--only", default="", help="URL names (comma separated) to measure")
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()
    var_dir = _setup()
    from django.core.management import call_command
    from django.db import connection

    from kaohe.demo.services import demo_site_load

    call_command("collectstatic", interactive=False, verbosity=0)
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        demo_site_load()
        note(f"demo county loaded in {time.perf_counter() - started:.1f} s")
        pages = discover()
        if args.only:
            wanted = set(args.only.split(","))
            pages = [p for p in pages if p.name in wanted]
        out: list[tuple[str, str, float, int]] = []
        for role in args.roles.split(","):
            walk_role(role, pages, args.repeat, out)
        ranking = ranking_seconds()
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        shutil.rmtree(var_dir, ignore_errors=True)
    print(
        f"pages={len(out)} max_ms={max((o[2] for o in out), default=0):.1f} "
        f"max_queries={max((o[3] for o in out), default=0)} ranking_s={ranking:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
