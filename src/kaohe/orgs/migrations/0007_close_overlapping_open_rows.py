# ruff: noqa: RUF012  (migration: class-level lists are Django's convention)
"""Data: before each cadre may hold only one open primary post, secondment and village-team
stint (the next migration's indexes), close the extra open rows a backdated transfer or an
import left behind. Of a cadre's open rows the one that started last stays open; each other
ends the day before the next one starts (a primary post starting the same day as the next
becomes a cross appointment, a secondment or stint ends on its first day). Each repair is
an audit row (actor: none, ``after.reason``: this migration)."""

import datetime as dt
import itertools

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

REASON = "migration orgs 0007: more than one open row per cadre"
KINDS: tuple[tuple[str, str, dict[str, bool]], ...] = (("Posting", "posting.end", {"is_primary": True}), ("Secondment", "secondment.end", {}),
         ("VillageAssignment", "village.end", {}))  # fmt: skip


def close_extra_open_rows(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    now = timezone.now()
    for name, action, condition in KINDS:
        model = apps.get_model("orgs", name)
        open_rows = model.objects.filter(end_date__isnull=True, **condition)
        doubled = open_rows.values("cadre").annotate(n=Count("id")).filter(n__gt=1).values("cadre")
        by_cadre = {}
        for row in open_rows.filter(cadre__in=doubled).order_by("cadre", "start_date", "id"):
            by_cadre.setdefault(row.cadre_id, []).append(row)
        for rows in by_cadre.values():
            for row, following in itertools.pairwise(rows):
                if row.start_date < following.start_date:
                    row.end_date = following.start_date - dt.timedelta(days=1)
                    change = {"end_date": row.end_date.isoformat()}
                elif name == "Posting":
                    row.is_primary = False
                    change = {"is_primary": False}
                else:
                    row.end_date = row.start_date
                    change = {"end_date": row.end_date.isoformat()}
                row.save(update_fields=list(change))
                AuditEntry.objects.create(
                    at=now, action=action, object_type=f"orgs.{name.lower()}",
                    object_id=str(row.pk), object_repr=f"{row.cadre_id}",
                    after=change | {"reason": REASON},
                )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0006_cadre_id_number"),
        ("core", "0001_users_audit_log_and_login_throttle"),
    ]

    operations = [
        # Nothing to undo: the rows stay closed, as they would have been had the services
        # refused the overlap in the first place.
        migrations.RunPython(close_extra_open_rows, migrations.RunPython.noop),
    ]
