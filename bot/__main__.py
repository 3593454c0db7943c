"""``python -m bot``: the staff command line (see bot/staff/cli.py)."""

import sys

from bot.staff.cli import main

if __name__ == "__main__":
    sys.exit(main())
