"""The staff console: the clinic's side of the product in a browser (``make staff``).

A Flask application served by Waitress on 127.0.0.1, behind the same reverse proxy as the
assistant. Staff sign in (Argon2id passwords, optional TOTP), work the consultation-request
inbox (every view or export of personal data is audited), review what patients asked that the
assistant could not answer, edit the knowledge, and see the health of both servers.
See docs/staff-console.md.
"""
