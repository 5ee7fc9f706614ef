"""Reading settings from the environment (the healthchecks way: small, explicit helpers)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name}: expected a yes/no value, got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}: expected an integer, got {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def project_dir() -> Path:
    """In a source checkout, the folder of pyproject.toml; an installed package: the cwd."""
    checkout = Path(__file__).resolve().parent.parent.parent.parent
    return checkout if (checkout / "pyproject.toml").exists() else Path.cwd()


def var_dir() -> Path:
    """Where the site keeps its files (SQLite, collected static files): ``KAOHE_VAR_DIR``,
    else ``var/`` in the project folder."""
    return Path(envstr("KAOHE_VAR_DIR", str(project_dir() / "var")))


def secret_key_from_file(path: Path) -> str:
    """The key stored in ``path``, made (random, readable by its owner only) when missing.
    For the demo, which must start from a fresh clone with no environment."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(50))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ValueError(f"{path}: the stored secret key is too short; delete the file")
    return key


def database_from_url(url: str, *, base_dir: Path, conn_max_age: int = 60) -> dict[str, Any]:
    """Turn ``postgresql://user:pass@host:5432/name?sslmode=require`` or
    ``sqlite:///relative/or/absolute.sqlite3`` into a Django ``DATABASES`` entry."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ValueError("DATABASE_URL: the database name is missing")
        config: dict[str, Any] = {
            "ENGINE": "kaohe.core.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
        }
        options = dict(parse_qsl(parts.query))
        if options:
            config["OPTIONS"] = options
        return config
    if scheme == "sqlite":
        # sqlite:///var/x.sqlite3 is relative to the project; sqlite:////abs/x.sqlite3 absolute.
        path = unquote(parts.path)
        target = Path(path[1:]) if path.startswith("//") else base_dir / path.lstrip("/")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(target)}
    raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")
