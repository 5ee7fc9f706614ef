"""The Excel imports of units, teams, cadres and the cadres' secondments, village-team
stints and investigations as background jobs (registered in ``kaohe.orgs.apps``):
each runs the import service with the rows the submitter may see, as the submitter."""

from __future__ import annotations

from typing import IO, Any

from kaohe.core.models import Job
from kaohe.orgs import services
from kaohe.orgs.selectors import cadres_for_user, teams_for_user, units_for_user


def units_import_run(*, job: Job, file: IO[bytes]) -> dict[str, Any]:
    user = job.submitted_by
    return vars(services.units_import(actor=user, file=file, units=units_for_user(user)))


def teams_import_run(*, job: Job, file: IO[bytes]) -> dict[str, Any]:
    user = job.submitted_by
    return vars(services.teams_import(actor=user, file=file, teams=teams_for_user(user)))


def cadres_import_run(*, job: Job, file: IO[bytes]) -> dict[str, Any]:
    return _with_cadres_and_units(services.cadres_import, job=job, file=file)


def assignments_import_run(*, job: Job, file: IO[bytes]) -> dict[str, Any]:
    return _with_cadres_and_units(services.assignments_import, job=job, file=file)


def _with_cadres_and_units(service: Any, *, job: Job, file: IO[bytes]) -> dict[str, Any]:
    user = job.submitted_by
    summary = service(
        actor=user, file=file, cadres=cadres_for_user(user), units=units_for_user(user)
    )
    return vars(summary)
