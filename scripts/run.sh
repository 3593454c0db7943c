#!/usr/bin/env bash
# Start the action server (5055) and the Rasa server (5005: REST, web chat, SMS) on localhost.
# Ctrl-C (or either server exiting) stops both. `make run` does the set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/servers.sh
stop() {
  stop_servers
  echo "Stopped the action server and the Rasa server."
}
trap stop INT TERM EXIT

.venv/bin/python -m bot.reliability.action_server --port "$ACTION_PORT" &
pids+=("$!")
.venv-rasa/bin/rasa run --model "$MODEL" --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml &
pids+=("$!")

echo "Action server on http://127.0.0.1:${ACTION_PORT}, Rasa on http://127.0.0.1:${RASA_PORT}" \
  "(chat widget demo: /webhooks/webchat/demo, REST: /webhooks/rest/webhook," \
  "health: /health/ready). Ctrl-C stops both."
# Whichever ends first (Ctrl-C or a crash), the trap stops the other.
wait -n
