"""Staff commands for data retention: ``python -m bot retention`` and ``python -m bot forget``.

    retention --conversations-days N --requests-days M [--crisis-events-days K] [--dry-run]
    forget --phone NUMBER | --email ADDRESS [--dry-run]

Both read ``BOT_DATABASE_URL`` (requests, crisis events), ``BOT_TRACKER_DB_URL`` or
``--tracker-db`` (Rasa's SQL tracker store) and the data key (``BOT_DATA_KEY``); ``forget``
also ``SMS_SENDER_KEY`` to find the SMS conversation of a number. They print counts only.
Schedule ``retention`` daily (docs/deployment.md has a systemd timer).
"""

from __future__ import annotations

import sys


def add_parser(subparsers) -> None:
    """Register ``retention`` and ``forget``."""
    p = subparsers.add_parser("retention", help="delete conversations and requests past their age")
    p.add_argument(
        "--conversations-days",
        type=float,
        metavar="N",
        help="delete conversations with no message for N days",
    )
    p.add_argument(
        "--requests-days",
        type=float,
        metavar="M",
        help="delete consultation requests created more than M days ago",
    )
    p.add_argument(
        "--crisis-events-days",
        type=float,
        metavar="K",
        help="delete crisis-event records older than K days",
    )
    p.add_argument(
        "--tracker-db",
        metavar="URL",
        help="Rasa's SQL tracker store (SQLAlchemy URL; default $BOT_TRACKER_DB_URL)",
    )
    p.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    p.set_defaults(handler=cmd_retention)

    p = subparsers.add_parser("forget", help="delete everything about one patient")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone", help="the patient's phone number (any common format)")
    who.add_argument("--email", help="the patient's e-mail address")
    p.add_argument(
        "--tracker-db",
        metavar="URL",
        help="Rasa's SQL tracker store (SQLAlchemy URL; default $BOT_TRACKER_DB_URL)",
    )
    p.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    p.set_defaults(handler=cmd_forget)


def cmd_retention(args) -> int:
    """Apply the age limits given on the command line."""
    from bot.staff.retention import RetentionError, apply_retention

    limits = (args.conversations_days, args.requests_days, args.crisis_events_days)
    if all(limit is None for limit in limits):
        print("error: give at least one of --conversations-days, --requests-days, "
              "--crisis-events-days", file=sys.stderr)  # fmt: skip
        return 2
    try:
        report = apply_retention(*limits, tracker_url=args.tracker_db, dry_run=args.dry_run)
    except (RetentionError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report.text(args.dry_run))
    return 0


def cmd_forget(args) -> int:
    """Delete one patient's requests, conversations and crisis events."""
    from bot.privacy.crypto import KeyConfigurationError
    from bot.staff.retention import RetentionError, forget_patient

    try:
        report = forget_patient(
            args.phone, args.email, tracker_url=args.tracker_db, dry_run=args.dry_run
        )
    except (RetentionError, KeyConfigurationError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report.text(args.dry_run))
    return 0
