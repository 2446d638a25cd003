#!/usr/bin/env bash
# The bench: PostgreSQL + gunicorn as in production + locust (headless) on the same machine,
# with pgbench measuring the machine's own ceiling in the same run. See bench/README.md.
#
# Options (environment, `make bench` passes them through):
#   DOSSIERS=1000000      dataset size; the template database is seeded once if missing
#   TEMPLATE=tinhso_bench1m   that template's name (default from DOSSIERS)
#   DURATION=60s          length of each scenario (the submission goal asks for 5m)
#   USERS=8               concurrent locust users per scenario
#   WORKERS=4             gunicorn sync workers
#   SCENARIOS="Submission Lookup Worklist Search Mixed"   run closed-loop (throughput)
#   PACED="Lookup:50 Worklist:50 Search:50 FoldedSearch:50 FragmentSearch:50"   then at a fixed rate, requests/s
#   PG=postgres://postgres@127.0.0.1:5432   server (no database name)
#   OUT=bench/reports     where bench-<size>.md/.json go
#   BENCH_WORKER=1        0: no `tinhso db_worker` (tasks wait in the queue); see README
#   WARMUP=10s            unrecorded mixed load before the scenarios (0: none)
set -euo pipefail
cd "$(dirname "$0")/.."

DOSSIERS=${DOSSIERS:-1000000}
DURATION=${DURATION:-60s}
USERS=${USERS:-8}
WORKERS=${WORKERS:-4}
SCENARIOS=${SCENARIOS:-"Submission Lookup Worklist Search Mixed"}
PACED=${PACED-"Lookup:50 Worklist:50 Search:50 FoldedSearch:50 FragmentSearch:50"}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
OUT=${OUT:-bench/reports}
PORT=${BENCH_PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
BIN=.venv/bin
WORK=var/bench
mkdir -p "$WORK" "$OUT"

case $DOSSIERS in
  1000000) DEFAULT_TEMPLATE=tinhso_bench1m ;;
  5000000) DEFAULT_TEMPLATE=tinhso_bench5m ;;
  *) DEFAULT_TEMPLATE=tinhso_bench$DOSSIERS ;;
esac
TEMPLATE=${TEMPLATE:-$DEFAULT_TEMPLATE}  # another name keeps apart datasets seeded by other code
RUN_DB=tinhso_bench_run
LABEL=$(python3 -c "n=$DOSSIERS; print(f'{n//1_000_000}m' if n % 1_000_000 == 0 else f'{n//1000}k' if n % 1000 == 0 else n)")
psql_() { psql "$PG/postgres" -v ON_ERROR_STOP=1 -qAt "$@"; }

if ! "$BIN/python" -c "import locust" 2>/dev/null; then
  echo "locust is missing: $BIN/pip install -e '.[bench]'" >&2; exit 1
fi
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n 1 || true)
[ -n "$PGBENCH" ] || { echo "pgbench is missing (Debian: postgresql-contrib)" >&2; exit 1; }

# 1. The dataset: a template seeded once, cloned for every run (runs write into it).
if [ "$(psql_ -c "SELECT 1 FROM pg_database WHERE datname='$TEMPLATE'")" != 1 ]; then
  echo "== seeding $TEMPLATE with $DOSSIERS dossiers (about 1,700 per second)"
  psql_ -c "CREATE DATABASE $TEMPLATE"
  export DATABASE_URL="$PG/$TEMPLATE"
  "$BIN/tinhso" migrate -v0
  "$BIN/tinhso" load_demo --dossiers 20000
  "$BIN/tinhso" seed_dossiers --count $((DOSSIERS - 20000)) --seed 7 --batch-size 10000
fi
echo "== cloning $TEMPLATE into $RUN_DB"
psql_ -c "DROP DATABASE IF EXISTS $RUN_DB" -c "CREATE DATABASE $RUN_DB TEMPLATE $TEMPLATE"
export DATABASE_URL="$PG/$RUN_DB"
export DJANGO_SETTINGS_MODULE=tinhso.settings TINHSO_PRODUCTION=1 TINHSO_DEBUG=0
export TINHSO_SECRET_KEY=${TINHSO_SECRET_KEY:-bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export TINHSO_AUDIT_KEY=${TINHSO_AUDIT_KEY:-bench-audit-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export TINHSO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
# Production mode wants the citizens' identity provider named (never called here); locust
# talks plain HTTP to gunicorn, as the TLS proxy in front of it would: no redirect to HTTPS.
export TINHSO_OIDC_ISSUER=${TINHSO_OIDC_ISSUER:-http://127.0.0.1:9/idp}
export TINHSO_SSL_REDIRECT=0
export TINHSO_LOG_JSON=0
start=$SECONDS
"$BIN/tinhso" migrate -v0   # indexes added since the template was seeded
echo "== migrate took $((SECONDS - start)) s" | tee "$WORK/migrate.txt"
psql "$PG/$RUN_DB" -qc "ANALYZE"
export BENCH_FIXTURES=$WORK/fixtures.json
"$BIN/python" bench/prepare.py "$BENCH_FIXTURES"

# 2. The machine's ceiling: pgbench on the same server, simple selects and simple inserts.
echo "== pgbench (ceiling)"
psql_ -c "DROP DATABASE IF EXISTS tinhso_pgbench" -c "CREATE DATABASE tinhso_pgbench"
"$PGBENCH" -q -i -s 10 "$PG/tinhso_pgbench" >/dev/null 2>&1
printf 'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, 1, 1, now());\n' \
  > "$WORK/insert.sql"
"$PGBENCH" -n -S -c "$USERS" -j 2 -T 20 "$PG/tinhso_pgbench" > "$WORK/pgbench-select.txt" 2>&1
"$PGBENCH" -n -f "$WORK/insert.sql" -c "$USERS" -j 2 -T 20 "$PG/tinhso_pgbench" \
  > "$WORK/pgbench-insert.txt" 2>&1
psql_ -c "DROP DATABASE tinhso_pgbench"

# 3. The server as production runs it: gunicorn sync workers and the background worker.
echo "== gunicorn ($WORKERS workers), db_worker: ${BENCH_WORKER:-1}"
"$BIN/gunicorn" tinhso.wsgi:application -w "$WORKERS" -b "127.0.0.1:$PORT" \
  --max-requests 0 --log-level warning > "$WORK/gunicorn.log" 2>&1 &
GUNICORN=$!
WORKER=
if [ "${BENCH_WORKER:-1}" != 0 ]; then
  "$BIN/tinhso" db_worker --queue-name '*' > "$WORK/worker.log" 2>&1 &
  WORKER=$!
fi
# The audit sealer, as production runs it beside the worker (docs/audit.md).
"$BIN/tinhso" seal_audit --every 30 > "$WORK/audit.log" 2>&1 &
SEALER=$!
trap 'kill $GUNICORN $WORKER $SEALER 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 60); do
  kill -0 $GUNICORN 2>/dev/null || { cat "$WORK/gunicorn.log" >&2; exit 1; }
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/v1/" && break; sleep 0.5
done

# 4. The scenarios, one after another: closed loop (USERS users, no think time: the
#    throughput the server reaches), then the PACED ones at a fixed rate (the latency of a
#    busy hour, without the queue a saturated server builds).
run_scenario() {  # <csv name> <scenario> [requests/s]
  local classes=$2 rate=${3:-} duration=$DURATION
  [ "$1" = warmup ] && duration=${WARMUP:-10s}
  [ "$2" = Mixed ] && classes="MixedOfficial MixedApplicant"
  echo "== $1: $USERS users for $duration${rate:+ at $rate requests/s}"
  # shellcheck disable=SC2086
  BENCH_USER_RATE=$([ -n "$rate" ] && python3 -c "print($rate / $USERS)" || echo 0) \
  "$BIN/locust" -f bench/locustfile.py --headless -u "$USERS" -r "$USERS" -t "$duration" \
    -H "http://127.0.0.1:$PORT" --csv "$WORK/$1" --only-summary \
    --stop-timeout 10 $classes > "$WORK/$1.log" 2>&1 || true
  tail -n 4 "$WORK/$1.log" | head -n 2 || true
}
# Each scenario starts on a quiet server: the background work that the previous one left
# (the index refresh after thousands of submissions) is done first, and how long that took
# is logged. Otherwise a latency run measures the catching-up of the run before it.
wait_idle() {  # <csv name>
  local start=$SECONDS left
  while [ -n "$WORKER" ] && [ $((SECONDS - start)) -lt 300 ]; do
    left=$(psql "$PG/$RUN_DB" -qAtc "SELECT count(*) FROM django_tasks_database_dbtaskresult
                                      WHERE status IN ('READY', 'RUNNING')")
    [ "$left" = 0 ] && break
    sleep 2
  done
  echo "$1 $((SECONDS - start))" >> "$WORK/idle-wait.txt"
}
# A server that has run for days has every worker warm: a short unrecorded mixed load first
# (a worker's first requests import views and fill caches: 0.7 s of CPU each).
[ "${WARMUP:-10s}" = 0 ] || run_scenario warmup Mixed >/dev/null
RUNS=
: > "$WORK/idle-wait.txt"
for scenario in $SCENARIOS; do
  wait_idle "$scenario"; run_scenario "$scenario" "$scenario"; RUNS="$RUNS $scenario"
done
for item in $PACED; do
  name="${item%%:*}@${item##*:}"
  wait_idle "$name"; run_scenario "$name" "${item%%:*}" "${item##*:}"; RUNS="$RUNS $name"
done

# 5. The report.
SUFFIX=$([ "${BENCH_WORKER:-1}" = 0 ] && echo "-noworker" || true)
"$BIN/python" bench/report.py --work "$WORK" --out "$OUT/bench-$LABEL$SUFFIX" \
  --dossiers "$(psql "$PG/$RUN_DB" -qAtc 'SELECT count(*) FROM dossiers_dossier')" \
  --workers "$WORKERS" --users "$USERS" --duration "$DURATION" --scenarios "$RUNS" --worker "${BENCH_WORKER:-1}"
# Where the time goes: one request of each kind in-process (SQL count, cProfile), and plans.
{
  echo; echo "## Một yêu cầu mỗi loại, đo trong tiến trình (sau khi tải đã dừng)"; echo
  PYTHONPATH=bench${PYTHONPATH:+:$PYTHONPATH} "$BIN/python" bench/profile_requests.py "$BENCH_FIXTURES" 3
  echo; echo "## EXPLAIN ANALYZE của các truy vấn đọc"; echo
  "$BIN/python" bench/explain.py "$BENCH_FIXTURES"
} >> "$OUT/bench-$LABEL$SUFFIX.md" 2>"$WORK/profile.err" || echo "profile failed: $WORK/profile.err"
echo "== report: $OUT/bench-$LABEL$SUFFIX.md"
