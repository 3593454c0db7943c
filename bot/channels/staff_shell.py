"""The staff shell: Rasa's terminal console, served with the checks the patients' channels have.

``rasa shell`` starts a Rasa server with only its own command-line channel, so none of what the
patients' channels get at start (credentials.yml) is installed there: no honest reply when the
action server is down or slow, no readiness check, no input checks before NLU. ``make shell``
(scripts/shell.sh) therefore runs ``rasa run`` with credentials.shell.yml, which configures
:class:`StaffShellInput` and the health channel, waits for ``/health/ready``, and then runs
:func:`main`: Rasa's own console (the one ``rasa shell`` uses), talking to that server.

:class:`StaffShellInput` is the guarded REST channel under the input channel name ``cmdline``,
the name ``rasa shell`` uses, so staff-only output (``make shell-debug``) keeps appearing in the
shell and nowhere else.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets

from rasa.core.channels import console

from bot.reliability.rest_channel import CHANNEL, GuardedRestInput

STAFF_CHANNEL = "cmdline"
DEFAULT_SERVER_URL = "http://127.0.0.1:5005"


class StaffShellInput(GuardedRestInput):
    """The guarded REST channel at ``/webhooks/rest/webhook``, as input channel ``cmdline``."""

    # Rasa's console ends the session on any non-2xx answer; the honest reply is the message.
    failure_status = 200

    @classmethod
    def name(cls) -> str:
        """The input channel name ``rasa shell`` uses."""
        return STAFF_CHANNEL

    def url_prefix(self) -> str:
        """The REST URL, which Rasa's console posts to."""
        return CHANNEL


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """``--url`` of the Rasa server and the ``--sender`` id of this conversation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_SERVER_URL, help="the Rasa server")
    parser.add_argument(
        "--sender", default=None, help="conversation id (default: a new one per session)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Read messages in the terminal and print the replies, until ``/stop`` or end of input."""
    args = parse_args(argv)
    sender = args.sender or f"staff-{secrets.token_hex(8)}"
    asyncio.run(console.record_messages(sender, server_url=args.url, use_response_stream=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
