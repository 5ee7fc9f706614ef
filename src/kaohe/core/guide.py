"""The user guide (``docs/guide/*.md``, in Chinese) served by the site itself, so the help
links of the pages work on an offline government network. Markdown is rendered with raw
HTML off; the screenshots it shows come from ``docs/screenshots`` through ``guide_image``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
IMAGE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,80}\.png$")
# ![…](../screenshots/x.png) in the files (so they read well on a code host too) → the view.
SCREENSHOT_LINK = re.compile(r"\]\(\.\./screenshots/([a-z0-9][a-z0-9._-]{0,80}\.png)\)")
CHAPTER_LINK = re.compile(r"\]\(([a-z0-9][a-z0-9-]{0,40})\.md\)")


def guide_dir() -> Path:
    return Path(settings.PROJECT_DIR) / "docs" / "guide"


def screenshots_dir() -> Path:
    return Path(settings.PROJECT_DIR) / "docs" / "screenshots"


@lru_cache(maxsize=64)
def _render(path: Path, mtime: float) -> tuple[str, SafeString]:
    text = path.read_text(encoding="utf-8")
    text = SCREENSHOT_LINK.sub(r"](../img/\1)", text)
    text = CHAPTER_LINK.sub(r"](../\1/)", text)
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "")
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return title, mark_safe(html)


def chapter(slug: str) -> tuple[str, SafeString]:
    """The chapter's title and HTML; ``Http404`` for an unknown or malformed name."""
    if not SLUG.match(slug):
        raise Http404
    path = guide_dir() / f"{slug}.md"
    if not path.is_file():
        raise Http404
    return _render(path, path.stat().st_mtime)


@login_required
def guide(request: HttpRequest, slug: str = "index") -> HttpResponse:
    title, html = chapter(slug)
    return render(request, "core/guide.html", {"title": title, "html": html, "slug": slug})


@login_required
def guide_image(request: HttpRequest, name: str) -> FileResponse:
    if not IMAGE.match(name):
        raise Http404
    path = screenshots_dir() / name
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
