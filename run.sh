#!/usr/bin/env bash
# Runs the whole stack locally: Temporal dev server, MailDev and the app.
# State and logs live in data/ (kept across runs). Ctrl-C stops everything.
# shellcheck disable=SC2317  # functions called via traps and wait_for
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"

: "${TEMPORAL_PORT:=7233}"
: "${TEMPORAL_UI_PORT:=8233}"
: "${MAILDEV_SMTP_PORT:=1025}"
: "${MAILDEV_WEB_PORT:=1080}"
: "${API_PORT:=8080}"
: "${ADMIN_PORT:=8081}"

DATA=$ROOT/data
TOOLS=$ROOT/.tools/bin
APP_JAR=server/target/server-0.1.0-SNAPSHOT.jar
APP_CONFIG=server/config.yml
START_TIMEOUT=90   # seconds to wait for each service to come up
# Seconds to wait after SIGTERM before SIGKILL. The app may need its Jetty grace
# period plus the worker shutdown grace period (see server/config.yml).
declare -A STOP_TIMEOUT=([app]=60 [maildev]=10 [temporal]=30)

declare -A PIDS=()   # service name -> pid
declare -A LOGS=()   # service name -> log file
STARTED=()           # service names in start order
TAIL_PID=
MAIL_DIR=            # MailDev's inbox, removed on exit

# A closed stdout (run.sh | tee, with tee gone after Ctrl-C) must not stop the cleanup.
log() { echo "run.sh: $*" 2>/dev/null || true; }
die() { echo "run.sh: ERROR: $*" >&2; exit 1; }

acquire_lock() {
  mkdir -p "$DATA"
  exec 8>"$DATA/.run.lock"
  # Services inherit fd 8, so the lock stays held while any of them is alive.
  flock -n 8 || die "another run.sh (or a service it started) is still running from $ROOT:
data/.run.lock is held. Stop it first (Ctrl-C in its terminal)."
}

port_busy() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

check_ports() {
  local var
  for var in TEMPORAL_PORT TEMPORAL_UI_PORT MAILDEV_SMTP_PORT MAILDEV_WEB_PORT API_PORT ADMIN_PORT; do
    [[ ${!var} =~ ^[0-9]+$ ]] || die "$var='${!var}' is not a port number"
    if port_busy "${!var}"; then
      die "port ${!var} is already in use; set $var to a free port (e.g. $var=$((${!var} + 10000)) ./run.sh)"
    fi
  done
}

# ensure_secret VAR FILE [PREFIX]: exports VAR from the environment, or else from data/FILE,
# which is generated with a random value on first use: 48 hex digits, or with a PREFIX (a key id
# such as dev:) the prefix and 32 random bytes in base64, an AES-256 key.
ensure_secret() {
  local var=$1 file=$DATA/$2 prefix=${3:-}
  if [[ ! -s $file ]]; then
    (
      umask 077
      if [[ -n $prefix ]]; then
        printf '%s%s' "$prefix" "$(head -c 32 /dev/urandom | base64 -w0)" >"$file.tmp"
      else
        od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$file.tmp"
      fi
      mv "$file.tmp" "$file"
    )
    log "generated dev secret in data/$2"
  fi
  chmod 600 "$file"
  if [[ -z ${!var:-} ]]; then
    printf -v "$var" '%s' "$(<"$file")"
  fi
  export "${var?}"
}

# start NAME LOGFILE CMD... : runs CMD in its own session (so Ctrl-C reaches
# only this script, which then stops services in order), output to LOGFILE.
start() {
  local name=$1 logfile=$2
  shift 2
  setsid "$@" >"$logfile" 2>&1 </dev/null &
  PIDS[$name]=$!
  LOGS[$name]=$logfile
  STARTED+=("$name")
}

alive() { kill -0 "${PIDS[$1]}" 2>/dev/null; }

# died NAME WHEN [STATUS] : reports a dead service with the end of its log, exits 1.
died() {
  local name=$1 logfile=${LOGS[$1]}
  echo >&2
  echo "run.sh: ERROR: $name exited unexpectedly${2:+ $2}${3:+ (status $3)}; last lines of ${logfile#"$ROOT"/}:" >&2
  tail -n 20 "$logfile" | sed 's/^/    /' >&2
  exit 1
}

# wait_for NAME DESCRIPTION CMD... : retries CMD until it succeeds, NAME dies,
# or START_TIMEOUT passes.
wait_for() {
  local name=$1 what=$2 deadline=$((SECONDS + START_TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    alive "$name" || died "$name" "while starting"
    ((SECONDS < deadline)) || die "$name: $what not ready after ${START_TIMEOUT}s; see ${LOGS[$name]#"$ROOT"/}"
    sleep 0.5
  done
}

http_answers() {
  curl -s -o /dev/null --max-time 2 "$1"
}

# The dev server's flags and its namespace setup live in scripts/dev-server, shared with
# scripts/bench.
start_temporal() {
  log "starting Temporal dev server on 127.0.0.1:$TEMPORAL_PORT (log: data/temporal.log)"
  start temporal "$DATA/temporal.log" scripts/dev-server run --port "$TEMPORAL_PORT" \
    --ui-port "$TEMPORAL_UI_PORT" --db-filename "$DATA/temporal.db" \
    --codec-endpoint "http://localhost:$ADMIN_PORT/codec"
  wait_for temporal "gRPC health" scripts/dev-server ready --port "$TEMPORAL_PORT"
  scripts/dev-server setup --port "$TEMPORAL_PORT" \
    || die "could not set up namespace 'default' (retention, search attributes)"
}

start_maildev() {
  log "starting MailDev, SMTP 127.0.0.1:$MAILDEV_SMTP_PORT (log: data/maildev.log)"
  # The inbox holds addresses in clear: keep it out of data/, and remove it on exit (MailDev's
  # own default is a new /tmp dir per run, never removed).
  MAIL_DIR=$(mktemp -d -t signups-maildev.XXXXXX)
  if [[ -d $DATA/maildev ]]; then
    rm -rf "$DATA/maildev"
    log "removed data/maildev, the inbox an earlier version kept there"
  fi
  start maildev "$DATA/maildev.log" \
    "$TOOLS/maildev" --smtp "$MAILDEV_SMTP_PORT" --web "$MAILDEV_WEB_PORT" --ip 127.0.0.1 \
    --mail-directory "$MAIL_DIR"
  wait_for maildev "web UI" http_answers "http://127.0.0.1:$MAILDEV_WEB_PORT/"
}

build_app() {
  if [[ ${SKIP_BUILD:-} == 1 ]]; then
    log "SKIP_BUILD=1: not building"
  else
    log "building the app (./mvnw -B -q -DskipTests package)"
    ./mvnw -B -q -DskipTests package || die "build failed"
  fi
  [[ -f $APP_JAR ]] || die "$APP_JAR not found; build it with ./mvnw -DskipTests package"
}

start_app() {
  local java=java
  [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]] && java=$JAVA_HOME/bin/java
  log "starting the app (log: data/app.log)"
  start app "$DATA/app.log" env \
    API_PORT="$API_PORT" ADMIN_PORT="$ADMIN_PORT" \
    TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT" \
    SMTP_HOST=127.0.0.1 SMTP_PORT="$MAILDEV_SMTP_PORT" \
    PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://localhost:$API_PORT}" \
    CODEC_ALLOWED_ORIGINS="[http://localhost:$TEMPORAL_UI_PORT, http://127.0.0.1:$TEMPORAL_UI_PORT]" \
    "$java" -jar "$APP_JAR" server "$APP_CONFIG"
  wait_for app "admin healthcheck" http_answers "http://127.0.0.1:$ADMIN_PORT/healthcheck"
}

print_urls() {
  cat <<EOF

Everything is up:
  API              http://localhost:$API_PORT/signups
  Admin            http://localhost:$ADMIN_PORT/healthcheck
  Temporal Web UI  http://localhost:$TEMPORAL_UI_PORT   (decrypts through http://localhost:$ADMIN_PORT/codec)
  Metrics          http://localhost:$ADMIN_PORT/prometheus
  MailDev inbox    http://localhost:$MAILDEV_WEB_PORT

Try it:
  curl -X POST localhost:$API_PORT/signups -H 'Content-Type: application/json' -d '{"email":"ada@example.com","name":"Ada"}'
  then open the email in the MailDev inbox, click its link and press "Confirm my address".
  The signup's state, on the admin port:
  curl -X POST "localhost:$ADMIN_PORT/tasks/signup-id?email=ada@example.com"   # its id
  curl localhost:$ADMIN_PORT/signups/<id>

Logs are in data/*.log; the app log follows. Press Ctrl-C to stop everything.

EOF
}

# stop NAME : SIGTERM to the service's process group, SIGKILL after its STOP_TIMEOUT.
stop() {
  local name=$1 pid=${PIDS[$1]} timeout=${STOP_TIMEOUT[$1]}
  local deadline=$((SECONDS + timeout))
  if alive "$name"; then
    log "stopping $name"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    while alive "$name" && ((SECONDS < deadline)); do sleep 0.2; done
    if alive "$name"; then
      log "$name did not stop within ${timeout}s; killing it"
    fi
  fi
  # Also catches leftovers of the process group after the leader exited.
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local i
  trap '' INT TERM PIPE
  if [[ -n $TAIL_PID ]]; then kill "$TAIL_PID" 2>/dev/null || true; fi
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    stop "${STARTED[i]}"
  done
  if [[ -n $MAIL_DIR ]]; then rm -rf "$MAIL_DIR"; fi
  if ((${#STARTED[@]})); then log "stopped (data/ kept)"; fi
}

# Blocks until a service exits; that is always unexpected.
supervise() {
  local pid name status=0
  wait -n -p pid "${PIDS[@]}" || status=$?
  for name in "${STARTED[@]}"; do
    [[ ${PIDS[$name]} == "$pid" ]] && died "$name" "" "$status"
  done
  die "a service exited unexpectedly (status $status)"
}

main() {
  trap cleanup EXIT
  trap 'echo 2>/dev/null; exit 130' INT
  trap 'exit 143' TERM

  acquire_lock
  check_ports
  scripts/install-tools temporal maildev
  ensure_secret SIGNUP_ID_SECRET signup-id-secret
  ensure_secret CONFIRMATION_TOKEN_SECRET confirmation-token-secret
  ensure_secret PAYLOAD_ENCRYPTION_KEYS payload-encryption-keys dev:

  start_temporal
  start_maildev
  build_app
  start_app

  print_urls
  tail -n 0 -F --pid=$$ "$DATA/app.log" &
  TAIL_PID=$!
  supervise
}

main "$@"
