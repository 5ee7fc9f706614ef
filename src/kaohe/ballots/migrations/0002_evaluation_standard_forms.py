"""The standard ballot forms of seeds 003 and 004 (the office may add its own)."""

from django.db import migrations

TEAM_GRADES = [("好", "100"), ("较好", "85"), ("一般", "70"), ("差", "50")]
CADRE_GRADES = [("优秀", "100"), ("称职", "80"), ("基本称职", "60"), ("不称职", "0")]
FORMS = [
    # (name, subject, choices, areas, limited choice, share)
    ("领导班子综合评价", "team", TEAM_GRADES, [], "", None),
    ("领导班子分项评价（五个方面）", "team", TEAM_GRADES,
     ["政治思想建设", "领导能力", "工作实绩", "党风廉政建设", "作风建设"], "", None),
    # seed 004: 年度考核测评需严格按照优秀20%比例要求开展测评
    ("领导干部年度考核测评", "cadre", CADRE_GRADES, [], "优秀", "0.200"),
    ("领导干部德能勤绩廉测评", "cadre", CADRE_GRADES, ["德", "能", "勤", "绩", "廉"], "优秀", "0.200"),
]  # fmt: skip


def create(apps, schema_editor):
    BallotForm = apps.get_model("ballots", "BallotForm")
    for name, subject, choices, areas, limited, share in FORMS:
        BallotForm.objects.get_or_create(
            name=name,
            defaults={
                "subject": subject,
                "choices": [{"name": n, "points": p} for n, p in choices],
                "areas": areas,
                "max_share_choice": limited,
                "max_share": share,
            },
        )


def remove(apps, schema_editor):
    BallotForm = apps.get_model("ballots", "BallotForm")
    BallotForm.objects.filter(name__in=[f[0] for f in FORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("ballots", "0001_evaluation")]  # noqa: RUF012
    operations = [migrations.RunPython(create, remove)]  # noqa: RUF012
