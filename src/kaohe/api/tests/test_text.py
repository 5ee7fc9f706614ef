"""The API refuses control characters in every text it would store, as the forms do:
a 400 naming the field and the position, nothing written."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django.urls import reverse
from rest_framework import serializers

import kaohe.api
from kaohe.api.serializers import TextChecked
from kaohe.api.tests.conftest import api


def test_every_serializer_of_the_api_checks_its_text():
    found = []
    for module_info in pkgutil.iter_modules(kaohe.api.__path__):
        module = importlib.import_module(f"kaohe.api.{module_info.name}")
        found += [
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, serializers.BaseSerializer) and cls.__module__ == module.__name__
        ]
    assert len(found) > 15
    assert [cls.__name__ for cls in found if not issubclass(cls, TextChecked)] == []


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x1b", "\u202e", "\n"])
def test_a_unit_name_with_a_control_character_is_refused(cast, tokens, char):
    from kaohe.orgs.models import Unit

    response = api(tokens["admin"]).post(
        reverse("api:unit-list"),
        {"code": "ctl", "name": f"坏{char}名", "category": cast.town_category.pk},
        format="json",
    )
    assert response.status_code == 400
    message = " ".join(response.json()["name"])
    assert "第 2 个字符" in message or char == "\x00"  # NUL: DRF's own check speaks first
    assert not Unit.objects.filter(code="ctl").exists()


def test_a_cadre_note_keeps_its_lines_but_refuses_an_escape(cast, tokens):
    client = api(tokens["admin"])
    url = reverse("api:cadre-list")
    refused = client.post(url, {"name": "王五", "note": "一\n\x1b[2J"}, format="json")
    assert refused.status_code == 400 and "U+001B" in " ".join(refused.json()["note"])
    accepted = client.post(url, {"name": "王五", "note": "一行\n二行"}, format="json")
    assert accepted.status_code == 201, accepted.json()


def test_a_nested_first_posting_is_checked_too(cast, tokens):
    response = api(tokens["admin"]).post(
        reverse("api:cadre-list"),
        {"name": "赵六", "first_posting": {"unit": cast.unit_a.pk, "post": "镇\u202e长",
                                          "start_date": "2024-01-01"}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "U+202E" in str(response.json()["first_posting"]["post"])
