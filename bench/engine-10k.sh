#!/usr/bin/env bash
# Engine benchmark: a run of N single-tile targets (default 10,000) through one small real
# step (StarCount: the stars of a shared list inside each tile), or two with STEPS=2
# (StarDensity reads StarCount's output). Reports wall times of whole `dotnet build`
# processes:
#   cold        first build (tiling, stamps, both steps for every tile)
#   no-op       the same build again (must run no step)
#   one stale   one target moved in the target list (tiling + both steps for that tile)
# Usage: bash bench/engine-10k.sh [N] [repeats]      (results also in bench/results/)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
n=${1:-10000}
repeats=${2:-3}
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/engine-$n
rm -rf "$work" && mkdir -p "$work"
cd "$work"

dotnet build "$repo/tests/Vasco.TestSteps" -c Release -nologo -v:q >/dev/null

# N targets spread over the sky (deterministic), and 1,000 stars.
awk -v n="$n" 'BEGIN { print "name,ra,dec"; for (i = 0; i < n; i++) printf "t%05d,%.6f,%.6f\n", i, (i * 137.50776) % 360, -80 + (i * 160.0 / n) }' > targets.csv
awk 'BEGIN { srand(42); print "ra,dec,mag"; for (i = 0; i < 1000; i++) printf "%.6f,%.6f,%.2f\n", rand() * 360, -90 + 180 * rand(), 6 + 8 * rand() }' > stars.csv
density=$([ "${STEPS:-1}" = 2 ] && echo true || echo false)
cat > run.vascoproj <<XML
<Project>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.props" />
  <PropertyGroup>
    <TilingMode>single</TilingMode>
    <StarFilePattern>stars.csv</StarFilePattern>
    <VascoTestStepsConfiguration>Release</VascoTestStepsConfiguration>
    <VascoBuiltInSteps>false</VascoBuiltInSteps>
    <VascoTestStepDensity>$density</VascoTestStepDensity>
  </PropertyGroup>
  <ItemGroup><VascoTargetList Include="targets.csv" /></ItemGroup>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.targets" />
  <Import Project="$repo/tests/Vasco.TestSteps/TestSteps.targets" />
</Project>
XML

build() { dotnet build run.vascoproj -nologo -v:q -tl:off "$@" >build.log 2>&1 || { cat build.log; exit 1; }; }
seconds() { local t0 t1; t0=$(date +%s.%N); build "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

build -t:VascoTools  # builds and stages the task assembly, untimed
cold=$(seconds)
noop=$(for i in $(seq "$repeats"); do seconds; done | median)
stale=$(for i in $(seq "$repeats"); do
  # Move target t00042 a little (alternately), so exactly one tile changes.
  nudge_target t00042 "$i"
  seconds
done | median)

# Check the one-stale build really ran one tile.
dotnet build run.vascoproj -nologo -v:n -tl:off -p:FromStep=1 -p:Tiles=t00007 > check.log 2>&1
grep -q "StarCount: 1 tile(s) done" check.log || { echo "expected one tile to run"; exit 1; }

mkdir -p "$repo/bench/results"
line="$(date -u +%Y-%m-%dT%H:%MZ) tiles=$n steps=${STEPS:-1} cold=${cold}s noop=${noop}s one_stale=${stale}s cores=$(nproc)"
echo "$line" | tee -a "$repo/bench/results/engine.txt"
