# Shared by the benchmarks against moto and Prowler (bench/audit_vs_prowler.sh,
# bench/audit_org.sh); sourced after `root` is set. Installs GNU time, the pinned test venv and
# the pinned Prowler, starts moto_server on a free port, and reads /usr/bin/time -v files.
#
# Env: MOTO_VENV, PROWLER_VENV, PROWLER_VERSION (see the benchmarks' headers).
moto_venv="${MOTO_VENV:-/root/.cache/yagura-venv}"
prowler_venv="${PROWLER_VENV:-/root/.cache/prowler-venv}"

log() { printf '== %s\n' "$*" >&2; }

# GNU time, moto and boto3 (scripts/pins), and Prowler at its pinned version.
bench_tools() {
    if [ ! -x /usr/bin/time ]; then
        log "installing GNU time (apt package time)"
        apt-get install -y -qq time >/dev/null
    fi
    YAGURA_VENV="$moto_venv"
    . "$root/scripts/pins/install.sh"
    ensure_test_venv
    # The peer's version is pinned too, so that figures of different days compare the same Prowler.
    local pin="${PROWLER_VERSION:-5.46.0}"
    if [ ! -x "$prowler_venv/bin/prowler" ]; then
        log "installing Prowler $pin into $prowler_venv"
        python3 -m venv "$prowler_venv"
        "$prowler_venv/bin/pip" install -q "prowler==$pin"
    fi
    prowler_version="$("$prowler_venv/bin/prowler" --version 2>/dev/null | tr -d '\n' || true)"
}

# moto_server on a free loopback port, stopped on exit; sets `endpoint` and `moto_pid`.
# $1: MOTO_IAM_LOAD_MANAGED_POLICIES (true or false); the log goes to $out/moto.log.
start_moto() {
    local port
    port="$("$moto_venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    endpoint="http://127.0.0.1:$port"
    MOTO_IAM_LOAD_MANAGED_POLICIES="$1" "$moto_venv/bin/moto_server" -H 127.0.0.1 -p "$port" \
        >"$out/moto.log" 2>&1 &
    moto_pid=$!
    trap stop_moto EXIT
    for _ in $(seq 1 100); do
        curl -fs "$endpoint/moto-api/data.json" >/dev/null 2>&1 && break
        sleep 0.2
    done
}

# moto_server (werkzeug) may ignore SIGTERM while serving; SIGINT stops it, SIGKILL if not.
stop_moto() {
    kill -INT "$moto_pid" 2>/dev/null || return 0
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$moto_pid" 2>/dev/null || return 0; sleep 0.3; done
    kill -KILL "$moto_pid" 2>/dev/null || true
}

# /usr/bin/time -v's wall time (h:mm:ss or m:ss.ss) in seconds, CPU seconds and peak RSS in MB.
measure() { # file
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
        /User time \(seconds\)/ { cpu += $2 }
        /System time \(seconds\)/ { cpu += $2 }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%.2f %.2f %.1f\n", wall, cpu, rss }' "$1"
}

# The yagura to measure (YAGURA_BIN, or a release build in $CARGO_TARGET_DIR), in `yagura`; then
# the environment that points both tools at moto in $region.
yagura_and_env() {
    yagura="${YAGURA_BIN:-$CARGO_TARGET_DIR/release/yagura}"
    if [ -z "${YAGURA_BIN:-}" ]; then
        log "building yagura (release) in $CARGO_TARGET_DIR"
        (cd "$root" && cargo build --release -q --workspace --bin yagura)
    fi
    export AWS_ENDPOINT_URL="$endpoint" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
    unset AWS_PROFILE AWS_SESSION_TOKEN
}
