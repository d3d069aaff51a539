#!/usr/bin/env bash
# No-op and one-stale-tile builds of the whole built-in pipeline (steps 0-9, real tools) over
# N small synthetic tiles (default 1,000 tiles of 6', 212x212 px, 40,000 stars per square degree
# and PsfMinStars=5, so that every tile gets a PSF model). Reports wall times of whole `dotnet build` processes:
#   cold        first build (every step for every tile)
#   no-op       the same build again (must run no step)
#   one stale   one target moved by 0.01 deg (tiling, then steps 1-9 for that tile)
# and the peak memory (max RSS) of each. The median of `repeats` builds.
# Usage: bash bench/pipeline-noop.sh [N] [repeats]   (results appended to bench/results/pipeline.txt)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
n=${1:-1000}
repeats=${2:-3}
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/pipeline-noop-$n
rm -rf "$work" && mkdir -p "$work"
cd "$work"

# N targets spread over the northern sky (deterministic).
awk -v n="$n" 'BEGIN { print "name,ra,dec"; for (i = 0; i < n; i++) printf "s%05d,%.6f,%.6f\n", i, (i * 137.50776) % 360, -25 + (i * 110.0 / n) }' > targets.csv
cat > run.vascoproj <<XML
<Project>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.props" />
  <PropertyGroup>
    <TilingMode>single</TilingMode>
    <TileSizeArcmin>6</TileSizeArcmin>
    <ImageSource>synthetic</ImageSource>
    <SyntheticStarDensity>40000</SyntheticStarDensity>
    <PsfMinStars>5</PsfMinStars>
    <SyntheticVanishedPerTile>2</SyntheticVanishedPerTile>
    <SyntheticMoversPerTile>1</SyntheticMoversPerTile>
    <SyntheticDefectsPerTile>1</SyntheticDefectsPerTile>
    <VettingServices>offline</VettingServices>
  </PropertyGroup>
  <ItemGroup><VascoTargetList Include="targets.csv" /></ItemGroup>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.targets" />
</Project>
XML

build() { /usr/bin/time -f "%e %M" -o time.txt dotnet build run.vascoproj -nologo -v:q -tl:off "$@" >build.log 2>&1 || { tail -50 build.log; exit 1; }; cat time.txt; }

dotnet build run.vascoproj -nologo -v:q -tl:off -t:VascoTools >/dev/null  # builds and stages the task assembly, untimed
read -r cold cold_rss < <(build)
noops=$(for i in $(seq "$repeats"); do build; done)
noop=$(echo "$noops" | awk '{print $1}' | median)
noop_rss=$(echo "$noops" | awk '{print $2}' | sort -n | tail -1)
stale_tile=$(stale_tile "$n")
stales=$(for i in $(seq "$repeats"); do
  nudge_target "$stale_tile" "$i"
  build -v:m
  # the build must have rerun that one tile (-v:m prints each step's count)
  grep -q "Pass2: 1 tile(s) done" build.log || { echo "the one-stale build did not rerun $stale_tile:" >&2; tail -30 build.log >&2; exit 1; }
done)
stale=$(echo "$stales" | awk '{print $1}' | median)
stale_rss=$(echo "$stales" | awk '{print $2}' | sort -n | tail -1)

# The no-op really ran nothing (each stale build was checked above to rerun its tile).
dotnet build run.vascoproj -nologo -v:m -tl:off > check.log 2>&1
if grep -q "tile(s) done" check.log; then echo "a no-op build ran a step:"; grep "tile(s) done" check.log; exit 1; fi

mkdir -p "$repo/bench/results"
echo "$(date -u +%Y-%m-%dT%H:%MZ) pipeline tiles=$n (6' synthetic, steps 0-9) cold=${cold}s (${cold_rss}KiB) noop=${noop}s (${noop_rss}KiB) one_stale=${stale}s (${stale_rss}KiB) cores=$(nproc)" \
  | tee -a "$repo/bench/results/pipeline.txt"
