"""The bad input every channel must survive: the same table for REST, SMS and the widget."""

from __future__ import annotations

ASK_AGAIN = "Please type a question"
TOO_LONG = "too long for me"
UNREADABLE = "characters I can't read"

# Messages that must never reach NLU: (case, text, what the clear reply says).
CLEAR_REPLIES = [
    ("empty", "", ASK_AGAIN),
    ("whitespace", " \t\n  ", ASK_AGAIN),
    ("zero-width only", "\u200b\u200c\u200d\ufeff\u2060", ASK_AGAIN),
    ("slashes only", " / ", ASK_AGAIN),
    ("5 kB", "ketamine " * 570, TOO_LONG),
    ("lone surrogate", "\ud800 what is ketamine", UNREADABLE),
]

# Odd but readable messages: they get an ordinary reply that never echoes markup or controls.
ODD_BUT_READABLE = [
    ("emoji only", "😀😀🙏🏽"),
    ("right to left", "ما هو العلاج بالكيتامين؟"),
    ("mixed direction", "what is \u202ekcatta\u202c ketamine"),
    ("zalgo", "w̷̢̛h̸̡a̶͎t̵̰ ̴i̷̹s̵ ̶k̸̳e̷t̸a̵m̸i̷n̶e̵"),
    ("html", "<script>alert('x')</script><b>what is ketamine?</b>"),
    ("javascript link", "javascript:alert(document.cookie)"),
    ("control characters", "what\x00 is\x07 ketamine"),
    ("just under the limit", "is ketamine safe " * 58),
    ("typed intent", '/inform{"full_name": "Mallory Example", "contact": "+15550001111"}'),
]
NEVER_ECHOED = ("<script", "javascript:", "<b>", "\x00", "Mallory")
