#!/usr/bin/env bash
# `mixaudit batch` over many small clients: wall time with 1 and 2 jobs.
#
# usage: scripts/bench_batch.sh
#
# Generates CLIENTS small client folders (once; kept under $BENCH_STATE/batch/)
# with examples/generate.rs: client-001 ... client-NNN, each with a customer
# count between MIN_CUSTOMERS and MAX_CUSTOMERS and its own seed; every 4th
# client also has an Orders sheet and every 7th is written messy (Danish
# headers, text money and dates, with the matching audit.yaml); each has an
# audit.yaml naming the client. Then times
#   mixaudit batch DIR --out OUT --jobs J      for each J in JOBS
# RUNS times, interleaved, with /usr/bin/time -v, and prints the medians of
# wall seconds and peak RSS, clients per second and the speed-up over the
# first J. The last line is machine-readable:
#   batch clients=N jobs1=X jobs2=Y speedup=Z
#
# env: CLIENTS=200  MIN_CUSTOMERS=300  MAX_CUSTOMERS=2000  RUNS=3  JOBS="1 2"
#      BENCH_STATE=/tmp/mixaudit-bench   MIXAUDIT=target/release/mixaudit
#      NO_BUILD=1   use the binaries already built
# Exit status: 0 when the harness worked (a failing run is reported in the
# table), 2 on a usage error, 1 if the harness broke.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CLIENTS="${CLIENTS:-200}"
MIN_CUSTOMERS="${MIN_CUSTOMERS:-300}"
MAX_CUSTOMERS="${MAX_CUSTOMERS:-2000}"
RUNS="${RUNS:-3}"
read -r -a JOBS <<< "${JOBS:-1 2}"
for v in "$CLIENTS" "$MIN_CUSTOMERS" "$MAX_CUSTOMERS" "$RUNS" "${JOBS[@]}"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "bench_batch: CLIENTS, MIN_CUSTOMERS, MAX_CUSTOMERS, RUNS and JOBS must be positive integers" >&2; exit 2; }
done
((MIN_CUSTOMERS <= MAX_CUSTOMERS)) || { echo "bench_batch: MIN_CUSTOMERS > MAX_CUSTOMERS" >&2; exit 2; }
[[ $# -eq 0 ]] || { echo "usage: scripts/bench_batch.sh   (settings through the environment: CLIENTS, RUNS, JOBS, ...)" >&2; exit 2; }

STATE="${BENCH_STATE:-/tmp/mixaudit-bench}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
MIXAUDIT="${MIXAUDIT:-$TARGET/release/mixaudit}"
GENERATE="$TARGET/release/examples/generate"
DATA="$STATE/batch/$CLIENTS-clients-$MIN_CUSTOMERS-$MAX_CUSTOMERS"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mixaudit-bench-batch.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

note() { echo "bench_batch: $*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
  note "installing GNU time (Debian package: time)"
  (apt-get update -qq && apt-get install -y -qq time) >&2
fi
if [[ -z "${NO_BUILD:-}" ]]; then
  note "building release binaries (mixaudit, example generate)"
  cargo build --release --quiet --bin mixaudit --example generate >&2
fi
for bin in "$MIXAUDIT" "$GENERATE"; do
  [[ -x "$bin" ]] || { echo "bench_batch: missing $bin" >&2; exit 1; }
done

# ---------------------------------------------------------------- data
# The recipe of the folder; regenerated when it changes or is incomplete.
RECIPE="clients=$CLIENTS customers=$MIN_CUSTOMERS..$MAX_CUSTOMERS orders=every4th messy=every7th recipe=1"
if [[ "$(cat "$DATA/.complete" 2> /dev/null || true)" != "$RECIPE" ]]; then
  note "generating $CLIENTS clients into $DATA"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  span=$((MAX_CUSTOMERS - MIN_CUSTOMERS + 1))
  total=0
  for i in $(seq 1 "$CLIENTS"); do
    key=$(printf 'client-%03d' "$i")
    dir="$DATA/$key"
    n=$((MIN_CUSTOMERS + (i * 7919 + 104729) % span)) # spread over the range, deterministically
    total=$((total + n))
    flags=()
    ((i % 4 == 0)) && flags+=(--orders)
    ((i % 7 == 0)) && flags+=(--messy)
    "$GENERATE" --customers "$n" --seed $((1000 + i)) --out "$dir" "${flags[@]}" > /dev/null 2> "$WORK/gen.err" ||
      { cat "$WORK/gen.err" >&2; exit 1; }
    {
      printf 'client: "Client %03d ApS"\nperiod: 2026 H1\nas_of: "2026-06-30"\n' "$i"
      if ((i % 7 == 0)); then printf 'decimal: ","\ndates: day-first\n'; fi
    } > "$dir/audit.yaml"
  done
  echo "$RECIPE" > "$DATA/.complete"
  note "generated $CLIENTS clients, $total customers in all"
fi
customers_total=0
for g in "$DATA"/client-*/gen.json; do
  c=$(grep -m1 -o '"customers": *[0-9]*' "$g" | grep -o '[0-9]*$' || echo 0)
  customers_total=$((customers_total + c))
done

# ---------------------------------------------------------------- runs
RESULTS="$WORK/results.tsv" # jobs run wall_s rss_kb status
: > "$RESULTS"
for run in $(seq 1 "$RUNS"); do
  for j in "${JOBS[@]}"; do
    out="$WORK/out-$j"
    log="$WORK/log-$j-$run"
    rm -rf "$out"
    rc=0
    /usr/bin/time -v -o "$log.time" "$MIXAUDIT" batch "$DATA" --out "$out" --jobs "$j" > "$log.out" 2> "$log.err" || rc=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {k = split($2, a, ":"); s = 0; for (i = 1; i <= k; i++) s = s * 60 + a[i]; print s}' "$log.time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time")
    audits=$(find "$out" -mindepth 2 -maxdepth 2 -name audit.json 2> /dev/null | wc -l)
    status=ok
    if [[ $rc -ne 0 ]]; then
      status="exit-$rc"
    elif [[ ! -s "$out/portfolio.json" ]]; then
      status="no-portfolio.json"
    elif ((audits != CLIENTS)); then
      status="$audits/$CLIENTS-audits"
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$j" "$run" "${wall:-0}" "${rss:-0}" "$status" >> "$RESULTS"
    printf 'bench_batch: run %s --jobs %-3s %8.2f s %7d MB  %s\n' "$run" "$j" "${wall:-0}" "$((${rss:-0} / 1024))" "$status" >&2
    if [[ "$status" != ok ]]; then
      note "--jobs $j failed ($status); last lines of its stderr:"
      grep -v '^\[' "$log.err" | tail -n 8 | sed 's/^/    /' >&2
    fi
    rm -rf "$out"
  done
done

# ---------------------------------------------------------------- report
git_rev="$(git rev-parse --short HEAD 2> /dev/null || echo unknown)"
if [[ -n "$(git status --porcelain --untracked-files=no 2> /dev/null)" ]]; then git_rev="$git_rev+dirty"; fi
echo
echo "## mixaudit batch bench: medians of $RUNS run(s)"
echo
echo "- host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- mixaudit $git_rev; $CLIENTS clients, $MIN_CUSTOMERS–$MAX_CUSTOMERS customers each, $customers_total in all ($DATA)"
echo

awk -F'\t' -v clients="$CLIENTS" -v order="${JOBS[*]}" '
function median(key,   k, i, j, t, v) {
  k = cnt[key]
  for (i = 1; i <= k; i++) v[i] = val[key, i]
  for (i = 2; i <= k; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
  return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
{
  j = $1
  if ($5 == "ok") {
    cnt[j, "w"]++; val[j, "w", cnt[j, "w"]] = $3
    cnt[j, "r"]++; val[j, "r", cnt[j, "r"]] = $4 / 1024
    if (!(j in lo) || $3 < lo[j]) lo[j] = $3
    if (!(j in hi) || $3 > hi[j]) hi[j] = $3
  } else failed[j] = $5
}
END {
  nj = split(order, jobs, " ")
  base = jobs[1]
  print "| jobs | wall s | min | max | peak RSS MB | clients / s | speed-up vs --jobs " base " | runs |"
  print "|---:|---:|---:|---:|---:|---:|---:|---|"
  for (i = 1; i <= nj; i++) {
    j = jobs[i]
    if (cnt[j, "w"] + 0 == 0) { printf "| %s | — | — | — | — | — | — | failed: %s |\n", j, failed[j]; continue }
    wall[j] = median(j SUBSEP "w")
    rss = median(j SUBSEP "r")
    note = cnt[j, "w"] ((j in failed) ? " then " failed[j] : "")
    sp = (wall[base] != "" && wall[j] > 0) ? sprintf("%.2f×", wall[base] / wall[j]) : "n/a"
    printf "| %s | %.2f | %.2f | %.2f | %.0f | %.1f | %s | %s |\n", j, wall[j], lo[j], hi[j], rss, clients / wall[j], sp, note
  }
  print ""
  line = "batch clients=" clients
  for (i = 1; i <= nj; i++) line = line sprintf(" jobs%s=%s", jobs[i], (wall[jobs[i]] != "") ? sprintf("%.2f", wall[jobs[i]]) : "n/a")
  last = jobs[nj]
  line = line " speedup=" ((wall[base] != "" && wall[last] != "" && wall[last] > 0) ? sprintf("%.2f", wall[base] / wall[last]) : "n/a")
  print line
}' "$RESULTS"
