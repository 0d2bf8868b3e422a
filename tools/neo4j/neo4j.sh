#!/usr/bin/env bash
# Local/test Neo4j 5.26 Community server for dataflows (see README.md).
#
#   neo4j.sh build | start | stop | status | wipe | log
#
# Env: NEO4J_PASSWORD (required for start), NEO4J_BOLT_PORT (7687),
#      DATAFLOWS_NEO4J_HOME (<repo>/.neo4j), JAVA_OPTS (-Xms1g -Xmx1g),
#      NEO4J_PAGECACHE (512m), NEO4J_TX_MEMORY_MAX, NEO4J_CONF_FILE,
#      NEO4J_START_TIMEOUT (120 s), NEO4J_STOP_TIMEOUT (60 s).
set -euo pipefail

TOOL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$TOOL_DIR/../.." && pwd -P)
RUNTIME=${DATAFLOWS_NEO4J_HOME:-$REPO/.neo4j}
PORT=${NEO4J_BOLT_PORT:-7687}
JAR="$TOOL_DIR/target/neo4j-launcher.jar"
STAMP="$TOOL_DIR/target/.build-ok"
PID_FILE="$RUNTIME/neo4j.pid"
PORT_FILE="$RUNTIME/neo4j.port"
SCHEME_FILE="$RUNTIME/neo4j.scheme"  # bolt, or bolt+s when the server requires TLS
LOG_FILE="$RUNTIME/neo4j.log"
START_TIMEOUT=${NEO4J_START_TIMEOUT:-120}
STOP_TIMEOUT=${NEO4J_STOP_TIMEOUT:-60}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# JVM flags Neo4j's own launcher passes; needed by Netty/page cache on Java 17+.
JVM_FIXED=(
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.nio.maxCachedBufferSize=1024
  -Dlog4j2.disable.jmx=true
  -XX:+ExitOnOutOfMemoryError
  -XX:-OmitStackTraceInFastThrow
)
# JVM options of Neo4j's own default neo4j.conf (server.jvm.additional): the heap
# committed and touched at start, not page by page while a load or query runs.
# JAVA_OPTS comes after them and can turn one off (e.g. -XX:-AlwaysPreTouch).
JVM_DEFAULTS=(
  -XX:+AlwaysPreTouch
  -XX:+UnlockExperimentalVMOptions
  -XX:+TrustFinalNonStaticFields
  -XX:+DisableExplicitGC
)
# Transparent huge pages for the heap where Linux offers them (2 MB pages instead
# of 4 kB: fewer page faults and address translations). With these options and
# a 12 GB heap, purpose drift on the synthetic map of a million flows took
# 12.1-13.0 s, against 13.2-14.8 s without them (runs alternated on one map);
# its first run after a start 15.8-16.5 s against 22.6-24.8 s. Not on other
# systems, whose JVMs lack the option.
if [[ "$(uname -s)" == Linux && -r /sys/kernel/mm/transparent_hugepage/enabled ]] &&
   ! grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled; then
  JVM_DEFAULTS+=(-XX:+UseTransparentHugePages)
fi

say() { printf 'neo4j.sh: %s\n' "$*"; }
die() { printf 'neo4j.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "$PORT" in
  ''|*[!0-9]*) die "NEO4J_BOLT_PORT must be a number, got '$PORT'" ;;
esac

# --- build -----------------------------------------------------------------

up_to_date() {
  [[ -f "$STAMP" && -f "$JAR" && -d "$TOOL_DIR/target/lib" ]] || return 1
  [[ "$TOOL_DIR/pom.xml" -nt "$STAMP" ]] && return 1
  [[ -z "$(find "$TOOL_DIR/src" -newer "$STAMP" -print -quit)" ]]
}

cmd_build() {
  if [[ "${1:-}" != "--force" ]] && up_to_date; then
    say "build up to date ($JAR)"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn (Maven 3.8+) not found on PATH"
  command -v "$JAVA" >/dev/null || die "java (17+) not found"
  say "building launcher (mvn package) ..."
  rm -f "$STAMP"
  # clean lib/ so a changed Neo4j version never leaves two versions on the classpath
  rm -rf "$TOOL_DIR/target/lib"
  # Maven 3.8 -q still prints bare ANSI reset codes; keep its output for failures only.
  local out
  out=$(mktemp)
  if ! mvn -q -B -Dstyle.color=never -f "$TOOL_DIR/pom.xml" package >"$out" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$out" >&2
    rm -f "$out"
    die "maven build failed"
  fi
  rm -f "$out"
  touch "$STAMP"
  say "built $JAR"
}

# --- process helpers -----------------------------------------------------------

# Prints the pid if our server is running; cleans a stale pid file.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid=$(<"$PID_FILE")
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
     && ps -ww -p "$pid" -o args= 2>/dev/null | grep -q 'neo4j-launcher.jar'; then
    echo "$pid"
    return 0
  fi
  rm -f "$PID_FILE" "$PORT_FILE" "$SCHEME_FILE"
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "---- last 40 lines of $LOG_FILE ----" >&2
    tail -n 40 "$LOG_FILE" >&2
    echo "---- (Neo4j's own logs: $RUNTIME/logs/debug.log) ----" >&2
  fi
}

# The URI scheme the running server answers on: bolt, or bolt+s when it requires TLS.
uri_scheme() {
  cat "$SCHEME_FILE" 2>/dev/null || echo bolt
}

with_lock() {
  mkdir -p "$RUNTIME"
  if command -v flock >/dev/null; then
    exec 9>"$RUNTIME/.lock"
    flock -w 300 9 || die "could not lock $RUNTIME/.lock"
  fi
}

# --- commands --------------------------------------------------------------

cmd_start() {
  [[ -n "${NEO4J_PASSWORD:-}" ]] || die "NEO4J_PASSWORD is not set; refusing to start"
  (( ${#NEO4J_PASSWORD} >= 8 )) || die "NEO4J_PASSWORD must be at least 8 characters"
  export NEO4J_PASSWORD
  with_lock
  local pid
  if pid=$(running_pid); then
    local rport
    rport=$(cat "$PORT_FILE" 2>/dev/null || echo "?")
    if [[ "$rport" != "$PORT" ]]; then
      die "already running (pid $pid) on port $rport, not $PORT; stop it first"
    fi
    say "already running (pid $pid) $(uri_scheme)://127.0.0.1:$rport"
    return 0
  fi
  if port_open "$PORT"; then
    die "port 127.0.0.1:$PORT is already in use by another process (set NEO4J_BOLT_PORT)"
  fi
  cmd_build
  local javaver
  javaver=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [[ "${javaver%%.*}" -ge 17 ]] 2>/dev/null || die "Java 17+ needed (found '${javaver:-none}')"

  mkdir -p "$RUNTIME"
  local offset=0
  [[ -f "$LOG_FILE" ]] && offset=$(wc -c <"$LOG_FILE" | tr -d ' ')
  echo "==== start $(date -u +%FT%TZ) port $PORT ====" >>"$LOG_FILE"
  local -a jopts
  # shellcheck disable=SC2206  # JAVA_OPTS is deliberately word-split
  jopts=(${JAVA_OPTS:--Xms1g -Xmx1g})
  # The throughput collector unless JAVA_OPTS picks one: with G1, two loader
  # batches written at once ran about 1.5x slower (measured at 200k flows).
  [[ " ${JAVA_OPTS:-} " == *" -XX:+Use"*"GC "* ]] || jopts+=(-XX:+UseParallelGC)
  # New session (setsid, where available): a Ctrl-C in the calling shell does
  # not hit the server. The inner shell writes its own pid, then execs java,
  # so the pid file holds java's pid.
  local -a detach=()
  command -v setsid >/dev/null && detach=(setsid)
  # shellcheck disable=SC2016  # $$ / $1 are for the inner shell
  NEO4J_BOLT_PORT="$PORT" NEO4J_PAGECACHE="${NEO4J_PAGECACHE:-512m}" \
    ${detach[@]+"${detach[@]}"} bash -c 'echo $$ >"$1"; shift; exec "$@"' neo4j-start "$PID_FILE" \
      "$JAVA" "${JVM_FIXED[@]}" "${JVM_DEFAULTS[@]}" ${jopts[@]+"${jopts[@]}"} -jar "$JAR" "$RUNTIME" \
      >>"$LOG_FILE" 2>&1 </dev/null 9>&- &
  echo "$PORT" >"$PORT_FILE"

  local deadline=$((SECONDS + START_TIMEOUT))
  pid=""
  while (( SECONDS < deadline )); do
    [[ -z "$pid" && -s "$PID_FILE" ]] && pid=$(<"$PID_FILE")
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE" "$PORT_FILE" "$SCHEME_FILE"
      echo "neo4j.sh: error: server exited during startup" >&2
      log_tail
      exit 1
    fi
    local scheme
    scheme=$(tail -c +$((offset + 1)) "$LOG_FILE" \
      | sed -n "s|^neo4j ready \(bolt\(+s\)\{0,1\}\)://127\.0\.0\.1:$PORT .*|\1|p" | head -n 1)
    if [[ -n "$scheme" ]] && port_open "$PORT"; then
      echo "$scheme" >"$SCHEME_FILE"
      say "neo4j ready $scheme://127.0.0.1:$PORT (pid $pid, home $RUNTIME)"
      return 0
    fi
    sleep 0.5
  done
  echo "neo4j.sh: error: not ready after ${START_TIMEOUT}s; stopping it" >&2
  log_tail
  stop_pid "${pid:-$(cat "$PID_FILE" 2>/dev/null)}" || true
  exit 1
}

stop_pid() {
  local pid=$1
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      say "still running after ${STOP_TIMEOUT}s; sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.3
  done
  rm -f "$PID_FILE" "$PORT_FILE" "$SCHEME_FILE"
}

cmd_stop() {
  with_lock
  local pid
  if ! pid=$(running_pid); then
    say "not running"
    return 0
  fi
  say "stopping (pid $pid) ..."
  stop_pid "$pid"
  say "stopped"
}

cmd_status() {
  local pid
  if pid=$(running_pid); then
    local rport
    rport=$(cat "$PORT_FILE" 2>/dev/null || echo "?")
    if port_open "$rport"; then
      say "running (pid $pid) $(uri_scheme)://127.0.0.1:$rport, home $RUNTIME"
    else
      say "process running (pid $pid) but bolt port $rport not open (starting or stopping?)"
    fi
    return 0
  fi
  say "not running (home $RUNTIME)"
  return 3
}

cmd_wipe() {
  with_lock
  local pid
  if pid=$(running_pid); then
    die "running (pid $pid); stop it before wiping"
  fi
  rm -rf -- "$RUNTIME/data" "$RUNTIME/logs"
  say "wiped $RUNTIME/data and $RUNTIME/logs"
}

cmd_log() {
  [[ -f "$LOG_FILE" ]] || die "no log at $LOG_FILE"
  tail -n "${1:-50}" "$LOG_FILE"
}

case "${1:-}" in
  build)  shift; cmd_build "$@" ;;
  start)  cmd_start ;;
  stop)   cmd_stop ;;
  status) cmd_status ;;
  wipe)   cmd_wipe ;;
  log)    shift; cmd_log "$@" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
