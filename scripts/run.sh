#!/usr/bin/env bash
# Start the action server (5055), the Rasa server (5005: REST, web chat, SMS) and the staff
# console (5056) on localhost. Ctrl-C (or any of them exiting) stops all three. `make run` does
# the set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/servers.sh
stop() {
  stop_servers
  echo "Stopped the action server, the Rasa server and the staff console."
}
trap stop INT TERM EXIT

.venv/bin/python -m bot.reliability.action_server --port "$ACTION_PORT" &
pids+=("$!")
.venv-rasa/bin/rasa run --model "$MODEL" --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml &
pids+=("$!")
.venv/bin/python -m bot staff serve --port "$STAFF_PORT" &
pids+=("$!")

echo "Staff console on http://127.0.0.1:${STAFF_PORT} (first account:" \
  ".venv/bin/python -m bot staff add-user you@clinic.example --role admin)."
echo "Action server on http://127.0.0.1:${ACTION_PORT}, Rasa on http://127.0.0.1:${RASA_PORT}" \
  "(chat widget demo: /webhooks/webchat/demo, REST: /webhooks/rest/webhook," \
  "health: /health/ready). Ctrl-C stops all three."
# Whichever ends first (Ctrl-C or a crash), the trap stops the other.
wait -n
