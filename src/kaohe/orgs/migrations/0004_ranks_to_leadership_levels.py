# ruff: noqa: RUF012  (class-level lists are Django's convention)
"""Data: the old 职级 list mixed 领导职务层次 (副处级, 正科级, 副科级) with 职级 and had
「其他」. The levels move to ``leadership_level``; 「其他」 becomes empty; the 主任科员 stay."""

from django.db import migrations

LEVELS = ("副处级", "正科级", "副科级")
OLD_RANKS = (*LEVELS, "一级主任科员", "二级主任科员", "其他")


def forward(apps, schema_editor):
    Cadre = apps.get_model("orgs", "Cadre")
    for level in LEVELS:
        Cadre.objects.filter(rank=level).update(leadership_level=level, rank="")
    Cadre.objects.filter(rank="其他").update(rank="")


def backward(apps, schema_editor):
    """The old field held one value: a level wins over a 职级; what the old list lacks
    becomes 「其他」."""
    Cadre = apps.get_model("orgs", "Cadre")
    for level in LEVELS:
        Cadre.objects.filter(leadership_level=level).update(rank=level)
    Cadre.objects.exclude(leadership_level="").exclude(leadership_level__in=LEVELS).update(
        rank="其他"
    )
    Cadre.objects.exclude(rank="").exclude(rank__in=OLD_RANKS).update(rank="其他")
    Cadre.objects.update(leadership_level="")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_cadre_levels_search_and_posting_order")]

    operations = [migrations.RunPython(forward, backward)]
