# ruff: noqa: RUF012  (generated migration: class-level lists are Django's convention)
"""Data: the unit categories and flags every county starts with (editable afterwards)."""

from django.db import migrations

CATEGORIES = [
    ("镇街", 10, "乡镇(街道)党委、政府"),
    ("县直部门", 20, "县委、县政府工作部门及直属单位"),
    ("县直学校", 30, "县直中小学、职业学校"),
    ("国企", 40, "县管国有企业"),
    ("公立医院", 50, "县级公立医院"),
    ("双管单位", 60, "上级部门与县双重管理的单位"),
]
FLAGS = [("先进集体", 10), ("文明单位", 20), ("省级以上荣誉", 30), ("绩效优秀", 40)]


def seed(apps, schema_editor):
    UnitCategory = apps.get_model("orgs", "UnitCategory")
    UnitFlag = apps.get_model("orgs", "UnitFlag")
    for name, order, description in CATEGORIES:
        UnitCategory.objects.get_or_create(
            name=name, defaults={"order": order, "description": description}
        )
    for name, order in FLAGS:
        UnitFlag.objects.get_or_create(name=name, defaults={"order": order})


def unseed(apps, schema_editor):
    UnitCategory = apps.get_model("orgs", "UnitCategory")
    UnitFlag = apps.get_model("orgs", "UnitFlag")
    UnitCategory.objects.filter(
        name__in=[name for name, _, _ in CATEGORIES], units__isnull=True
    ).delete()
    UnitFlag.objects.filter(name__in=[name for name, _ in FLAGS], units__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_units_teams_cadres_and_history")]

    operations = [migrations.RunPython(seed, unseed)]
