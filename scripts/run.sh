#!/usr/bin/env bash
# Start the action server (5055) and the Rasa server (5005: REST, web chat, SMS) on localhost.
# Ctrl-C (or either server exiting) stops both. `make run` does the set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."

export RASA_TELEMETRY_ENABLED=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
MODEL="${MODEL:-models/clinic.tar.gz}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}"
export SANIC_HOST=127.0.0.1  # the action server binds to localhost only

test -f "$MODEL" || { echo "No model at $MODEL: run 'make train' first." >&2; exit 1; }

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped the action server and the Rasa server."
}
trap stop INT TERM EXIT

.venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" &
pids+=("$!")
.venv-rasa/bin/rasa run --model "$MODEL" --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml &
pids+=("$!")

echo "Action server on http://127.0.0.1:${ACTION_PORT}, Rasa on http://127.0.0.1:${RASA_PORT}" \
  "(chat widget demo: /webhooks/webchat/demo, REST: /webhooks/rest/webhook," \
  "health: /health/ready). Ctrl-C stops both."
# Whichever ends first (Ctrl-C or a crash), the trap stops the other.
wait -n
