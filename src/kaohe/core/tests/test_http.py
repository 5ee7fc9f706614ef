"""What every HTTP answer carries: the error pages (Chinese, in the site's layout, never
Django's technical pages), the security headers and content security policy, and
``Cache-Control: no-store`` on signed-in pages and downloads. DEBUG is off here, as in
production and the demo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import FileResponse, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from kaohe.core import handlers
from kaohe.core.middleware import SecurityHeadersMiddleware

PACKAGE = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _production_like(settings):
    assert settings.DEBUG is False


# ---- error pages ----


def test_the_404_page_is_chinese_in_the_sites_layout(client, db):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in page and "/no-such-page/" in page
    assert "core/kaohe.css" in page and "返回首页" in page
    assert "Page not found at" not in page and "Django" not in page


def test_the_404_page_speaks_english_when_asked(client, db):
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Page not found</h1>" in page and "页面不存在" not in page


def test_another_units_cadre_is_the_same_404_page_naming_no_model(client, cast):
    client.force_login(cast.outsider)
    response = client.get(reverse("orgs:cadre_detail", args=[cast.cadre_a.pk]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "matches the given query" not in page
    assert "张青山" not in page
    assert 'class="nav"' in page  # a signed-in user keeps the menu


def test_the_403_page_is_chinese_and_shows_no_action_code(client, cast):
    client.force_login(cast.scorer)
    response = client.get(reverse("core:audit_list"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>没有权限</h1>" in page and "考核办" in page
    assert "audit.view" not in page.lower() and "403 Forbidden" not in page


def test_a_bad_host_gets_the_chinese_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>请求有误</h1>" in page and "evil.example" not in page


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "kaohe.core.tests.error_urls"
    return Client(raise_request_exception=False)


def test_a_fault_gives_the_chinese_500_page(failing_site, db):
    response = failing_site.get("/test-fail/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>服务器出错</h1>" in page and "core/kaohe.css" in page
    assert "a fault in a view" not in page and "Traceback" not in page


def test_the_500_page_speaks_english_when_asked(failing_site, db):
    page = failing_site.get("/test-fail/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Server error</h1>" in page and "服务器出错" not in page


def test_the_500_page_for_a_signed_in_user_is_not_cached(failing_site, cast):
    failing_site.force_login(cast.admin)
    response = failing_site.get("/test-fail/")
    assert response.status_code == 500
    assert "no-store" in response["Cache-Control"]


def _broken(*args, **kwargs):
    raise RuntimeError("broken")


def test_the_500_page_needs_no_database_and_no_context_processor(
    settings, django_assert_num_queries, db
):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {"context_processors": ["kaohe.core.tests.test_http._broken"]},
        }
    ]
    request = RequestFactory().get("/anything/")
    request.user = property(_broken)  # touching the user would fail
    with django_assert_num_queries(0):
        response = handlers.server_error(request)
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_the_500_page_falls_back_to_plain_words_when_its_template_fails(monkeypatch, db):
    monkeypatch.setattr(handlers.loader, "render_to_string", _broken)
    response = handlers.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>服务器出错</h1>" in page and "错误已记录" in page


def test_a_form_posted_without_its_token_gets_the_chinese_csrf_page(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    response = client.post(reverse("core:logout"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>页面已过期</h1>" in page and "刷新" in page
    assert "CSRF verification failed" not in page
    assert 'class="nav"' in page  # still signed in: the layout with the menu


# ---- headers ----

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _assert_security_headers(response):
    for name, value in HEADERS.items():
        assert response[name] == value, name
    assert "camera=()" in response["Permissions-Policy"]
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_every_kind_of_response_carries_the_security_headers(client, cast):
    answers = [
        client.get(reverse("core:login")),
        client.get("/no-such-page/"),
        client.get("/static/core/kaohe.css"),
    ]
    client.force_login(cast.admin)
    answers += [
        client.get(reverse("home:index")),
        client.get(reverse("core:audit_export")),
        client.get(reverse("api:unit-list")),
    ]
    for response in answers:
        _assert_security_headers(response)


def test_hsts_is_sent_over_https_only(client, db):
    assert "Strict-Transport-Security" not in client.get(reverse("core:login"))
    secure = client.get(reverse("core:login"), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


# ---- caching ----


def test_signed_in_pages_and_exports_are_never_stored(client, cast):
    assert "no-store" not in client.get(reverse("core:login")).get("Cache-Control", "")
    client.force_login(cast.admin)
    for url in (reverse("home:index"), reverse("orgs:unit_list"), reverse("core:audit_export")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_an_api_answer_to_a_token_is_never_stored(cast):
    from rest_framework.test import APIClient

    from kaohe.api.services import token_create

    _token, key = token_create(actor=cast.admin, user=cast.leader, name="平台")
    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("api:unit-list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_file_is_never_stored_whoever_asks(tmp_path):
    from django.contrib.auth.models import AnonymousUser

    target = tmp_path / "export.xlsx"
    target.write_bytes(b"PK")

    def attachment(request):
        response = HttpResponse(b"x")
        response["Content-Disposition"] = 'attachment; filename="a.xlsx"'
        return response

    request = RequestFactory().get("/reports/export")
    request.user = AnonymousUser()
    with target.open("rb") as handle:
        for view in (lambda r: FileResponse(handle), attachment):
            response = SecurityHeadersMiddleware(view)(request)
            assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_own_caching(client, cast):
    client.force_login(cast.admin)
    response = client.get("/static/core/kaohe.css")
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    response.close()


# ---- no inline script or style anywhere (the policy would block it) ----

INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "on* handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> block": re.compile(r"<style[\s>]", re.I),
    "hx-on": re.compile(r"\shx-on", re.I),
}


def test_no_template_has_inline_script_or_style():
    found = []
    for template in sorted(PACKAGE.glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for kind, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(PACKAGE)}:{line}: {kind}")
    assert found == []
