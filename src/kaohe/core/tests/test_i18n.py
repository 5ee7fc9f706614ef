"""The English catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("*/locale/en/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"\n(?:msgid_plural "(.*)"\n)?msgstr(?:\[0\])? "(.*)"', re.M
)


def test_every_app_with_a_user_interface_has_an_english_catalogue():
    assert {p.parts[-5] for p in CATALOGUES} >= {"core", "orgs"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_message_is_translated_and_compiled(po):
    entries = ENTRY.findall(po.read_text(encoding="utf-8"))
    assert entries
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")  # msgfmt would drop them
    untranslated = [msgid for _context, msgid, _plural, msgstr in entries if not msgstr]
    assert untranslated == []
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for context, msgid, plural, msgstr in entries:
        if context:
            assert compiled.pgettext(context, msgid) == msgstr, msgid
        elif plural:
            assert compiled.ngettext(msgid, plural, 1) == msgstr
        else:
            assert compiled.gettext(msgid) == msgstr, msgid


def test_the_pages_speak_english_when_asked(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("orgs:unit_list")).content.decode()
    assert "Categories" in page and "Add unit" in page and "3 units" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "新增单位" in client.get(reverse("orgs:unit_list")).content.decode()
