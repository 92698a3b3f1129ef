"""`medinfo`: one command line for ingesting, asking, serving, auditing and evaluating.

Exit codes: 0 done; 1 error (nothing or not everything could be done); 2 usage error;
3 done, but some inputs were skipped (see the summary); eval: 1 when a threshold is not met.

Commands live by concern: ingest.py (ingest, source, docs), answering.py (ask, letter), service.py (serve,
keys, audit, safety); `medinfo eval` registers itself from the eval package (entry point group
"medinfo.commands", so this package imports nothing above it). Each command builds the settings once
(assistant.settings) and passes them down.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ingest import offline  # noqa: F401

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def fail(msg: str, as_json: bool = False, code: int = EXIT_ERROR) -> int:
    if as_json:
        print_json({"error": msg})
    print(f"medinfo: error: {msg}", file=sys.stderr)
    return code


def settings_of(args, **flags):
    """The settings for this command: --data-dir and the given flags over environment, file and defaults."""
    from assistant.settings import Settings

    return Settings.load(getattr(args, "data_dir", None), **flags)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="medinfo", description="Medical-information answers with traceable evidence.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help: str, func, json_flag: bool = True):
        sp = sub.add_parser(name, help=help, description=help)
        sp.add_argument("--data-dir", help="store directory (default: $MEDINFO_DATA_DIR or ~/.medinfo)")
        if json_flag:
            sp.add_argument("--json", action="store_true", help="print one JSON object")
        sp.set_defaults(func=func)
        return sp

    from assistant.cli import answering, faq, ingest, insights, service

    for register in (ingest.register, answering.register, service.register, insights.register, faq.register,
                     *_extensions()):
        register(sub, add)
    return p


def _extensions():
    """Subcommands of packages above this one (evaluation), registered as entry points of the group
    "medinfo.commands" (see pyproject.toml)."""
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group="medinfo.commands"), key=lambda e: e.name):
        yield ep.load()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from assistant.settings import ConfigError
    from ingest.database import DatabaseUnavailable

    try:
        return args.func(args)
    except ConfigError as exc:
        return fail(str(exc), getattr(args, "json", False), EXIT_USAGE)
    except DatabaseUnavailable as exc:
        return fail(str(exc), getattr(args, "json", False))
    except KeyboardInterrupt:
        return fail("interrupted", getattr(args, "json", False))


if __name__ == "__main__":
    sys.exit(main())
