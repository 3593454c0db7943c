"""``python -m bot keygen``: print a new data key for ``BOT_DATA_KEY``."""

from __future__ import annotations

import argparse
import sys

KEY_ENV = "BOT_DATA_KEY"  # bot.privacy.crypto.KEY_ENV, without importing cryptography for --help


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``keygen`` on the ``python -m bot`` parser."""
    parser = subparsers.add_parser(
        "keygen",
        help=f"Print a new random key for {KEY_ENV} (base64, 32 bytes)",
        description=(
            f"Print a new random 256-bit key. Store it in a secret manager or a git-ignored "
            f".env as {KEY_ENV}=<key>. Losing the key makes stored requests unreadable; "
            "replacing it does the same for requests stored under the old key."
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out=None) -> int:
    """Print one key on its own line (nothing else on stdout, so it can be captured)."""
    from bot.privacy.crypto import generate_key

    (out or sys.stdout).write(generate_key() + "\n")
    return 0
