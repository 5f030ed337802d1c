#!/usr/bin/env bash
# The load figures of README.md and docs/reliability.md: /health requests per second and latency
# with wrk on loopback, with the host idle and while a clean build of rust-core runs, each beside
# nginx answering a fixed body on the same machine (the ceiling of a loopback HTTP server here),
# and the idle host's RSS and CPU. Uses build/bin/selfheal (make build) on a copy of the default
# manifest with a temporary state directory and a copy of the crate, so the tree is not touched;
# nginx runs from a temporary prefix (its config, pid, logs and temp folders), as this user.
#   scripts/measure-load.sh [seconds per wrk run, default 10] [port, default 18787; nginx: port+1]
# Needs Debian's wrk and nginx-light (scripts/install-deps.sh installs both). SELFHEAL_BIN: another
# selfheal binary to measure (an older build, for a before/after on the same machine; the plugins
# beside it are used). WRK_THREADS: wrk's threads (default 2; 1 leaves one of two cores to the
# server, which is how the p99 < 2 ms goal was measured).
set -euo pipefail
# SELFHEAL_BIN as given (a path or a name on PATH), resolved before the cd below.
bin=${SELFHEAL_BIN:-$(dirname "$0")/../build/bin/selfheal}
bin=$(readlink -f "$(command -v "$bin" || echo "$bin")")
[ -x "$bin" ] || { echo "no selfheal binary at $bin (make build, or set SELFHEAL_BIN)" >&2; exit 1; }
cd "$(dirname "$0")/.."
seconds=${1:-10} port=${2:-18787}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)  # /usr/sbin is not on every user's PATH
[ -x "$nginx" ] || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 1; }
work=$(mktemp -d /tmp/selfheal-load-XXXXXX)
pid= nginx_pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# nginx: one worker, loopback, a fixed JSON body; everything it writes stays in $work/nginx.
nginx_port=$((port + 1))
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"status":"healthy"}\n'; }
  }
}
CONF
# -e: the error log before the config is read (else /var/log/nginx/error.log, root's).
"$nginx" -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
nginx_pid=$!

plugin_dir=$(dirname "$(dirname "$bin")")/lib/selfheal  # the plugins built beside that binary
[ -d "$plugin_dir" ] || { echo "no plugins beside $bin (expected $plugin_dir)" >&2; exit 1; }
cp -R plugins/components/rust-core "$work/crate"
rm -rf "$work/crate/target"
sed -e "s|^  state_dir: .*|  state_dir: $work/state|" \
    -e "s|^  plugin_dir: .*|  plugin_dir: $plugin_dir|" \
    -e "s|^    path: ../plugins/components/rust-core|    path: $work/crate|" \
    -e "s|port: 8787|port: $port|" config/plugins.yaml >"$work/plugins.yaml"
# No build cache: the build below compiles for real rather than replaying sccache's hits.
sed -i "s|^settings:|settings:\n  build_cache: \"off\"|" "$work/plugins.yaml"
"$bin" serve --config "$work/plugins.yaml" 2>"$work/serve.log" &
pid=$!
url=http://127.0.0.1:$port
wait_for() {  # wait_for <seconds> <command...>: poll until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || { echo "selfheal exited:" >&2; tail -20 "$work/serve.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "timed out: $*" >&2; tail -20 "$work/serve.log" >&2; exit 1; }
    sleep 0.2
  done
}
rust_active() { curl -sf "$url/self-healing/component-status" | grep -q '"active_implementation":"rust"'; }
wait_for 300 rust_active  # the first heal: not_built -> build -> upgraded to Rust

# run_wrk <url> <seconds>: sets $line ("requests/s N  p50 X  p99 Y", and wrk's errors) and $rps.
run_wrk() {
  line=$(wrk -t"${WRK_THREADS:-2}" -c50 -d"$2s" --latency "$1" |
    awk '/Requests\/sec/ {r = $2} /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
         /Non-2xx|Socket errors/ {e = e "; " $0}
         END {printf "requests/s %s  p50 %s  p99 %s%s", r, p50, p99, e}')
  rps=$(echo "$line" | awk '{print $2}')
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
nginx_url=http://127.0.0.1:$nginx_port/health
wait_for 10 curl -sf -o /dev/null "$nginx_url"

# Interleaved, so that both see the same machine (it may be shared).
echo "idle host, wrk -t${WRK_THREADS:-2} -c50 -d${seconds}s:"
run_wrk "$nginx_url" "$seconds"; nginx_rps=$rps
echo "  nginx, fixed body:  $line"
run_wrk "$url/health" "$seconds"; selfheal_rps=$rps
echo "  selfheal /health:   $line"
echo "  ratio selfheal/nginx $(ratio "$selfheal_rps" "$nginx_rps")"
echo "idle host, one connection (wrk -t1 -c1 -d${seconds}s /health): latency without queueing:"
wrk -t1 -c1 -d"${seconds}s" --latency "$url/health" |
  awk '/Requests\/sec/ {print "  requests/s " $2} /^ +50%/ {print "  p50 " $2} /^ +99%/ {print "  p99 " $2}'

# Idle: RSS, and CPU time used over a quiet period.
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(cpu); sleep "$seconds"; after=$(cpu)
echo "idle host: RSS $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$pid/status"), CPU $(awk -v d=$((after - before)) -v t="$ticks" -v s="$seconds" 'BEGIN {printf "%.2f%%", 100 * d / t / s}') over ${seconds}s"

# During a build: a clean build of rust-core runs off the I/O threads while wrk hammers /health
# for 4 s (a clean build takes about 5 s on 2 cores; the script says whether it outlasted wrk).
# One clean build for each server, so that each is measured while the build compiles.
clean_build_then_wrk() {  # clean_build_then_wrk <label> <url>: sets $rps
  local location
  location=$(curl -s -X POST "$url/self-healing/clean-build?wait=0" | sed -n 's/.*"location":"\([^"]*\)".*/\1/p')
  [ -n "$location" ] || { echo "the clean build did not start (no 202)" >&2; exit 1; }
  state() { curl -s "$url$location" | sed -n 's/.*"state":"\([^"]*\)".*/\1/p'; }
  elapsed() { curl -s "$url$location" | sed -n 's/.*"elapsed_seconds":\([0-9.]*\).*/\1/p'; }
  local at_start
  at_start=$(state)
  run_wrk "$2" 4
  echo "  $1 $line  (build $location: $at_start at the start, $(state) after $(elapsed) s when wrk ended)"
  wait_for 300 build_done "$location"
}
build_done() { curl -s "$url$1" | grep -q '"state":"\(succeeded\|failed\)"'; }
echo "during a clean build of rust-core, wrk -t${WRK_THREADS:-2} -c50 -d4s:"
clean_build_then_wrk "nginx, fixed body: " "$nginx_url"; nginx_rps=$rps
clean_build_then_wrk "selfheal /health:  " "$url/health"; selfheal_rps=$rps
echo "  ratio selfheal/nginx $(ratio "$selfheal_rps" "$nginx_rps")"
