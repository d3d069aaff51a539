#!/usr/bin/env bash
# Fuzzes Vasco's input readers with afl-fuzz (Debian's afl++) through SharpFuzz, for a bounded time:
# the FITS reader with the LDAC and PSFEx readers (fits), the plate check and preprocessing of a download
# (plate), the catalog CSVs (local-catalog, ext-csv, bright-stars), VizieR answers (vizier), target lists
# (targets) and the config file (config). Seeds are cut from the real M67 files (bench/fuzz/Seeds.cs).
# Any exception other than the readers' documented ones, and any hang, is a crash: afl-fuzz keeps the input
# in $work/out/<target>/default/crashes|hangs, and the script replays each one and prints the exception.
#
# Usage: bash bench/fuzz.sh [seconds per target (default 90)] [target ...]
#   (target selftest throws on inputs starting "crash": run it alone to see that crashes are caught and replayed)
#   needs: apt-get install afl++; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
#   a built M67 run for the LDAC/PSF seeds: VASCO_FUZZ_M67_BUILD=<run folder> (default runs/m67)
# Results: appended to bench/results/fuzz.txt (execs, paths, crashes and hangs per target).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-90}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fits plate local-catalog ext-csv vizier bright-stars targets config)
work=${VASCO_FUZZ_DIR:-/tmp/vasco-fuzz}
sharpfuzz=$(command -v sharpfuzz || echo "$HOME/.dotnet/tools/sharpfuzz")
command -v afl-fuzz >/dev/null || { echo "fuzz: afl-fuzz missing: apt-get install afl++"; exit 1; }
[ -x "$sharpfuzz" ] || { echo "fuzz: sharpfuzz missing: dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0"; exit 1; }

rm -rf "$work/bin" "$work/plain" && mkdir -p "$work"
dotnet publish "$repo/bench/fuzz/Vasco.Fuzz.csproj" -c Release -o "$work/plain" -nologo -v:q 2>&1 | grep -v NU1603 || true
# Coverage instrumentation of Vasco's own code only (the readers under test). Instrumented code runs only
# under afl-fuzz: seeds and replays use the plain copy.
cp -r "$work/plain" "$work/bin"
"$sharpfuzz" "$work/bin/Vasco.Tasks.dll"
rm -rf "$work/seeds" && dotnet "$work/plain/Vasco.Fuzz.dll" seeds "$repo" "$work/seeds"
mkdir -p "$work/seeds/selftest" && printf 'crasx' > "$work/seeds/selftest/seed"

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export DOTNET_TieredPGO=0
results="$repo/bench/results/fuzz.txt"
{
  echo "# bench/fuzz.sh $(date -u +%FT%TZ), ${seconds} s per target, afl-fuzz $(afl-fuzz -h 2>&1 | grep -o '++[0-9.a-z]*' | head -1), SharpFuzz 2.3.0"
  printf '%-14s %10s %8s %8s %8s %6s\n' target seconds execs paths crashes hangs
} > "$results.new"
status=0
for t in "${targets[@]}"; do
  out="$work/out/$t"
  rm -rf "$out" && mkdir -p "$work/out"
  # -t: a reader taking over 2 s on a few-kB input is a hang; -m none: the CLR reserves more than afl's default.
  timeout -k 10 $((seconds + 30)) afl-fuzz -V "$seconds" -t 2000 -m none -i "$work/seeds/$t" -o "$out" \
    -- dotnet "$work/bin/Vasco.Fuzz.dll" "$t" > "$work/afl-$t.log" 2>&1 || true
  stats="$out/default/fuzzer_stats"
  value() { awk -v k="$1" '$1 == k { print $3 }' "$stats" 2>/dev/null; }
  crashes=$(find "$out/default/crashes" -name 'id:*' 2>/dev/null | wc -l)
  hangs=$(find "$out/default/hangs" -name 'id:*' 2>/dev/null | wc -l)
  printf '%-14s %10s %8s %8s %8s %6s\n' "$t" "$(value run_time)" "$(value execs_done)" "$(value corpus_count)" "$crashes" "$hangs" >> "$results.new"
  if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    status=1
    echo "fuzz: $t: $crashes crash(es), $hangs hang(s); replaying:"
    dotnet "$work/plain/Vasco.Fuzz.dll" "$t" "$out/default/crashes" "$out/default/hangs" | grep -v ': rejected\|: accepted' || true
  fi
done
cat "$results.new" >> "$results" && cat "$results.new" && rm "$results.new"
exit $status
