#!/usr/bin/env bash
# The M67 tile from nothing, Vasco against the reference way (issue 20), A/B interleaved in one run:
#   A  Vasco: a copy of runs/m67 in a temporary folder (absolute imports, so nothing is written into the
#      repository's runs), built from nothing with `dotnet build -nodeReuse:false` (steps 0-9, the six
#      vetting stages and the second look, all offline for M67);
#   B  the reference way: `bash $VASCO_REFERENCE WORKDIR` (SExtractor pass 1, PSFEx, pass 2 with
#      SPREAD_MODEL for every source, two STILTS runs), in a fresh folder each round.
# Each round runs both, alternating which goes first (A B, then B A, ...), each under GNU time (wall time
# and peak memory: the largest resident set of any process of the run). The script reports the medians,
# the ratio of the medians (Vasco / reference) and each round's own ratio, Vasco's per-step times (the
# build's own "<Step>: 1 tile(s) done ... in N s" lines, and the tools check, the plan and step 9 from MSBuild's Task
# Performance Summary), the reference's per-stage times (its own output line), the 1-minute load average
# before and after every round, and whether Vasco's candidates.csv was the same in every round.
# This 2-core machine is noisy: only ratios measured in one run mean anything.
# Usage: bash bench/m67-ab.sh [rounds] [extra dotnet build arguments for Vasco...]
#        (default 3 rounds; VASCO_REFERENCE=/path/to/bench-reference/run.sh, default
#        /work/shared/bench-reference/run.sh; results appended to bench/results/m67-ab.txt)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
rounds=${1:-3}
shift || true
extra=("$@")
reference=${VASCO_REFERENCE:-/work/shared/bench-reference/run.sh}
if [ ! -f "$reference" ]; then
  cat >&2 <<EOF
m67-ab: the reference way is not here: $reference does not exist.
It is not part of the repository (a fresh clone has no ../shared): it is the bench-reference folder that
ships beside the project's data (run.sh, its SExtractor/PSFEx configs and ../data/m67/). Point
VASCO_REFERENCE at its run.sh, e.g.  VASCO_REFERENCE=/path/to/bench-reference/run.sh bash bench/m67-ab.sh 3
EOF
  exit 2
fi
for tool in source-extractor psfex stilts bc; do
  command -v "$tool" >/dev/null || { echo "m67-ab: $tool is not on PATH (the reference way needs source-extractor, psfex, stilts, bc and python3-astropy)" >&2; exit 2; }
done
/usr/bin/python3 -c "import astropy" 2>/dev/null || { echo "m67-ab: /usr/bin/python3 (which the reference way runs) cannot import astropy (Debian: python3-astropy)" >&2; exit 2; }

work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/m67-ab
rm -rf "$work" && mkdir -p "$work"
cores=$(nproc)
load() { cut -d' ' -f1 /proc/loadavg; }

copy_run() { # -> a fresh copy of runs/m67 in $work/m67
  rm -rf "$work/m67" && mkdir -p "$work/m67"
  cp -r "$repo/runs/m67/input" "$work/m67/"
  sed -e "s#\.\./\.\./Vasco\.Targets#$repo/Vasco.Targets#g" "$repo/runs/m67/run.vascoproj" > "$work/m67/run.vascoproj"
}
run_vasco() { # round -> "wall rss"
  copy_run
  ( cd "$work/m67" && /usr/bin/time -f "%e %M" -o time.txt dotnet build run.vascoproj -nologo -v:m -tl:off -nodeReuse:false \
      -clp:PerformanceSummary "${extra[@]}" > build.log 2>&1 ) || { cat "$work/m67/build.log" >&2; exit 1; }
  cp "$work/m67/build.log" "$work/m67-$1.log"
  cp "$work/m67/data/filter/m67/candidates.csv" "$work/candidates-$1.csv"
  cat "$work/m67/time.txt"
}
run_reference() { # round -> "wall rss"
  rm -rf "$work/reference"
  /usr/bin/time -f "%e %M" -o "$work/reference-time.txt" bash "$reference" "$work/reference" > "$work/reference-$1.log" 2>&1 \
    || { cat "$work/reference-$1.log" >&2; exit 1; }
  cat "$work/reference-time.txt"
}

# The task assembly is built and staged once, untimed (a fresh clone's first build compiles it).
copy_run
( cd "$work/m67" && dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -t:VascoTools "${extra[@]}" > /dev/null )

: > "$work/rounds.txt"
load_first=$(load)
for r in $(seq "$rounds"); do
  l0=$(load)
  if [ $((r % 2)) -eq 1 ]; then
    read -r a_wall a_rss < <(run_vasco "$r"); read -r b_wall b_rss < <(run_reference "$r")
  else
    read -r b_wall b_rss < <(run_reference "$r"); read -r a_wall a_rss < <(run_vasco "$r")
  fi
  echo "$a_wall $b_wall $a_rss $b_rss $l0 $(load)" >> "$work/rounds.txt"
  echo "round $r: vasco ${a_wall}s reference ${b_wall}s load ${l0} -> $(load)" >&2
done

col() { awk -v c="$1" '{print $c}' "$work/rounds.txt" | median; }
a_wall=$(col 1); b_wall=$(col 2); a_rss=$(col 3); b_rss=$(col 4)
per_round=$(awk '{printf "%s%.3f", (NR > 1 ? " " : ""), $1 / $2}' "$work/rounds.txt")
walls=$(awk '{printf "%s%s/%s", (NR > 1 ? " " : ""), $1, $2}' "$work/rounds.txt")
loads=$(awk '{printf "%s%s->%s", (NR > 1 ? " " : ""), $5, $6}' "$work/rounds.txt")

# Vasco's steps: "  Psf: 1 tile(s) done, 0 failed, 0 skipped, in 9.8 s"; the tools check, the plan and step 9 (ms) from the Task
# Performance Summary; "outside" = wall time - every Vasco task (MSBuild start-up, evaluation, up-to-date checks).
vasco_steps() { # log wall -> "name seconds" lines
  awk -v wall="$2" '
    /^ +[A-Za-z0-9]+: [0-9]+ tile\(s\) done/ { name = $1; sub(/:$/, "", name); steps = steps name " " $(NF - 1) "\n" }
    /Task Performance Summary/ { on = 1 }
    on && $2 == "ms" && $3 ~ /^Vasco/ { ms[$3] = $1; tasks += $1 / 1000 }
    END { printf "tools_check %.2f\nplan %.2f\n%ssummaries(step9) %.2f\noutside_tasks %.2f\n", ms["VascoTools"] / 1000, ms["VascoPlan"] / 1000, steps, ms["VascoSummarize"] / 1000, wall - tasks }' "$1"
}
: > "$work/steps.txt"
r=0
while read -r wall _; do
  r=$((r + 1)); vasco_steps "$work/m67-$r.log" "$wall" | sed "s/^/$r /" >> "$work/steps.txt"
done < "$work/rounds.txt"
step_medians=$(awk '{print $2}' "$work/steps.txt" | awk '!seen[$0]++' | while read -r s; do
  printf "%s=%s " "$s" "$(awk -v s="$s" '$2 == s {print $3}' "$work/steps.txt" | median)"; done)
# The reference's own line: "pass1 0.40 psfex 13.5 pass2 17.3 xmatch_and 0.85 xmatch_not 0.83"
ref_medians=$(for s in pass1 psfex pass2 xmatch_and xmatch_not; do
  printf "%s=%.2f " "$s" "$(for f in "$work"/reference-*.log; do tail -n 1 "$f" | awk -v s="$s" '{for (i = 1; i < NF; i++) if ($i == s) print $(i + 1)}'; done | median)"; done)
same=$(md5sum "$work"/candidates-*.csv | awk '{print $1}' | sort -u | wc -l)
rows=$(($(wc -l < "$work/candidates-1.csv") - 1))

mkdir -p "$repo/bench/results"
{
  echo "$(date -u +%Y-%m-%dT%H:%MZ) cores=$cores rounds=$rounds commit=$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- . 2>/dev/null || echo '+changes') reference=$reference${extra[*]:+ vasco_args=${extra[*]}}"
  echo "  wall medians: vasco=${a_wall}s reference=${b_wall}s ratio vasco/reference=$(awk -v a="$a_wall" -v b="$b_wall" 'BEGIN {printf "%.3f", a / b}') (rounds' own ratios: $per_round)"
  echo "  per round vasco/reference seconds: $walls; 1-min load average before->after each round: $loads (first $load_first, last $(load))"
  echo "  peak memory medians: vasco=${a_rss}KiB reference=${b_rss}KiB"
  echo "  vasco steps, medians (s): $step_medians"
  echo "  reference stages, medians (s): $ref_medians"
  echo "  vasco candidates.csv: $rows row(s); $( [ "$same" -eq 1 ] && echo "identical in every round" || echo "DIFFERS between rounds ($same versions)")"
} | tee -a "$repo/bench/results/m67-ab.txt"
