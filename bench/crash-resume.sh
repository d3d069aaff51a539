#!/usr/bin/env bash
# Crash-resume trials beyond the few that `dotnet test` runs: each trial builds the two-tile M67 run
# (tests/Vasco.Tests/Faults/CrashResumeTests.cs), kills the whole build (dotnet, MSBuild nodes, SExtractor,
# PSFEx, STILTS) with SIGKILL once or twice at random moments, rebuilds, and compares every output with an
# uninterrupted build. Usage: bench/crash-resume.sh [TRIALS=20] [SEED]
# One line per trial, and the totals, go to bench/results/crash-resume-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
trials="${1:-20}"
seed="${2:-$RANDOM}"
mkdir -p bench/results
report="$PWD/bench/results/crash-resume-$(date -u +%Y%m%d-%H%M%S).txt"
echo "crash-resume: $trials trial(s), seed $seed, $(nproc) cores, $(date -u +%FT%TZ)" > "$report"
VASCO_CRASH_TRIALS="$trials" VASCO_CRASH_SEED="$seed" VASCO_CRASH_REPORT="$report" \
  dotnet test tests/Vasco.Tests --filter "FullyQualifiedName~CrashResumeTests.KilledAtRandomMoments" \
  --logger "console;verbosity=detailed" || status=$?
cat "$report"
exit "${status:-0}"
