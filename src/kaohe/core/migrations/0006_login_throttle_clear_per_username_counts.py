# ruff: noqa: RUF012  (migration: class-level lists are Django's convention)
"""Data: the failed-login counts per username alone are dropped before they are kept per
address and username (the next migration). They are short-lived by nature (a lock lasts
LOGIN_LOCK_MINUTES); a username locked at this moment is simply free again."""

from django.db import migrations


def drop_counts(apps, schema_editor):
    apps.get_model("core", "LoginThrottle").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_rejected_uploads")]

    operations = [migrations.RunPython(drop_counts, migrations.RunPython.noop)]
