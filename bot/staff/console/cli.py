"""``python -m bot staff ...``: run the console and manage its accounts.

Passwords are typed at a hidden prompt (twice), or read from the first line of standard input
when it is not a terminal (for provisioning scripts); they never appear in the command line.
"""

from __future__ import annotations

import getpass
import sys

ROLES = ("front-desk", "admin")  # bot.staff.console.models.ROLES, without importing it for --help


def add_parser(subparsers) -> None:
    """Register ``staff`` and its subcommands."""
    staff = subparsers.add_parser("staff", help="the staff console: serve it, manage accounts")
    commands = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    p = commands.add_parser("serve", help="run the console (default 127.0.0.1:5056)")
    p.add_argument("--host", help="listening address (default BOT_STAFF_HOST)")
    p.add_argument("--port", type=int, help="port (default BOT_STAFF_PORT)")
    p.set_defaults(handler=cmd_serve)
    p = commands.add_parser("add-user", help="create an account (asks for its password)")
    p.add_argument("email")
    p.add_argument("--role", choices=ROLES, required=True)
    p.set_defaults(handler=cmd_add_user)
    p = commands.add_parser("reset-password", help="set a new password; ends its sessions")
    p.add_argument("email")
    p.set_defaults(handler=cmd_reset_password)
    for name, help_text in (("disable", "disable an account; ends its sessions at once"),
                            ("enable", "enable a disabled account again"),
                            ("disable-totp", "turn an account's second factor off (lost phone)")):
        p = commands.add_parser(name, help=help_text)
        p.add_argument("email")
        p.set_defaults(handler=cmd_change)
    p = commands.add_parser("list-users", help="accounts, roles, second factor, disabled")
    p.set_defaults(handler=cmd_list_users)


def _accounts():
    from bot.staff.console.accounts import Accounts
    from bot.staff.console.db import Database

    return Accounts(Database())


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (12+ characters): ")
    if getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def _run(action) -> int:
    from bot.staff.console.accounts import AccountError
    from bot.staff.console.db import ConsoleStorageError

    try:
        message = action()
    except (AccountError, ConsoleStorageError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(message)
    return 0


def cmd_add_user(args) -> int:
    """Create an account."""
    def add() -> str:
        account = _accounts().add(args.email, args.role, _read_password())
        return f"Created {account.email} ({account.role}). Sign in at the console."

    return _run(add)


def cmd_reset_password(args) -> int:
    """Give an account a new password."""
    def reset() -> str:
        _accounts().reset_password(args.email, _read_password())
        return f"New password set for {args.email}; its sessions have ended."

    return _run(reset)


def cmd_change(args) -> int:
    """Disable, enable, or remove the second factor."""
    def change() -> str:
        accounts = _accounts()
        if args.staff_command == "disable":
            accounts.set_disabled(args.email, True)
            return f"Disabled {args.email}; its sessions have ended."
        if args.staff_command == "enable":
            accounts.set_disabled(args.email, False)
            return f"Enabled {args.email}."
        accounts.disable_totp(args.email)
        return f"Second factor removed for {args.email}; they can set it up again."

    return _run(change)


def cmd_list_users(args) -> int:
    """Print the accounts."""
    def listing() -> str:
        rows = _accounts().list()
        lines = [f"{a.email:<40} {a.role:<11} {'totp' if a.totp_enabled else '-':<5} "
                 f"{'disabled' if disabled else 'enabled'}" for a, disabled in rows]
        empty = "No accounts yet: python -m bot staff add-user EMAIL --role admin"
        return "\n".join(lines) or empty

    return _run(listing)


def cmd_serve(args) -> int:
    """Run the console until Ctrl-C; without a usable data key it does not start (exit 78)."""
    import logging

    from bot.privacy.crypto import KeyConfigurationError, load_key
    from bot.staff.console.app import serve

    try:
        load_key()
    except KeyConfigurationError as error:
        print(f"The staff console cannot start: {error}", file=sys.stderr)
        return 78  # EX_CONFIG: a process manager should not restart into it

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(args.host, args.port)
    return 0
