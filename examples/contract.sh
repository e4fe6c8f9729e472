#!/usr/bin/env bash
# The API contract, end to end, against the real server:
#
#   1. builds reelstream and checks it serves exactly the committed openapi.yaml;
#   2. starts `reelstream demo` (offline TMDB simulator) on a free port and a
#      temporary SQLite database;
#   3. generates both clients from the committed openapi.yaml, failing on any
#      generator warning: TypeScript types (openapi-typescript) and a Python
#      package (openapi-python-client);
#   4. type-checks the TypeScript example (tsc --noEmit);
#   5. runs both examples to a `completed` session with the right film count
#      (TypeScript over SSE and again by polling, Python by polling), the
#      polling runs then deleting their session with its owner token;
#   6. fuzzes the contract with schemathesis (examples/fuzz/schemathesis.toml).
#
# Any failure fails the script; the server is always stopped. Idempotent: the
# Python tools live in a virtualenv under ~/.cache (REELSTREAM_CONTRACT_VENV),
# node_modules is installed with `npm ci` only when missing or stale.
#
#   bash examples/contract.sh

set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelstream-target}"
VENV="${REELSTREAM_CONTRACT_VENV:-$HOME/.cache/reelstream-contract-venv}"
FIXTURE="tests/fixtures/letterboxd/watched.csv"
TS_DIR="examples/typescript"
PY_DIR="examples/python"
FUZZ_DIR="examples/fuzz"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/reelstream-contract.XXXXXX")"
SERVER_PID=""
STARTED=$SECONDS

stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    local status=$?
    stop_server
    if [[ $status -ne 0 && -s "$WORK/server.log" ]]; then
        echo "--- last lines of the server log" >&2
        tail -n 30 "$WORK/server.log" >&2
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0
step() { printf '\n== contract: %s (%ss)\n' "$*" "$((SECONDS - STARTED))"; }
passed() { PASSED=$((PASSED + 1)); }
fail() {
    echo "contract: FAILED: $*" >&2
    echo "contract: $PASSED passed, 1 failed"
    exit 1
}

# Fails when a generator printed a warning about the document.
no_warnings() {
    local what=$1 log=$2
    cat "$log"
    if grep -Eiq 'warn|error|unable to|cannot|could not' "$log"; then
        fail "$what warned about openapi.yaml (above)"
    fi
}

# Reads the example's `RESULT {json}` line and asserts on it.
assert_result() {
    local what=$1 log=$2 expect_transport=$3 count_key=$4
    local result
    result="$(grep '^RESULT ' "$log" | tail -n 1 | cut -d' ' -f2-)"
    [[ -n "$result" ]] || fail "$what printed no RESULT line"
    RESULT="$result" URL="$URL" EXPECTED="$EXPECTED" TRANSPORT="$expect_transport" COUNT_KEY="$count_key" \
        python3 - "$what" <<'PY' || fail "$what: $result"
import json, os, sys
r = json.loads(os.environ["RESULT"])
expected = int(os.environ["EXPECTED"])
problems = []
if r["status"] != "completed":
    problems.append(f"status {r['status']!r}, not 'completed'")
if r["total_movies"] != expected:
    problems.append(f"total_movies {r['total_movies']}, expected {expected}")
if r[os.environ["COUNT_KEY"]] != expected:
    problems.append(f"{os.environ['COUNT_KEY']} {r[os.environ['COUNT_KEY']]}, expected {expected}")
transport = os.environ["TRANSPORT"]
if transport and r.get("transport") != transport:
    problems.append(f"transport {r.get('transport')!r}, expected {transport!r}")
if r.get("deleted"):
    import urllib.request, urllib.error
    try:
        urllib.request.urlopen(f"{os.environ['URL']}/api/session/{r['session_id']}")
        problems.append("the session is still there after --delete")
    except urllib.error.HTTPError as err:
        if err.code != 404:
            problems.append(f"the deleted session answers {err.code}, not 404")
if problems:
    sys.exit(f"{sys.argv[1]}: " + "; ".join(problems))
print(f"{sys.argv[1]}: ok ({r['total_movies']} films, {r['status']})")
PY
    passed
    # Sessions still there give schemathesis real ids to fuzz with.
    if [[ "$(RESULT="$result" python3 -c 'import json,os; print(json.loads(os.environ["RESULT"]).get("deleted", False))')" == False ]]; then
        SESSIONS+=("$(RESULT="$result" python3 -c 'import json,os; print(json.loads(os.environ["RESULT"])["session_id"])')")
    fi
}

step "tools"
if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    -r "$PY_DIR/requirements.txt" -r "$FUZZ_DIR/requirements.txt"
if [[ ! -f "$TS_DIR/node_modules/.package-lock.json" \
    || "$TS_DIR/package-lock.json" -nt "$TS_DIR/node_modules/.package-lock.json" ]]; then
    (cd "$TS_DIR" && npm ci --no-audit --no-fund)
fi
# ruff (a dependency of openapi-python-client) formats the generated package.
export PATH="$VENV/bin:$PATH"

step "build"
BIN="$WORK/reelstream"
# The target directory may be shared with other checkouts: copy the binary
# out and make sure it is this checkout's by the document it serves.
for attempt in 1 2 3; do
    cargo build --quiet --bin reelstream
    cp "$CARGO_TARGET_DIR/debug/reelstream" "$BIN"
    if "$BIN" openapi | cmp -s - openapi.yaml; then
        break
    fi
    [[ $attempt -lt 3 ]] || fail "the server's document differs from openapi.yaml: run \`cargo run -- openapi > openapi.yaml\`"
done
passed

EXPECTED="$(python3 -c 'import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["Name"].strip()))' "$FIXTURE")"

step "server"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
RUST_LOG="${RUST_LOG:-warn}" "$BIN" demo --bind "127.0.0.1:$PORT" \
    --database-url "sqlite://$WORK/contract.db?mode=rwc" --demo-latency-ms 20 \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited at start"
    curl -fsS "$URL/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "$URL/readyz" >/dev/null || fail "the server is not ready at $URL"
curl -fsS "$URL/openapi.yaml" | cmp -s - openapi.yaml || fail "the served /openapi.yaml differs from openapi.yaml"
echo "reelstream demo at $URL (expecting $EXPECTED films from $FIXTURE)"

step "generate the TypeScript types (openapi-typescript)"
(cd "$TS_DIR" && node_modules/.bin/openapi-typescript ../../openapi.yaml --output src/api.d.ts) >"$WORK/ts-gen.log" 2>&1 \
    || { cat "$WORK/ts-gen.log"; fail "openapi-typescript"; }
no_warnings openapi-typescript "$WORK/ts-gen.log"
passed

step "generate the Python client (openapi-python-client)"
openapi-python-client generate --path openapi.yaml --meta none \
    --config examples/python/openapi-python-client.yaml \
    --output-path "$PY_DIR/reelstream_client" --overwrite >"$WORK/py-gen.log" 2>&1 \
    || { cat "$WORK/py-gen.log"; fail "openapi-python-client"; }
no_warnings openapi-python-client "$WORK/py-gen.log"
passed

step "type-check the TypeScript example (tsc --noEmit)"
(cd "$TS_DIR" && node_modules/.bin/tsc --noEmit) || fail "tsc --noEmit"
passed

SESSIONS=()
step "TypeScript example over SSE"
(cd "$TS_DIR" && node_modules/.bin/tsx src/upload.ts "../../$FIXTURE" --base-url "$URL") >"$WORK/ts-sse.log" 2>&1 \
    || { cat "$WORK/ts-sse.log"; fail "the TypeScript example (SSE)"; }
tail -n 3 "$WORK/ts-sse.log"
assert_result "TypeScript (SSE)" "$WORK/ts-sse.log" sse films_printed

step "TypeScript example, polling fallback, then deleting the session with its owner token"
(cd "$TS_DIR" && node_modules/.bin/tsx src/upload.ts "../../$FIXTURE" --base-url "$URL" --poll --delete) >"$WORK/ts-poll.log" 2>&1 \
    || { cat "$WORK/ts-poll.log"; fail "the TypeScript example (polling)"; }
tail -n 3 "$WORK/ts-poll.log"
assert_result "TypeScript (polling)" "$WORK/ts-poll.log" polling films_printed

step "Python example (polling, then deleting the session with its owner token)"
"$VENV/bin/python" "$PY_DIR/upload.py" "$FIXTURE" --base-url "$URL" --delete >"$WORK/py.log" 2>&1 \
    || { cat "$WORK/py.log"; fail "the Python example"; }
tail -n 3 "$WORK/py.log"
assert_result "Python" "$WORK/py.log" "" films_listed

step "schemathesis"
# The committed configuration, plus the ids the examples have just created.
movie_ids() {
    for session in "${SESSIONS[@]}"; do
        curl -fsS "$URL/api/session/$session/movies?limit=5" \
            | python3 -c 'import json, sys; print(",".join(str(m["id"]) for m in json.load(sys.stdin)["items"]))'
    done | paste -sd, -
}
{
    cat "$FUZZ_DIR/schemathesis.toml"
    printf '\n[dictionaries.sessions]\nvalues = [%s]\n' "$(printf '"%s",' "${SESSIONS[@]}")"
    printf '\n[dictionaries.movies]\nvalues = [%s]\n' "$(movie_ids)"
} >"$WORK/schemathesis.toml"
# From the temporary directory, so that its cache (.schemathesis/) goes with it.
if (cd "$WORK" && "$VENV/bin/schemathesis" --config-file schemathesis.toml \
    run "$ROOT/openapi.yaml" --url "$URL") >"$WORK/schemathesis.log" 2>&1; then
    sed -n '/^=* *SUMMARY/,$p' "$WORK/schemathesis.log"
    passed
else
    cat "$WORK/schemathesis.log"
    fail "schemathesis reported failures (above)"
fi
stop_server

step "done"
echo "contract: $PASSED passed, 0 failed"
