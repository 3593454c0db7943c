#!/usr/bin/env bash
# Talk to the assistant in the terminal. Starts the action server and a Rasa server with the
# staff channel (credentials.shell.yml: the same checks and honest failure replies as the
# patients' channels), waits until /health/ready says both are ready, then runs Rasa's console
# (the one `rasa shell` uses). `/stop` or Ctrl-D ends it and stops both servers.
# `make shell` does the set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/servers.sh
LOG_DIR="${LOG_DIR:-var/log}"
mkdir -p "$LOG_DIR"

# The servers' logs go to files so they do not interleave with the conversation.
.venv/bin/python -m bot.reliability.action_server --port "$ACTION_PORT" \
  >"$LOG_DIR/shell-actions.log" 2>&1 &
pids+=("$!")
.venv-rasa/bin/rasa run --model "$MODEL" --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.shell.yml --endpoints endpoints.yml \
  >"$LOG_DIR/shell-rasa.log" 2>&1 &
pids+=("$!")

echo "Starting the assistant (logs in $LOG_DIR/shell-*.log)..."
ready_url="http://127.0.0.1:${RASA_PORT}/health/ready"
until curl -fsS "$ready_url" >/dev/null 2>&1; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || {
      echo "A server stopped during start; see $LOG_DIR/shell-*.log" >&2
      exit 1
    }
  done
  sleep 1
done

.venv-rasa/bin/python -m bot.channels.staff_shell --url "http://127.0.0.1:${RASA_PORT}" "$@"
