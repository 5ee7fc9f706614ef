"""Every form of the site refuses control characters in its text fields (one-line fields
refuse tabs and line breaks too, a text area allows them), with a message naming the
position: nothing typed or pasted into a form can plant a character that breaks an
export or hides what a text says."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import kaohe
from kaohe.core.forms import Form, TextChecked


def _site_forms():
    for module_info in pkgutil.iter_modules(kaohe.__path__):
        try:
            module = importlib.import_module(f"kaohe.{module_info.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_form_of_the_site_checks_its_text():
    found = list(_site_forms())
    assert len(found) > 20
    # List filters only read (a search box); they store nothing.
    unchecked = [
        cls.__qualname__
        for cls in found
        if not issubclass(cls, TextChecked) and not cls.__name__.endswith("FilterForm")
    ]
    assert unchecked == []


class Sample(Form):
    title = forms.CharField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea)
    secret = forms.CharField(required=False, widget=forms.PasswordInput)
    file = forms.FileField(required=False)


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x1b", "\u202e", "\ufeff", "\x85"])
def test_a_control_character_is_refused_in_one_line_and_several(char):
    form = Sample({"title": f"ab{char}c", "note": f"x{char}y"})
    assert not form.is_valid()
    assert any("第 3 个字符" in e and "控制字符" in e for e in form.errors["title"])
    assert any("第 2 个字符" in e for e in form.errors["note"])


def test_a_text_area_keeps_its_line_breaks_and_tabs_but_one_line_does_not():
    form = Sample({"title": "a\tb", "note": "第一行\r\n第二行\t缩进"})
    assert not form.is_valid()
    assert list(form.errors) == ["title"]
    assert Sample({"note": "第一行\r\n第二行\t缩进"}).is_valid()


def test_a_password_is_left_alone_and_a_file_name_is_checked():
    assert Sample({"secret": "tab\there"}).is_valid()
    upload = SimpleUploadedFile("bad\x07name.xlsx", b"x")
    form = Sample({}, {"file": upload})
    assert not form.is_valid() and "控制字符" in form.errors["file"][0]


def test_the_unit_page_refuses_a_name_with_a_control_character(client, cast):
    from kaohe.orgs.models import Unit

    client.force_login(cast.admin)
    response = client.post(
        reverse("orgs:unit_create"),
        {"code": "ctl", "name": "坏\x0b名字", "category": cast.town_category.pk, "order": 0},
    )
    assert response.status_code == 200
    assert "U+000B" in response.content.decode()
    assert not Unit.objects.filter(code="ctl").exists()


def test_the_cadre_note_keeps_its_lines_but_not_an_escape(client, cast):
    url = reverse("orgs:cadre_edit", args=[cast.cadre_b.pk])
    client.force_login(cast.admin)
    refused = client.post(url, {"name": "李白水", "note": "第一行\n\x1b[31m红字"})
    assert refused.status_code == 200 and "U+001B" in refused.content.decode()
    accepted = client.post(url, {"name": "李白水", "note": "第一行\n第二行"})
    assert accepted.status_code == 302
    cast.cadre_b.refresh_from_db()
    assert cast.cadre_b.note == "第一行\n第二行"
