#!/usr/bin/env bash
# The engine barrier (issue 20): N synthetic 30' tiles (as runs/recovery/synthetic.vascoproj, more targets) built from
# nothing, in `rounds` interleaved rounds of four:
#   one core      every process pinned to CPU 0 (taskset), MaxParallel=1
#   step by step  all cores, MaxParallel=<cores>, -p:VascoStepByStep=true: each step waits for its slowest tile
#   flow          all cores, MaxParallel=<cores>, the default: a tile goes on to its next step as soon as it can
#   tools alone   for each tile, the build's own logged SExtractor pass-1 command and PSFEx from a shell, one tile at a
#                 time and then <cores> at a time (no build at all): what two cores are worth to the tools this round
# and reports, per round and as medians, each build's ratio one core / all cores as a share of the tools' own ratio.
# Usage: bash bench/flow.sh [N] [rounds]   (default 8 tiles, 3 rounds; appends to bench/results/flow.txt)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
n=${1:-8}
rounds=${2:-3}
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/flow-$n
rm -rf "$work" && mkdir -p "$work"
cores=$(nproc)
targets=$(awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "    <VascoTarget Include=\"syn-%03d\" Ra=\"%.4f\" Dec=\"%.4f\" />\n", i, (i * 137.50776) % 360, -25 + (i * 110.0 / n) }')
for c in one sbs flow; do
  mkdir -p "$work/$c"
  cat > "$work/$c/run.vascoproj" <<XML
<Project>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.props" />
  <PropertyGroup>
    <RunId>synthetic</RunId>
    <TilingMode>single</TilingMode>
    <TileSizeArcmin>30</TileSizeArcmin>
    <ImageSource>synthetic</ImageSource>
    <!-- As runs/recovery/synthetic.vascoproj: no service is asked (bench/flow-network.sh measures the waiting). -->
    <VettingServices>offline</VettingServices>
  </PropertyGroup>
  <ItemGroup>
$targets
  </ItemGroup>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.targets" />
</Project>
XML
done
( cd "$work/flow" && dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -t:VascoTools >/dev/null )  # stages the task assembly, untimed
timed() { # dir args... -> wall seconds (the run's data and logs removed first)
  local dir=$1 t0 t1; shift
  rm -rf "$dir/data" "$dir/logs" "$dir/obj"
  t0=$(date +%s.%N)
  ( cd "$dir" && "$@" >build.log 2>&1 ) || { tail -30 "$dir/build.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
tools_alone() { # parallelism -> seconds: SExtractor pass 1 then PSFEx for each tile, as the flow build ran them
  local t0 t1
  t0=$(date +%s.%N)
  find "$work/flow/logs/sextractor-p1" -name '*.log' | sort | xargs -P "$1" -I{} bash -c '
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
load_before=$(cut -d' ' -f1 /proc/loadavg)
: > "$work/rounds.txt"
for r in $(seq "$rounds"); do
  one=$(timed "$work/one" taskset -c 0 dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -p:MaxParallel=1)
  sbs=$(timed "$work/sbs" dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -p:MaxParallel="$cores" -p:VascoStepByStep=true)
  flow=$(timed "$work/flow" dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -p:MaxParallel="$cores")
  alone_1=$(tools_alone 1) && alone_n=$(tools_alone "$cores") || exit 1
  echo "$one $sbs $flow $alone_1 $alone_n" | tee -a "$work/rounds.txt" >&2
done
# The same candidates either way.
cmp <(cut -d, -f1-12 "$work/sbs/data/filter/synthetic/candidates.csv") <(cut -d, -f1-12 "$work/flow/data/filter/synthetic/candidates.csv") \
  || { echo "flow and step-by-step builds gave different candidates" >&2; exit 1; }
col() { awk -v c="$1" '{print $c}' "$work/rounds.txt" | median; }
med() { awk "{printf \"%.3f\\n\", $1}" "$work/rounds.txt" | median; }
per_round=$(awk '{printf "%s%.2f/%.2f/%.2f", (NR > 1 ? " " : ""), $1 / $2, $1 / $3, $4 / $5}' "$work/rounds.txt")
mkdir -p "$repo/bench/results"
{
  echo "$(date -u +%Y-%m-%dT%H:%MZ) flow tiles=$n (30' synthetic, steps 0-9) cores=$cores rounds=$rounds load=${load_before}->$(cut -d' ' -f1 /proc/loadavg)"
  echo "  medians: one_core=$(col 1)s step_by_step=$(col 2)s flow=$(col 3)s tools_alone: one=$(col 4)s $cores=$(col 5)s"
  echo "  ratio one/all: step_by_step=$(med '$1 / $2')x flow=$(med '$1 / $3')x tools_alone=$(med '$4 / $5')x"
  echo "  share of the tools' own ratio (median of the rounds'): step_by_step=$(med '($1 / $2) / ($4 / $5)') flow=$(med '($1 / $3) / ($4 / $5)')"
  echo "  per round step_by_step/flow/tools: $per_round"
} | tee -a "$repo/bench/results/flow.txt"
