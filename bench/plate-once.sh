#!/usr/bin/env bash
# A plate's cost is paid once (issue 20). runs/m67-four (four 12' tiles cut from the one real M67 plate,
# ImageSource=local) is built from nothing through step 2 (-t:VascoPreprocess) with each repository given, in
# interleaved rounds (repository 1, 2, ..., then again), each build with -nodeReuse:false. Per build:
#   step 1 and step 2 per tile (the tile manifests' elapsed_seconds) and in all (the first tile's start to the
#   last tile's finish), the build's wall time, and the download manifest's count plate_reads (how many times step 1
#   read a plate; "-" for code older than the count).
# Once per repository, untimed, under strace: how many times the build opens the plate file, from nothing through
# step 9, and in a build that reruns steps 2-9 only (-p:FromStep=2): the plan checks and hashes the plate, step 1
# reads it, and nothing after step 1 should.
# Then the step 1 and step 2 FITS files of every repository's last build are compared byte for byte.
# Medians over the rounds; the machine is noisy, so compare repositories within one run of this script.
# Usage: bash bench/plate-once.sh [rounds] [repository ...]   (default: 5 rounds, this repository)
#   e.g. git -C . archive 122ed91 | tar -x -C /tmp/vasco-122ed91 && bash bench/plate-once.sh 5 /tmp/vasco-122ed91 .
#   GZ=1 bash bench/plate-once.sh ...   the same plate gzipped (dss1-red_M67_XE486.fits.gz): each read also inflates it
# Results are appended to bench/results/plate-once.txt.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
rounds=${1:-5}
shift || true
repos=()
for r in "${@:-$repo}"; do repos+=("$(cd "$r" && pwd)"); done
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/plate-once
rm -rf "$work" && mkdir -p "$work"
plate=dss1-red_M67_XE486.fits

# Each repository gets a copy of this repository's runs/m67-four (same run file for all) and of the M67 inputs,
# importing that repository's targets.
for i in "${!repos[@]}"; do
  dir=$work/$i
  mkdir -p "$dir/m67-four" "$dir/m67" && cp -r "$repo/runs/m67/input" "$dir/m67/"
  if [ "${GZ:-0}" = 1 ]; then gzip -n "$dir/m67/input/$plate"; fi
  sed -e "s#\.\./\.\./Vasco\.Targets#${repos[$i]}/Vasco.Targets#g" "$repo/runs/m67-four/run.vascoproj" > "$dir/m67-four/run.vascoproj"
  # Builds and stages that repository's task assembly, so no timed build does.
  ( cd "$dir/m67-four" && dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -t:VascoTools > tools.log 2>&1 ) || { cat "$dir/m67-four/tools.log"; exit 1; }
done

# Step figures of the last build in a run folder: "<step 1 all> <step 2 all> <plate_reads> <step 1 per tile,...> <step 2 per tile,...>",
# the tiles in the order they started.
figures() {
  python3 - "$1/data" <<'EOF'
import glob, json, sys
from datetime import datetime
def step(folder):
    tiles = [json.load(open(f)) for f in sorted(glob.glob(f"{sys.argv[1]}/{folder}/m67-four/*.tile.json"))]
    t = lambda s: datetime.fromisoformat(s).timestamp()
    span = max(t(m["finished_utc"]) for m in tiles) - min(t(m["started_utc"]) for m in tiles)
    tiles.sort(key=lambda m: t(m["started_utc"]))  # in the order they started
    return span, ",".join(f'{m["tile_id"]}={m["elapsed_seconds"]:.3f}' for m in tiles)
s1, t1 = step("downloads")
s2, t2 = step("masks")
reads = json.load(open(f"{sys.argv[1]}/downloads/m67-four/manifest.json"))["counts"].get("plate_reads", "-")
print(f"{s1:.3f} {s2:.3f} {reads if reads == '-' else int(reads)} {t1} {t2}")
EOF
}

: > "$work/rounds.txt"
for r in $(seq "$rounds"); do
  for i in "${!repos[@]}"; do
    dir=$work/$i/m67-four
    rm -rf "$dir/data" "$dir/obj" "$dir/logs"
    ( cd "$dir" && /usr/bin/time -f "%e" -o time.txt dotnet build run.vascoproj -nologo -v:m -tl:off -nodeReuse:false -t:VascoPreprocess > build.log 2>&1 ) \
      || { cat "$dir/build.log"; exit 1; }
    echo "$i $r $(cat "$dir/time.txt") $(figures "$dir")" >> "$work/rounds.txt"
  done
done

# Plate file opens, counted by strace (openat of the plate's path, successful): from nothing, then steps 2-9 again.
opens() { grep -F "/m67/input/$plate" "$1" | grep -vc ' = -1 ' || true; }
for i in "${!repos[@]}"; do
  dir=$work/$i/m67-four
  rm -rf "$dir/data" "$dir/obj" "$dir/logs"
  ( cd "$dir" && strace -f --seccomp-bpf -qq -e trace=open,openat -o strace-cold.txt dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false > strace-cold.log 2>&1 \
      && strace -f --seccomp-bpf -qq -e trace=open,openat -o strace-from2.txt dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -p:FromStep=2 > strace-from2.log 2>&1 ) \
    || { cat "$dir/strace-cold.log" "$dir/strace-from2.log" 2>/dev/null; exit 1; }
  echo "$i $(opens "$dir/strace-cold.txt") $(opens "$dir/strace-from2.txt")" >> "$work/opens.txt"
done

mkdir -p "$repo/bench/results"
{
  echo "$(date -u +%Y-%m-%dT%H:%MZ) runs/m67-four through step 2, $rounds rounds, cores=$(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)$([ "${GZ:-0}" = 1 ] && echo ", plate gzipped")"
  for i in "${!repos[@]}"; do
    col() { awk -v i="$i" -v c="$1" '$1 == i {print $c}' "$work/rounds.txt" | median; }
    # The first two tiles to start (MaxParallel = 2 here) also pay for the runtime compiling the step's code, and
    # one of them for the read; the later tiles show what each further tile of the plate costs.
    per_tile() { awk -v i="$i" -v c="$1" -v from="$2" -v to="$3" '$1 == i {n = split($c, a, ","); for (k = from; k <= to && k <= n; k++) {split(a[k], b, "="); print b[2]}}' "$work/rounds.txt" | median; }
    rev=$(git -C "${repos[$i]}" describe --always --dirty 2>/dev/null || basename "${repos[$i]}")
    read -r _ cold from2 < <(grep "^$i " "$work/opens.txt")
    echo "  [$i] ${repos[$i]} ($rev): build $(col 3) s; step 1 $(col 4) s in all, a tile $(per_tile 7 1 2) s (first two) and $(per_tile 7 3 99) s (later);" \
      "step 2 $(col 5) s in all, a tile $(per_tile 8 1 2) s (first two) and $(per_tile 8 3 99) s (later);" \
      "plate_reads $(awk -v i="$i" '$1 == i {print $6}' "$work/rounds.txt" | sort -u | tr '\n' ' '); plate file opened $cold times from nothing, $from2 times with -p:FromStep=2"
    awk -v i="$i" '$1 == i {printf "      round %s: build %s s, step 1 %s s (%s), step 2 %s s (%s)\n", $2, $3, $4, $7, $5, $8}' "$work/rounds.txt"
  done
  if [ "${#repos[@]}" -gt 1 ]; then
    ratio() { awk -v c="$1" -v last="$((${#repos[@]} - 1))" '$1 == 0 {a[$2] = $c} $1 == last {b[$2] = $c} END {for (r in a) if (b[r] > 0) printf "%.3f\n", a[r] / b[r]}' "$work/rounds.txt" | median; }
    echo "  [0] / [last], median of the rounds' own ratios: build $(ratio 3)x, step 1 $(ratio 4)x, step 2 $(ratio 5)x" \
      "(later tiles of step 1, ratio of the medians: $(echo "scale=2; $(i=0 per_tile 7 3 99) / $(i=$((${#repos[@]} - 1)) per_tile 7 3 99)" | bc)x)"
    same=yes
    for i in "${!repos[@]}"; do
      ( cd "$work/$i/m67-four/data" && find downloads masks -name '*.fits' | sort | xargs sha256sum ) > "$work/fits-$i.sha"
      cmp -s "$work/fits-0.sha" "$work/fits-$i.sha" || same=no
    done
    echo "  step 1 and step 2 FITS files ($(wc -l < "$work/fits-0.sha")) byte-identical across the repositories: $same"
  fi
} | tee -a "$repo/bench/results/plate-once.txt"
