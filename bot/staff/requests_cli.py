"""Staff commands for consultation requests: ``python -m bot requests ...``.

    list [--status new|contacted] [--json]   one line per request (``--json``: one object a line)
    show ID                                  every field of one request
    export --format csv|json [--output FILE] all requests, decrypted
    mark-contacted ID                        status -> contacted
    delete ID                                remove the request and its personal data

Decrypts with the same key as the action server (``BOT_DATA_KEY``, or the development key
file when ``BOT_ENV=development``). The output holds personal data: it goes to the terminal or
to a file created readable only by its owner.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports storage (SQLAlchemy, cryptography) only when run
    from bot.booking.store import ConsultationRequest, RequestStore

STATUSES = ("new", "contacted")  # bot.booking.store.STATUSES, without importing it for --help

EXPORT_FIELDS = [
    "id",
    "created_at",
    "status",
    "contacted_at",
    "full_name",
    "relationship",
    "contact_kind",
    "contact",
    "preferred_time",
    "preferred_time_normalized",
    "location_id",
    "channel",
    "conversation_ref",
]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``requests`` and its subcommands on the ``python -m bot`` parser."""
    parser = subparsers.add_parser(
        "requests",
        help="Consultation requests: list, show, export, mark-contacted, delete",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", help="Override BOT_DATABASE_URL")
    commands = parser.add_subparsers(dest="requests_command", required=True)

    listing = commands.add_parser("list", help="List requests")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--json", action="store_true", help="One JSON object per line")

    show = commands.add_parser("show", help="Show one request")
    show.add_argument("id", type=int)

    export = commands.add_parser("export", help="Export all requests")
    export.add_argument("--format", choices=["csv", "json"], required=True)
    export.add_argument("--status", choices=STATUSES)
    export.add_argument("--output", help="Write to this file (created with mode 0600)")

    mark = commands.add_parser("mark-contacted", help="Mark a request as contacted")
    mark.add_argument("id", type=int)

    delete = commands.add_parser("delete", help="Delete a request")
    delete.add_argument("id", type=int)

    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out=None) -> int:
    """Execute a ``requests`` subcommand; returns the process exit code."""
    from bot.booking.store import RequestNotFound, RequestStore, StorageError
    from bot.privacy.crypto import DecryptionError, KeyConfigurationError

    out = out or sys.stdout
    store = RequestStore(url=args.database_url)
    try:
        return _dispatch(store, args, out)
    except RequestNotFound as exc:
        print(f"No consultation request with id {exc.args[0]}.", file=sys.stderr)
        return 1
    except (KeyConfigurationError, StorageError, DecryptionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.dispose()


def _dispatch(store: RequestStore, args: argparse.Namespace, out) -> int:
    command = args.requests_command
    if command == "list":
        requests = store.list(status=args.status)
        if args.json:
            for request in requests:
                out.write(json.dumps(request.as_dict(), ensure_ascii=False) + "\n")
        elif not requests:
            out.write("No consultation requests.\n")
        else:
            for request in requests:
                out.write(_summary_line(request) + "\n")
    elif command == "show":
        out.write(_details(store.get(args.id)))
    elif command == "export":
        text = export_requests(store.list(status=args.status), args.format)
        if args.output:
            fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            print(f"Wrote {args.output}", file=sys.stderr)
        else:
            out.write(text)
    elif command == "mark-contacted":
        request = store.mark_contacted(args.id)
        out.write(f"Request {request.id} marked as contacted.\n")
    elif command == "delete":
        store.delete(args.id)
        out.write(f"Request {args.id} deleted.\n")
    return 0


def _summary_line(request: ConsultationRequest) -> str:
    when = request.preferred_time_normalized or request.preferred_time
    return (
        f"#{request.id}  {request.created_at:%Y-%m-%d %H:%M}  {request.status:<9}  "
        f"{request.full_name}  {request.contact}  {request.location_id}  {when}"
    )


def _details(request: ConsultationRequest) -> str:
    data = request.as_dict()
    width = max(len(name) for name in EXPORT_FIELDS)
    return "".join(
        f"{name:<{width}}  {'' if data[name] is None else data[name]}\n" for name in EXPORT_FIELDS
    )


# A cell starting with one of these is a formula to a spreadsheet ("=HYPERLINK(...)"): the
# export prefixes it with an apostrophe, so it is shown as the text the patient typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"^\+\d{8,15}$")  # a stored phone number: digits only, no formula possible


def spreadsheet_safe(value: object) -> object:
    """``value`` as a spreadsheet shows it as text, never runs it (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not E164.match(value):
        return "'" + value
    return value


def export_requests(requests: list[ConsultationRequest], fmt: str) -> str:
    """``requests`` as CSV (spreadsheet-safe cells) or JSON."""
    if fmt == "json":
        return json.dumps([r.as_dict() for r in requests], ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for request in requests:
        writer.writerow({k: spreadsheet_safe(v) for k, v in request.as_dict().items()})
    return buffer.getvalue()
