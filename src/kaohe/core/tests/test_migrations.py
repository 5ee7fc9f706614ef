from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_migration_is_missing():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_the_seed_migration_creates_the_six_categories():
    from kaohe.orgs.models import UnitCategory, UnitFlag

    names = set(UnitCategory.objects.values_list("name", flat=True))
    assert {"镇街", "县直部门", "县直学校", "国企", "公立医院", "双管单位"} <= names
    assert {"先进集体", "文明单位"} <= set(UnitFlag.objects.values_list("name", flat=True))
