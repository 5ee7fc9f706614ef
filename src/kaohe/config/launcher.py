"""Entry points the ``kaohe`` command calls: ``kaohe demo`` and ``kaohe manage``."""

from __future__ import annotations

import argparse
import os
import sys

DEMO_KEY_FILE = "demo-secret-key"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    import django

    django.setup()


def manage(argv: list[str]) -> int:
    """``kaohe manage ARGS`` = ``django-admin ARGS`` with Kaohe's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kaohe manage", *argv])
    return 0


def demo(argv: list[str]) -> int:
    """Migrate the SQLite database, load the demo county when it is empty, collect the static
    files, print how to log in, and serve the site on 127.0.0.1 as production would: DEBUG
    off (Kaohe's error pages, not Django's), WhiteNoise for the static files, the security
    headers. The key is the demo's own, made once in ``var/``; cookies are not Secure, as
    the demo speaks plain http on the loopback."""
    parser = argparse.ArgumentParser(prog="kaohe demo", description="serve the demo county")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--year", type=int, default=None, help="assessment year of the demo")
    parser.add_argument("--no-serve", action="store_true", help="prepare the database only")
    args = parser.parse_args(argv)

    # The demo always uses the embedded SQLite database (var/kaohe.sqlite3), never a
    # DATABASE_URL that may point at real data.
    os.environ.pop("DATABASE_URL", None)
    _demo_environment()
    _setup()

    from django.conf import settings
    from django.core.management import call_command

    from kaohe.demo.services import (
        database_is_empty,
        demo_instructions,
        demo_site_load,
        demo_summary_from_database,
    )

    database = str(settings.DATABASES["default"]["NAME"])
    if os.path.dirname(database):
        os.makedirs(os.path.dirname(database), exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    summary = (
        demo_site_load(year=args.year) if database_is_empty() else demo_summary_from_database()
    )
    url = f"http://127.0.0.1:{args.port}/"
    print(demo_instructions(summary, url=url), flush=True)
    if args.no_serve:
        return 0
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False)
    return 0


def _demo_environment() -> None:
    from kaohe.config.env import secret_key_from_file, var_dir

    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = secret_key_from_file(var_dir() / DEMO_KEY_FILE)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["SESSION_COOKIE_SECURE"] = "0"
    os.environ["CSRF_COOKIE_SECURE"] = "0"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(demo(sys.argv[1:]))
