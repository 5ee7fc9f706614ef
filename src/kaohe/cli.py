"""The ``kaohe`` command: evaluate and validate scenario files, list presets, run the site.

Exit status: 0 on success, 2 for bad input (the message names the place, on stderr;
nothing is printed to stdout then).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from kaohe.engine import ScenarioError, evaluate, load_path, load_text, render_table
from kaohe.engine.messages import message

BAD_INPUT = 2


def _lang(value: str | None) -> str:
    lang = (value or os.environ.get("KAOHE_LANG") or "zh").lower()
    return "en" if lang.startswith("en") else "zh"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kaohe", description="Kaohe 考核")
    parser.add_argument(
        "--lang", choices=["zh", "en"], help="message language (default zh, or KAOHE_LANG)"
    )
    # --lang may also follow the command: kaohe evaluate FILE --lang en
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "evaluate", parents=[language], help="grade a scenario file and print the result"
    )
    run.add_argument("file", help="a YAML or JSON file, or - for standard input")
    run.add_argument("--format", choices=["json", "table"], default="table")
    run.add_argument("--no-notes", action="store_true", help="json: leave out the trace notes")
    check = commands.add_parser("validate", parents=[language], help="check a scenario file")
    check.add_argument("file", help="a YAML or JSON file, or - for standard input")
    presets = commands.add_parser("presets", help="list the bundled schemes of the seed documents")
    presets.add_argument("preset", nargs="?", help="print this preset's YAML")
    demo = commands.add_parser(
        "demo", help="serve the site with the demo county on SQLite", add_help=False
    )
    demo.add_argument("args", nargs=argparse.REMAINDER)
    commands.add_parser(
        "example", parents=[language], help="grade the bundled example scenario, print the table"
    )
    for name, what in (
        ("scenario", "the kaohe-scenario/1 document built from the database"),
        ("results", "the stored kaohe-result/1 of the latest finished run"),
    ):
        group = commands.add_parser(name, help=f"{what} (export YEAR > FILE.json)")
        actions = group.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help=f"print {what} as JSON")
        export.add_argument("year", type=int, help="the assessment year")
        export.add_argument("--suite", help="one suite of schemes (default: every suite)")
    manage = commands.add_parser("manage", help="Django management commands", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


PASS_THROUGH = ("demo", "manage")  # their own options follow, untouched


def _command_index(arguments: list[str]) -> int | None:
    """Where the command stands, past the global options (``--lang en``)."""
    index = 0
    while index < len(arguments):
        word = arguments[index]
        if word == "--lang":
            index += 2
        elif word.startswith("-"):
            index += 1
        else:
            return index
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command_at = _command_index(arguments)
    if command_at is not None and arguments[command_at] in PASS_THROUGH:
        rest = arguments[command_at + 1 :]
        if arguments[command_at] == "demo":
            from kaohe.config.launcher import demo

            return demo(rest)
        return _manage(rest)
    args = build_parser().parse_args(arguments)
    lang = _lang(args.lang)
    if args.command in ("evaluate", "validate"):
        return _evaluate(
            args.file,
            args.command,
            getattr(args, "format", "table"),
            lang,
            notes=not getattr(args, "no_notes", False),
        )
    if args.command == "presets":
        return _presets(args.preset)
    if args.command == "example":
        return _example(lang)
    if args.command in ("scenario", "results"):
        return _export(args.command, args.year, args.suite)
    return 0  # demo and manage were passed through above


def _evaluate(path: str, command: str, output: str, lang: str, *, notes: bool) -> int:
    try:
        document = load_text(sys.stdin.read()) if path == "-" else load_path(path)
        result = evaluate(document)
    except ScenarioError as error:
        print(error.message(lang), file=sys.stderr)
        return BAD_INPUT
    if command == "validate":
        targets = sum(len(scheme.results) for scheme in result.schemes)
        print(message("validate_ok", lang, schemes=len(result.schemes), targets=targets))
    elif output == "json":
        json.dump(result.to_dict(lang, notes), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(result, lang))
    return 0


def _presets(preset: str | None) -> int:
    from kaohe import presets

    if preset:
        try:
            sys.stdout.write(presets.preset_text(preset))
        except KeyError as error:
            print(error.args[0] if error.args else error, file=sys.stderr)
            return BAD_INPUT
        return 0
    for info in presets.list_presets():
        schemes = ", ".join(info.schemes)
        print(f"{info.id}\t{info.seed}\t{info.name}\t{schemes}\t{info.description}")
    return 0


def _example(lang: str) -> int:
    from kaohe.examples import demo_path

    return _evaluate(str(demo_path()), "evaluate", "table", lang, notes=True)


def _export(what: str, year: int, suite: str | None) -> int:
    """Write the scenario built from the database, or the stored result of the latest
    finished run, for ``year`` (and ``suite``) as JSON on stdout."""
    from kaohe.config.launcher import _setup

    _setup()
    from kaohe.results import exports

    try:
        if what == "scenario":
            for chunk in exports.scenario_chunks(year, suite):
                sys.stdout.write(chunk)
        else:
            sys.stdout.write(exports.latest_result_text(year, suite))
    except exports.NothingToExport as error:
        print(error, file=sys.stderr)
        return BAD_INPUT
    return 0


def _manage(args: list[str]) -> int:
    from kaohe.config.launcher import manage

    return manage(args)


if __name__ == "__main__":
    raise SystemExit(main())
