#!/usr/bin/env bash
# Two-core scaling against the number of tiles: N synthetic 30' tiles (as runs/recovery/synthetic.vascoproj,
# more targets) built from nothing on one core (every process pinned to CPU 0 with taskset, MaxParallel=1)
# and on all cores (MaxParallel=<cores>), in `rounds` interleaved rounds. What a build runs once whatever
# its tile count (MSBuild start-up, the plan, one STILTS JVM, the run summaries) weighs less as N grows.
# Usage: bash bench/pipeline-scaling.sh [N] [rounds]   (default 32 tiles, 3 rounds; appends to bench/results/pipeline.txt)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
n=${1:-32}
rounds=${2:-3}
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/scaling-$n
rm -rf "$work" && mkdir -p "$work"
cores=$(nproc)
targets=$(awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "    <VascoTarget Include=\"syn-%03d\" Ra=\"%.4f\" Dec=\"%.4f\" />\n", i, (i * 137.50776) % 360, -25 + (i * 110.0 / n) }')
for c in one all; do
  mkdir -p "$work/$c"
  cat > "$work/$c/run.vascoproj" <<XML
<Project>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.props" />
  <PropertyGroup>
    <RunId>synthetic</RunId>
    <TilingMode>single</TilingMode>
    <TileSizeArcmin>30</TileSizeArcmin>
    <ImageSource>synthetic</ImageSource>
    <VettingServices>offline</VettingServices>
  </PropertyGroup>
  <ItemGroup>
$targets
  </ItemGroup>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.targets" />
</Project>
XML
done
( cd "$work/all" && dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -t:VascoTools >/dev/null )  # stages the task assembly, untimed
timed() { # dir prefix args... -> seconds
  local dir=$1 t0 t1; shift
  rm -rf "$dir/data" "$dir/logs"
  t0=$(date +%s.%N)
  ( cd "$dir" && "$@" >build.log 2>&1 ) || { tail -30 "$dir/build.log"; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
: > "$work/rounds.txt"
for r in $(seq "$rounds"); do
  one=$(timed "$work/one" taskset -c 0 dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -p:MaxParallel=1)
  all=$(timed "$work/all" dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -p:MaxParallel="$cores")
  echo "$one $all" >> "$work/rounds.txt"
done
one=$(awk '{print $1}' "$work/rounds.txt" | median)
all=$(awk '{print $2}' "$work/rounds.txt" | median)
ratios=$(awk '{printf "%s%.2f", (NR > 1 ? " " : ""), $1 / $2}' "$work/rounds.txt")
mkdir -p "$repo/bench/results"
echo "$(date -u +%Y-%m-%dT%H:%MZ) scaling tiles=$n (30' synthetic, steps 0-9): one_core=${one}s all_cores(MaxParallel=$cores)=${all}s speedup=$(echo "scale=3; $one / $all" | bc) per round: $ratios" \
  | tee -a "$repo/bench/results/pipeline.txt"
