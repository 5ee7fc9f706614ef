# ruff: noqa: RUF012  (class-level lists are Django's convention)
"""Data: fill the new columns of existing rows, as the services now keep them: each
cadre's search text (name, pinyin, initials) and each posting's step in lists (书记,
正职, 班子成员, 一般干部) from its role and duties."""

from django.db import migrations

from kaohe.orgs.pinyin import search_text

BATCH = 2000
# Precedence (kaohe.orgs.models) as of this migration
SECRETARY, PRINCIPAL, MEMBER, STAFF = 10, 20, 30, 40


def _precedence(role, duties):
    if "secretary" in (duties or ()) and role != "staff":
        return SECRETARY
    return {"principal": PRINCIPAL, "member": MEMBER}.get(role, STAFF)


def forward(apps, schema_editor):
    Cadre = apps.get_model("orgs", "Cadre")
    Posting = apps.get_model("orgs", "Posting")
    cadres = list(Cadre.objects.only("pk", "name"))
    for cadre in cadres:
        cadre.search = search_text(cadre.name)
    Cadre.objects.bulk_update(cadres, ["search"], batch_size=BATCH)
    postings = list(Posting.objects.only("pk", "role", "duties"))
    for posting in postings:
        posting.precedence = _precedence(posting.role, posting.duties)
    Posting.objects.bulk_update(postings, ["precedence"], batch_size=BATCH)


def backward(apps, schema_editor):
    """Nothing to undo: the columns are dropped by the schema migration's reverse."""


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_ranks_to_leadership_levels")]

    operations = [migrations.RunPython(forward, backward)]
