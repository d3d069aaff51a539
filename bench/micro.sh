#!/usr/bin/env bash
# BenchmarkDotNet benchmarks of the in-process work per tile (bench/micro/TileWork.cs): preprocessing
# the real M67 plate, reading plates and SExtractor catalogs, hashing for manifests, drawing and
# rendering a synthetic 30' tile. Needs source-extractor (the setup makes a real pass-1 catalog).
# Usage: bash bench/micro.sh [BenchmarkDotNet arguments]    (default: every benchmark, --job short)
# The summary table is written to bench/results/micro.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
artifacts=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/micro
rm -rf "$artifacts"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--filter '*' --job short)
dotnet run -c Release --project "$repo/bench/micro/Vasco.Benchmarks.csproj" -- "${args[@]}" --artifacts "$artifacts"
mkdir -p "$repo/bench/results"
{ echo "# bench/micro.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"; echo; cat "$artifacts"/results/*-report-github.md; } > "$repo/bench/results/micro.md"
cat "$repo/bench/results/micro.md"
