# Throwaway local servers for bin/sample-copy and bench/run (the tests have their own fixtures in Java).
# Source it after setting $work, a fresh folder; `trap stop_servers EXIT` stops all it started and deletes $work.
#   start_postgres <port> <user> <password> [-c setting=value ...]   initdb into $work/pg and start, as the
#                                                                     postgres OS user when run as root
#   start_azurite <port> [queue port]                                Azurite's blob service (and its queue service),
#                                                                     data in $work/azurite
#   start_pgferry <port> [java options ...]                          the packaged function (rebuilt when stale) with
#                                                                     the launcher's serial collector (no other
#                                                                     collector option; PGFERRY_PLAIN_JAVA=1 for the
#                                                                     JVM's own); pid in $pgferry_pid, log in $pgferry_log
#   port_free <port> <what> <option>                                 fails with a message when the port is taken
# Needs PostgreSQL server binaries (PGFERRY_PG_BIN or the newest /usr/lib/postgresql/<version>/bin), Node/npm and a JDK.

server_pids=()
pg_bin=${PGFERRY_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pg_bin/initdb" ] || { echo "no PostgreSQL server binaries; install postgresql or set PGFERRY_PG_BIN" >&2; exit 1; }
chmod 755 "$work"

# As root, PostgreSQL runs as the postgres user, from $work: the caller's directory may be closed to that user.
as_postgres() { if [ "$(id -u)" = 0 ]; then (cd "$work" && runuser -u postgres -- "$@"); else "$@"; fi; }

wait_port() { # wait_port <port> <log>
  for _ in $(seq 1 240); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done
  echo "nothing listens on port $1; see $2" >&2
  exit 1
}

start_postgres() {
  local port=$1 user=$2 password=$3
  shift 3
  mkdir -p "$work/pg"
  echo "$password" > "$work/pg/password"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$work/pg"
  as_postgres "$pg_bin/initdb" -D "$work/pg/data" -U "$user" --pwfile="$work/pg/password" -A scram-sha-256 -E UTF8 \
    --no-locale --no-sync >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 $*" start >/dev/null
}

start_azurite() {
  [ -x node_modules/.bin/azurite-blob ] || npm ci --no-audit --no-fund
  node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$1" --location "$work/azurite" \
    --skipApiVersionCheck --silent > "$work/azurite.log" 2>&1 &
  server_pids+=($!)
  wait_port "$1" "$work/azurite.log"
  if [ -n "${2:-}" ]; then
    node_modules/.bin/azurite-queue --queueHost 127.0.0.1 --queuePort "$2" --location "$work/azurite" \
      --skipApiVersionCheck --silent > "$work/azurite-queue.log" 2>&1 &
    server_pids+=($!)
    wait_port "$2" "$work/azurite-queue.log"
  fi
}

port_free() { # port_free <port> <what> <option>: fails, saying how to choose another, when something listens there
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "port $1, which $2 needs, is taken; stop what listens there or choose another with $3" >&2
    return 1
  fi
}

build_pgferry() { # (re)builds the packaged function when a source is newer than it, showing the build's steps
  local jar=target/quarkus-app/quarkus-run.jar
  if [ -f "$jar" ] && [ -z "$(find src pom.xml -newer "$jar" -print -quit)" ]; then return 0; fi
  echo "   building pgferry (./mvnw -B package -DskipTests; a minute or two the first time)"
  ./mvnw -B package -DskipTests | grep --line-buffered -E '^\[(INFO|ERROR)\] (--- |BUILD|Total time)|^\[ERROR\]' \
    | sed -u 's/^/   /'
}

start_pgferry() {
  local port=$1
  shift
  build_pgferry
  pgferry_log=${pgferry_log:-$work/pgferry.log}
  # As function-app/pgferry-handler starts it on Azure (the serial collector, few malloc arenas), or with
  # PGFERRY_PLAIN_JAVA=1 as a plain `java -jar` (the JVM's own choice of collector, G1 on two cores, and glibc's
  # default arenas).
  local launcher=(env MALLOC_ARENA_MAX=2 java -XX:+UseSerialGC)
  [ "${PGFERRY_PLAIN_JAVA:-}" = 1 ] && launcher=(env -u MALLOC_ARENA_MAX java)
  "${launcher[@]}" "$@" -Dquarkus.http.port="$port" -jar target/quarkus-app/quarkus-run.jar \
    > "$pgferry_log" 2>&1 &
  pgferry_pid=$!
  server_pids+=($pgferry_pid)
  wait_port "$port" "$pgferry_log"
}

stop_servers() {
  set +e
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 1
  # Azurite may ignore SIGTERM.
  for pid in "${server_pids[@]}"; do { kill -9 "$pid"; wait "$pid"; } 2>/dev/null; done
  [ -f "$work/pg/data/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null
  rm -rf "$work"
}
