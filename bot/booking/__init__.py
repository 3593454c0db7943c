"""Booking: the consultation-request form's rules, its replies, and the encrypted request store.

``validators`` reads a form answer (name, contact, preferred time, location, yes/no); ``slots``
names the form's slots; ``replies`` words the form's questions and summary; ``store`` keeps
requests encrypted (``bot.privacy.crypto``); ``notify`` optionally e-mails staff.
"""
