# Sourced by run.sh and shell.sh: the settings both servers need, and the stop-everything trap.
# Ports, model and action server URL can be overridden from the environment.
export RASA_TELEMETRY_ENABLED=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
STAFF_PORT="${STAFF_PORT:-5056}"
MODEL="${MODEL:-models/clinic.tar.gz}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:${ACTION_PORT}/webhook}"
export SANIC_HOST=127.0.0.1  # the action server binds to localhost only

test -f "$MODEL" || { echo "No model at $MODEL: run 'make train' first." >&2; exit 1; }

pids=()
stop_servers() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_servers INT TERM EXIT
