#!/usr/bin/env bash
# The short fuzzing run of CI (`make fuzz-smoke`): each target first replays its saved crash
# inputs (fuzz/regressions/<target>/), then fuzzes for SECONDS from a copy of its seed corpus in a
# temporary folder (the tree is never written). Fails when any target crashes, leaks, hangs or
# reports undefined behaviour; the input that did it is kept under <bin>/../findings/<target>/.
#   fuzz/run_smoke.sh <bin dir> <seconds per target> <target>...
set -uo pipefail
cd "$(dirname "$0")/.."

bin=$1 seconds=$2
shift 2
findings="$(cd "$bin/.." && pwd)/findings"
work=$(mktemp -d /tmp/selfheal-fuzz-smoke-XXXXXX)
trap 'rm -rf "$work"' EXIT

failed=()
summary=()
for target in "$@"; do
  echo "== $target"
  regressions=(fuzz/regressions/"$target"/*)
  if [ -e "${regressions[0]}" ]; then
    if ! "$bin/$target" -runs=1 "${regressions[@]}" >"$work/$target.regressions.log" 2>&1; then
      tail -n 40 "$work/$target.regressions.log"
      failed+=("$target (a saved regression input)")
      continue
    fi
    echo "   ${#regressions[@]} regression input(s) replayed"
  fi
  mkdir -p "$work/$target"
  cp -R fuzz/corpus/"$target"/. "$work/$target/"
  log="$work/$target.log"
  "$bin/$target" -seed=1 -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$work/$target-" "$work/$target" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  summary+=("$(printf '%-22s %9s executions in %ss' "$target" "${runs:-?}" "$seconds")")
  if [ $rc -ne 0 ]; then
    tail -n 60 "$log"
    mkdir -p "$findings/$target"
    cp "$work/$target"-* "$findings/$target/" 2>/dev/null
    failed+=("$target (exit $rc; input kept in $findings/$target/)")
  fi
done

echo
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz-smoke FAILED:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "fuzz-smoke: no crash"
