"""What each app adds to core: its background-job kinds and its audit actions' labels.

Core imports no domain app. An app registers its own in its ``AppConfig.ready()``, so core
knows them once Django is set up (in the web process and in a Celery worker alike).
This module imports no model: an app's ``apps.py`` may import it at the top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


@dataclass(frozen=True)
class JobKind:
    """A kind of background job: its key (stored in ``Job.kind``), what the job list calls
    it, and the dotted path of the function that runs it (called with the job and its file,
    it returns the counts or raises ``ImportFailed``)."""

    key: str
    label: str | Promise
    runner: str

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class MenuItem:
    """An entry of the top bar: its URL name, label, the action a role needs to see it,
    the prefix of URL names that mark it active, the drop-down group it sits in (None: the
    bar itself) and its place (lower first)."""

    url: str
    label: str | Promise
    action: str
    section: str
    group: str | None = None
    order: int = 100


# The drop-down group of the settings pages.
SETTINGS_GROUP = "settings"

_JOB_KINDS: dict[str, JobKind] = {}
_MENU: dict[str, MenuItem] = {}
_MENU_GROUPS: dict[str, str | Promise] = {}
_AUDIT_ACTIONS: dict[str, str | Promise] = {}


def register_job_kinds(kinds: Iterable[JobKind]) -> None:
    for kind in kinds:
        known = _JOB_KINDS.setdefault(kind.key, kind)
        if known != kind:
            raise ImproperlyConfigured(f"job kind {kind.key!r} is registered twice")


def job_kind(key: str) -> JobKind:
    """The registered kind of that key; ``LookupError`` for any other."""
    try:
        return _JOB_KINDS[str(key)]
    except KeyError:
        raise LookupError(f"no job kind {key!r} is registered") from None


def job_kinds() -> dict[str, JobKind]:
    return dict(_JOB_KINDS)


def register_audit_actions(labels: Mapping[str, str | Promise]) -> None:
    """Name an app's audit actions (``unit.create`` → 新增单位) for the audit log pages."""
    for code, label in labels.items():
        known = _AUDIT_ACTIONS.setdefault(code, label)
        if str(known) != str(label):
            raise ImproperlyConfigured(f"audit action {code!r} is registered twice")


def audit_actions() -> dict[str, str | Promise]:
    return dict(_AUDIT_ACTIONS)


def audit_action_label(code: str) -> str:
    """What the audit log calls an action (the code itself when nobody named it)."""
    return str(_AUDIT_ACTIONS.get(code, code))


def register_menu_items(items: Iterable[MenuItem]) -> None:
    """Add an app's entries to the top bar (each app names its own URLs)."""
    for item in items:
        known = _MENU.setdefault(item.url, item)
        if known != item:
            raise ImproperlyConfigured(f"menu item {item.url!r} is registered twice")


def menu_items() -> list[MenuItem]:
    return sorted(_MENU.values(), key=lambda item: (item.order, item.url))


def register_menu_group(key: str, label: str | Promise) -> None:
    """Name a drop-down of the top bar (its entries say ``group=key``); the group stands
    where its first entry would."""
    known = _MENU_GROUPS.setdefault(key, label)
    if str(known) != str(label):
        raise ImproperlyConfigured(f"menu group {key!r} is registered twice")


def menu_group_label(key: str) -> str | Promise:
    return _MENU_GROUPS.get(key, key)


@dataclass(frozen=True)
class HeaderCounter:
    """A count the top bar shows beside the user's name (the unread notices): the function
    that counts for a user (one query) and the URL name of the page it links to."""

    count: Callable[[Any], int]
    url: str
    label: str | Promise


_HEADER_COUNTER: list[HeaderCounter] = []


def register_header_counter(counter: HeaderCounter) -> None:
    """Set the top bar's counter (one app owns it: the notices of ``collection``)."""
    if _HEADER_COUNTER and _HEADER_COUNTER[0] != counter:
        raise ImproperlyConfigured("the header counter is registered twice")
    _HEADER_COUNTER[:] = [counter]


def header_counter() -> HeaderCounter | None:
    return _HEADER_COUNTER[0] if _HEADER_COUNTER else None
