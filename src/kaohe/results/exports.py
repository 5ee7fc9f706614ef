"""What ``kaohe scenario export`` and ``kaohe results export`` write."""

from __future__ import annotations

from collections.abc import Iterator

from kaohe.results import jsonout
from kaohe.results.builder import build_scenario
from kaohe.results.models import Run, RunStatus
from kaohe.results.services import printed


class NothingToExport(Exception):
    pass


def scenario_chunks(year: int, suite: str | None = None) -> Iterator[str]:
    """The built document's JSON text in pieces (ballot sheets streamed)."""
    yield from jsonout.chunks(build_scenario(year, suite).document)
    yield "\n"


def latest_run(year: int, suite: str | None = None) -> Run | None:
    """The latest finished run of ``year`` for ``suite`` (None: the runs of every suite)."""
    return (
        Run.objects.filter(year__year=year, suite=suite or "", status=RunStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def latest_result_text(year: int, suite: str | None = None) -> str:
    run = latest_run(year, suite)
    if run is None:
        where = f"{year} {suite}" if suite else str(year)
        raise NothingToExport(f"{where}: 没有已完成的考核结果计算 (no finished run)")
    return printed(run.result)
