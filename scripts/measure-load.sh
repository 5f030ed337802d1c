#!/usr/bin/env bash
# The load figures of README.md and docs/reliability.md: /health requests per second and latency
# with wrk on loopback, with the host idle and while a clean build of rust-core runs, and the idle
# host's RSS and CPU. Uses build/bin/selfheal (make build) on a copy of the default manifest with a
# temporary state directory and a copy of the crate, so the tree is not touched.
#   scripts/measure-load.sh [seconds per wrk run, default 10] [port, default 18787]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10} port=${2:-18787}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d /tmp/selfheal-load-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cp -R plugins/components/rust-core "$work/crate"
rm -rf "$work/crate/target"
sed -e "s|^  state_dir: .*|  state_dir: $work/state|" \
    -e "s|^  plugin_dir: .*|  plugin_dir: $PWD/build/lib/selfheal|" \
    -e "s|^    path: ../plugins/components/rust-core|    path: $work/crate|" \
    -e "s|port: 8787|port: $port|" config/plugins.yaml >"$work/plugins.yaml"
# No build cache: the build below compiles for real rather than replaying sccache's hits.
sed -i "s|^settings:|settings:\n  build_cache: \"off\"|" "$work/plugins.yaml"
build/bin/selfheal serve --config "$work/plugins.yaml" 2>"$work/serve.log" &
pid=$!
url=http://127.0.0.1:$port
wait_for() {  # wait_for <seconds> <command...>: poll until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || { echo "timed out: $*" >&2; tail -20 "$work/serve.log" >&2; exit 1; }
    sleep 0.2
  done
}
rust_active() { curl -sf "$url/self-healing/component-status" | grep -q '"active_implementation":"rust"'; }
wait_for 300 rust_active  # the first heal: not_built -> build -> upgraded to Rust

run_wrk() {  # run_wrk <seconds>: prints requests/s and latency percentiles
  wrk -t2 -c50 -d"$1s" --latency "$url/health" |
    awk '/Requests\/sec/ {print "  requests/s " $2} /^ +50%/ {print "  p50 " $2} /^ +99%/ {print "  p99 " $2}
         /Non-2xx|Socket errors/ {print "  " $0}'
}
echo "idle host, wrk -t2 -c50 -d${seconds}s /health:"
run_wrk "$seconds"
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
location=$(curl -s -X POST "$url/self-healing/clean-build?wait=0" | sed -n 's/.*"location":"\([^"]*\)".*/\1/p')
[ -n "$location" ] || { echo "the clean build did not start (no 202)" >&2; exit 1; }
state() { curl -s "$url$location" | sed -n 's/.*"state":"\([^"]*\)".*/\1/p'; }
elapsed() { curl -s "$url$location" | sed -n 's/.*"elapsed_seconds":\([0-9.]*\).*/\1/p'; }
echo "during a clean build of rust-core ($location: $(state) at the start), wrk -t2 -c50 -d4s /health:"
run_wrk 4
echo "  the build was $(state) after $(elapsed) s when wrk ended"
