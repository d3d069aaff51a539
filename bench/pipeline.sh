#!/usr/bin/env bash
# Pipeline benchmark on real tools (SExtractor, PSFEx, STILTS), all figures from one run:
#   1. the M67 tile end to end: cold build, no-op build, peak memory (max RSS of the build's
#      process tree, GNU time), and its orchestration overhead;
#   2. eight synthetic 30' tiles (runs/recovery/synthetic.vascoproj) built from nothing, in
#      `rounds` interleaved rounds (default 5) of three builds each:
#        one core   MaxParallel=1 with every process of the build pinned to CPU 0 (taskset), as on
#                   a one-core machine: MSBuild, the .NET runtime's JIT threads and the tools share it;
#        p1         MaxParallel=1 on all cores (the runtime's own threads still use the other cores);
#        all        MaxParallel=<cores>;
#      and, in the same round, the tools alone (SExtractor pass 1 and PSFEx per tile from a shell, one
#      tile at a time and <cores> at a time): the two-core ratio the machine gave at that moment;
#      medians of each, the throughput ratios, and per tile the wall time against the summed time of
#      the tool processes (manifest count "tool_seconds", from the p1 builds).
#      This machine is noisy (the same build varies by 20% and more between minutes), so the ratios are
#      of medians over interleaved rounds, and each round's own ratio is listed too.
# Two overheads, both as a share of the tools' own time:
#   non_tool = (wall time - tool time - step 1 time) / tool time: everything Vasco does itself, the
#              in-process science (preprocessing, selection, summaries, plots) included; step 1
#              (copying or drawing the plate) stands for a download and is left out;
#   engine   = (wall time - time inside the step tasks) / tool time: MSBuild start-up and evaluation,
#              the plan (parameters, tiling, stamps), up-to-date checks and the tools check.
# Usage: bash bench/pipeline.sh [rounds]     (results appended to bench/results/pipeline.txt)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/pipeline
rm -rf "$work" && mkdir -p "$work"
cores=$(nproc)
rounds=${1:-5}

# A run folder with absolute imports, so the benchmark never writes into the repository's runs.
copy_run() { # source-run-dir name run-file
  mkdir -p "$work/$2"
  cp -r "$1"/input "$work/$2/" 2>/dev/null || true
  sed -e "s#\.\./\.\./Vasco\.Targets#$repo/Vasco.Targets#g" "$1/$3" > "$work/$2/run.vascoproj"
}
timed() { # dir args... -> prints "wall_seconds max_rss_kib"
  local dir=$1; shift
  ( cd "$dir" && /usr/bin/time -f "%e %M" -o time.txt dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -clp:PerformanceSummary "$@" > build.log 2>&1 ) \
    || { cat "$dir/build.log"; exit 1; }
  cat "$dir/time.txt"
}
# Sums of a manifest count / elapsed over the per-tile manifests of a run folder.
sum_count() { find "$1/data" -name '*.tile.json' -print0 | xargs -0 cat | grep -o "\"$2\": [0-9.]*" | awk '{s += $2} END {printf "%.2f", s}'; }
sum_step1() { find "$1/data/downloads" -name '*.tile.json' -print0 | xargs -0 cat | grep -o '"elapsed_seconds": [0-9.]*' | awk '{s += $2} END {printf "%.2f", s}'; }

# Seconds inside the step tasks (the Task Performance Summary of the last build in a folder): the rest of the
# wall time is the engine's (MSBuild start-up and evaluation, the plan and its stamps, up-to-date checks, the tools check).
step_tasks() { awk '/Task Performance Summary/ {on = 1} on && $2 == "ms" && $3 ~ /^Vasco(WriteTiles|Download|Preprocess|Pass1|Psf|Pass2|External|CrossMatch|Filter|WriteCandidates|Summarize)$/ {s += $1} END {printf "%.2f", s / 1000}' "$1/build.log"; }

# 1. M67 (its first build with -t:VascoTools builds and stages the task assembly, so no timed build does)
copy_run "$repo/runs/m67" m67 run.vascoproj
( cd "$work/m67" && dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -t:VascoTools >/dev/null )
read -r m67_cold m67_rss < <(timed "$work/m67")
m67_steps=$(step_tasks "$work/m67")
read -r m67_noop _ < <(timed "$work/m67")
m67_tools=$(sum_count "$work/m67" tool_seconds)
m67_step1=$(sum_step1 "$work/m67")

# The tools alone, with no orchestration at all: for each tile, SExtractor pass 1 (the command line the
# build logged) and then PSFEx on its catalog (the build's PSFEx arguments), tiles one after the other and
# then <cores> at a time (xargs): about two thirds of the tools' time in a build. Run in every round beside
# the builds, their ratio is what the machine gave two processes at that moment: on this virtual machine
# the cores are not independent, and the ratio moves between about 1.4x and 2x from minute to minute.
tools_alone() { # parallelism -> seconds
  local t0 t1
  t0=$(date +%s.%N)
  find "$work/syn-p1/logs/sextractor-p1" -name '*.log' | sort | xargs -P "$1" -I{} bash -c '
    set -euo pipefail
    d=$(mktemp -d) && trap "rm -rf \"$d\"" EXIT && cd "$d"
    line=$(sed -n "2s/^# //p" "$1") && [ -n "$line" ]
    eval "cmd=($line)"  # the line ToolLog wrote: arguments with spaces are single-quoted
    for i in "${!cmd[@]}"; do [ "${cmd[$i]}" = -CATALOG_NAME ] && cmd[$((i + 1))]=$d/c.cat; done
    export GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432
    "${cmd[@]}" </dev/null
    psfex "$d/c.cat" -c "$2/config/psfex/psfex.conf" -PSF_DIR "$d" \
      -CHECKPLOT_TYPE NONE -CHECKIMAGE_TYPE NONE -XML_NAME "$d/x.xml" -VERBOSE_TYPE QUIET </dev/null
    [ -s "$d/c.psf" ]' _ {} "$repo" || { echo "tools_alone: a tool failed" >&2; return 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

# 2. Eight synthetic tiles: interleaved rounds of one core, MaxParallel=1, all cores, and the tools alone.
for c in one p1 all; do copy_run "$repo/runs/recovery" "syn-$c" synthetic.vascoproj; done
: > "$work/rounds.txt"
for r in $(seq "$rounds"); do
  for c in one p1 all; do rm -rf "$work/syn-$c/data" "$work/syn-$c/logs"; done
  read -r one_wall _ < <(taskset -c 0 bash -c "$(declare -f timed); timed '$work/syn-one' -p:MaxParallel=1")
  read -r p1_wall p1_rss < <(timed "$work/syn-p1" -p:MaxParallel=1)
  p1_steps=$(step_tasks "$work/syn-p1")
  p1_tools=$(sum_count "$work/syn-p1" tool_seconds)
  p1_step1=$(sum_step1 "$work/syn-p1")
  read -r pn_wall pn_rss < <(timed "$work/syn-all" -p:MaxParallel="$cores")
  alone_1=$(tools_alone 1) && alone_n=$(tools_alone "$cores") || exit 1
  echo "$one_wall $p1_wall $pn_wall $p1_steps $p1_tools $p1_step1 $p1_rss $pn_rss $alone_1 $alone_n" >> "$work/rounds.txt"
done

col() { awk -v c="$1" '{print $c}' "$work/rounds.txt" | median; }
one_wall=$(col 1); p1_wall=$(col 2); pn_wall=$(col 3); p1_steps=$(col 4); p1_tools=$(col 5); p1_step1=$(col 6); p1_rss=$(col 7); pn_rss=$(col 8)
round_median=$(awk '{printf "%.3f\n", $1 / $3}' "$work/rounds.txt" | median)
per_round=$(awk '{printf "%s%.2f/%.2f/%.2f", (NR > 1 ? " " : ""), $1 / $3, $2 / $3, $9 / $10}' "$work/rounds.txt")
# Each round's build ratio (one core / all cores) as a share of the tools-alone ratio of the same round.
alone_median=$(awk '{printf "%.3f\n", $9 / $10}' "$work/rounds.txt" | median)
efficiency=$(awk '{printf "%.3f\n", ($1 / $3) / ($9 / $10)}' "$work/rounds.txt" | median)

overhead() { echo "scale=4; ($1 - $2 - $3) / $2 * 100" | bc; }
mkdir -p "$repo/bench/results"
{
  echo "$(date -u +%Y-%m-%dT%H:%MZ) cores=$cores"
  echo "  m67: cold=${m67_cold}s noop=${m67_noop}s tools=${m67_tools}s step1=${m67_step1}s step_tasks=${m67_steps}s non_tool=$(overhead "$m67_cold" "$m67_tools" "$m67_step1")% engine=$(echo "scale=2; ($m67_cold - $m67_steps) / $m67_tools * 100" | bc)% peak_rss=${m67_rss}KiB"
  echo "  synthetic x8, medians of $rounds rounds: one_core=${one_wall}s p1=${p1_wall}s all_cores(MaxParallel=$cores)=${pn_wall}s"
  echo "    speedup all/one_core=$(echo "scale=3; $one_wall / $pn_wall" | bc) all/p1=$(echo "scale=3; $p1_wall / $pn_wall" | bc); median of the rounds' own all/one_core=$round_median"
  echo "    tools alone (SExtractor pass 1 + PSFEx per tile, no build), $cores at a time against one at a time: median ${alone_median}x; build ratio / tools-alone ratio of the same round: median $efficiency"
  echo "    per round one_core/all, p1/all, tools alone: $per_round"
  echo "    p1: per_tile=$(echo "scale=2; $p1_wall / 8" | bc)s tools=${p1_tools}s step1=${p1_step1}s step_tasks=${p1_steps}s non_tool=$(overhead "$p1_wall" "$p1_tools" "$p1_step1")% engine=$(echo "scale=2; ($p1_wall - $p1_steps) / $p1_tools * 100" | bc)% peak_rss=${p1_rss}KiB (all cores: ${pn_rss}KiB)"
} | tee -a "$repo/bench/results/pipeline.txt"
