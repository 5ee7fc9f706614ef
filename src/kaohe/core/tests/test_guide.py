import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

GUIDE = Path(settings.PROJECT_DIR) / "docs" / "guide"


def test_the_guide_index_is_served_in_the_sites_layout(client, cast):
    client.force_login(cast.liaison)
    response = client.get(reverse("core:guide_index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>使用手册</h1>" in html and 'href="../register/"' in html


def test_the_guide_is_for_signed_in_users(client):
    for url in ("/guide/", "/guide/register/", "/guide/img/years.png"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_chapters_screenshots_are_served_through_the_guide(client, cast):
    client.force_login(cast.admin)
    html = client.get(reverse("core:guide", args=["register"])).content.decode()
    images = re.findall(r'<img src="\.\./img/([^"]+)"', html)
    assert "years.png" in images
    response = client.get(reverse("core:guide_image", args=["years.png"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


@pytest.mark.parametrize("name", ["../../pyproject.toml", "..%2f..%2fpyproject", "x.svg", "-x.png"])
def test_it_serves_no_file_outside_the_guide(client, cast, name):
    client.force_login(cast.admin)
    assert client.get(f"/guide/img/{name}").status_code == 404
    assert client.get(f"/guide/{name}/").status_code == 404


def test_a_guide_page_escapes_raw_html(tmp_path, settings, client, cast):
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "docs" / "guide" / "index.md").write_text("# T\n\n<script>alert(1)</script>\n")
    settings.PROJECT_DIR = tmp_path
    client.force_login(cast.admin)
    html = client.get(reverse("core:guide_index")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_every_chapter_the_index_links_and_every_image_exists():
    index = (GUIDE / "index.md").read_text()
    for chapter in re.findall(r"\]\(([a-z0-9-]+)\.md\)", index):
        path = GUIDE / f"{chapter}.md"
        assert path.is_file(), chapter
        for image in re.findall(r"\.\./screenshots/([^)]+)\)", path.read_text()):
            assert (GUIDE.parent / "screenshots" / image).is_file(), (chapter, image)
