#!/usr/bin/env bash
# Talk to the assistant in the terminal: starts the action server, runs `rasa shell`,
# and stops the action server when the shell ends. `make shell` does the set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."

export RASA_TELEMETRY_ENABLED=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
ACTION_PORT="${ACTION_PORT:-5055}"
MODEL="${MODEL:-models/clinic.tar.gz}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}"
export SANIC_HOST=127.0.0.1

test -f "$MODEL" || { echo "No model at $MODEL: run 'make train' first." >&2; exit 1; }

.venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" --quiet &
action_pid=$!
stop() {
  trap - INT TERM EXIT
  kill -TERM "$action_pid" 2>/dev/null || true
  wait "$action_pid" 2>/dev/null || true
}
trap stop INT TERM EXIT

for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:${ACTION_PORT}/health" >/dev/null 2>&1 && break
  kill -0 "$action_pid" 2>/dev/null || { echo "The action server did not start." >&2; exit 1; }
  sleep 0.5
done

.venv-rasa/bin/rasa shell --model "$MODEL" --endpoints endpoints.yml "$@"
