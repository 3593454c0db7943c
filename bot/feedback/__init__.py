"""Did this answer help? Patients' Yes/No votes on knowledge answers in the website chat.

- ``votes``: what the channel needs, without Rasa: one-time vote tickets for the answers a
  socket was just shown, the alternatives offered after "No", and the replies to a vote.
- ``store``: the counts, per knowledge entry and index version, in the requests database
  (``BOT_DATABASE_URL``). Nothing else is stored: no conversation, sender, time or text.

docs/channels.md ("Did this answer help?") explains the design.
"""
