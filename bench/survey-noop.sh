#!/usr/bin/env bash
# The survey's tiling alone: a run file that tiles all of POSS-I (TilingMode=footprint, the default
# band Dec -30 to 90) with only step 0 (VascoBuiltInSteps=false and no steps of its own), at
# TileSizeArcmin (default 30': 143,686 tiles). Reports, under GNU time, the wall time and peak
# memory (max RSS of any process of the build) of whole `dotnet build` processes:
#   cold        first build (plan, stamps, tiles.csv and its manifest)
#   no-op       the same build again (must rewrite nothing): the median of `repeats`
# then one more no-op build with -clp:PerformanceSummary and the plan's own timing line, kept in
# perf.log of the work folder (not timed).
# Usage: bash bench/survey-noop.sh [TileSizeArcmin] [repeats]   (results appended to bench/results/survey.txt)
# VASCO_REPO=/path/to/another/checkout measures that checkout's Vasco (the result still goes here).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=${VASCO_REPO:-$here}
source "$here/bench/lib.sh"
size=${1:-30}
repeats=${2:-5}
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/survey-$size
rm -rf "$work" && mkdir -p "$work"
cd "$work"

cat > run.vascoproj <<XML
<Project>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.props" />
  <PropertyGroup>
    <TilingMode>footprint</TilingMode>
    <TileSizeArcmin>$size</TileSizeArcmin>
    <VascoBuiltInSteps>false</VascoBuiltInSteps>
  </PropertyGroup>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.targets" />
</Project>
XML

build() { /usr/bin/time -f "%e %M" -o time.txt dotnet build run.vascoproj -nologo -v:q -nodeReuse:false -tl:off "$@" >build.log 2>&1 || { tail -50 build.log; exit 1; }; cat time.txt; }

dotnet build run.vascoproj -nologo -v:q -nodeReuse:false -tl:off -t:VascoTools >/dev/null  # builds and stages the task assembly, untimed
read -r cold cold_rss < <(build)
run_id=$(basename "$work")   # a run file called run.vascoproj is named after its folder
csv=data/tiles/$run_id/tiles.csv
tiles=$(($(wc -l < "$csv") - 1))
before=$(stat -c %Y.%y "$csv" data/tiles/$run_id/manifest.json)
noops=$(for i in $(seq "$repeats"); do build; done)
noop=$(echo "$noops" | awk '{print $1}' | median)
noop_rss=$(echo "$noops" | awk '{print $2}' | median)
[ "$(stat -c %Y.%y "$csv" data/tiles/$run_id/manifest.json)" = "$before" ] || { echo "a no-op build rewrote tiles.csv or its manifest"; exit 1; }

# Where a no-op's time goes (untimed): MSBuild's target and task summary, and the plan's own laps.
dotnet build run.vascoproj -nologo -v:n -nodeReuse:false -tl:off -clp:PerformanceSummary > perf.log 2>&1
grep -E "Plan: |Time Elapsed" perf.log || true
sed -n '/Target Performance Summary/,/Time Elapsed/p' perf.log | grep -E "ms " | sort -k1 -n -r | head -8 || true

commit=$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- Vasco.Tasks Vasco.Targets || echo "+changes")
mkdir -p "$here/bench/results"
echo "$(date -u +%Y-%m-%dT%H:%MZ) survey footprint ${size}' tiles=$tiles vasco=$commit cold=${cold}s (${cold_rss}KiB) noop=${noop}s (${noop_rss}KiB, median of $repeats: $(echo "$noops" | awk '{printf "%s ", $1}')) cores=$(nproc)" \
  | tee -a "$here/bench/results/survey.txt"
