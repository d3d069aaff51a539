#!/usr/bin/env bash
# Where PSFEx's time goes on the M67 tile (issue 20): PSFEx run directly on M67's pass-1 LDAC catalog
# with the project's config (config/psfex/psfex.conf) and the command line step 4 uses, one setting
# changed at a time. The variants are interleaved (every round runs each once, in the same order), and
# the script reports, per variant, the median wall time, its ratio to the default measured in the same
# rounds, and what the model says of itself (stars loaded/accepted, chi2, FWHM, sampling, size), so a
# cheaper variant's model can be told apart from the default's at a glance ("same .psf": the model file
# is byte-identical to the default's).
# The tools' environment is the build's (GLIBC_TUNABLES as ProcessRunner sets it). The machine's load
# average before and after is printed: this 2-core machine is noisy, compare ratios of one run only.
# Usage: bash bench/psfex-cost.sh [rounds] [catalog]   (default 3 rounds; the catalog of
#        runs/m67 after `dotnet build runs/m67/run.vascoproj`); results appended to bench/results/psfex-cost.txt
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
rounds=${1:-3}
catalog=${2:-$repo/runs/m67/data/catalogs/p1/m67/M67.cat}
[ -f "$catalog" ] || { echo "no catalog $catalog: build runs/m67 first (dotnet build runs/m67/run.vascoproj)" >&2; exit 1; }
config=$repo/config/psfex/psfex.conf
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/psfex-cost
rm -rf "$work" && mkdir -p "$work"
out=$repo/bench/results/psfex-cost.txt
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432}

# name|extra PSFEx arguments (after step 4's own, so they override the config file)
variants=(
  "default|"
  "NTHREADS=2|-NTHREADS 2"
  "NTHREADS=0 (all)|-NTHREADS 0"
  "PSF_SIZE=19,19|-PSF_SIZE 19,19"
  "PSF_SIZE=15,15|-PSF_SIZE 15,15"
  "PSF_SAMPLING=1.0|-PSF_SAMPLING 1.0"
  "BASIS_TYPE=PIXEL|-BASIS_TYPE PIXEL"
  "BASIS_TYPE=NONE|-BASIS_TYPE NONE"
  "BASIS_TYPE=GAUSS-LAGUERRE,10|-BASIS_TYPE GAUSS-LAGUERRE -BASIS_NUMBER 10"
  "PSFVAR_DEGREES=1|-PSFVAR_DEGREES 1"
  "PSFVAR_DEGREES=0|-PSFVAR_DEGREES 0"
  "SAMPLE_MINSN=50|-SAMPLE_MINSN 50"
  "SAMPLE_MINSN=100|-SAMPLE_MINSN 100"
  "PSFVAR_NSNAP=3|-PSFVAR_NSNAP 3"
  "PSFVAR_NSNAP=1|-PSFVAR_NSNAP 1"
  "BASIS_TYPE=NONE, PSFVAR_NSNAP=1|-BASIS_TYPE NONE -PSFVAR_NSNAP 1"
  "WRITE_XML=N|-WRITE_XML N"
  "CHECKIMAGE all on|-CHECKIMAGE_TYPE CHI,PROTOTYPES,SAMPLES,RESIDUALS,SNAPSHOTS -CHECKIMAGE_NAME chi.fits,proto.fits,samp.fits,resi.fits,snap.fits"
)

# One PSFEx run of variant $1 (index) in its own folder; prints wall seconds. The model's summary goes to model-$1.txt.
run() {
  local i=$1 spec=${variants[$1]} dir=$work/v$1
  local args=${spec#*|}
  rm -rf "$dir" && mkdir -p "$dir" && cp "$catalog" "$dir/catalog.cat"
  # shellcheck disable=SC2086
  ( cd "$dir" && /usr/bin/time -f "%e" -o time.txt psfex catalog.cat -c "$config" -PSF_DIR "$dir" \
      -CHECKPLOT_TYPE NONE -CHECKIMAGE_TYPE NONE -XML_NAME "$dir/psfex.xml" -VERBOSE_TYPE QUIET $args > log.txt 2>&1 ) \
    || { echo "variant '${spec%%|*}' failed:" >&2; cat "$dir/log.txt" >&2; echo "failed"; return; }
  # The model's own keywords (80-character FITS cards).
  fold -w 80 "$dir/catalog.psf" | awk -F'[=/]' '$1 ~ /^(LOADED|ACCEPTED|CHI2|PSF_FWHM|PSF_SAMP|PSFAXIS1|PSFAXIS3) *$/ {gsub(/ /, "", $1); gsub(/ /, "", $2); printf "%s=%s ", $1, $2}' > "$work/model-$i.txt"
  cat "$dir/time.txt"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= rounds; r++)); do
  for i in "${!variants[@]}"; do
    t=$(run "$i")
    echo "$t" >> "$work/times-$i.txt"
    echo "round $r: ${variants[$i]%%|*}: $t s" >&2
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

base=$(grep -v failed "$work/times-0.txt" | median)
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) bench/psfex-cost.sh $rounds rounds, $(psfex -v 2>&1 | head -1), $(nproc) cores, load average before $load_before after $load_after"
  echo "# catalog $catalog ($(stat -c %s "$catalog") bytes)"
  printf "%-36s %8s %7s  %-20s %-10s %s\n" variant median ratio runs "same .psf" model
  for i in "${!variants[@]}"; do
    m=$(grep -v failed "$work/times-$i.txt" | median || true)
    ratio=$(awk -v m="$m" -v b="$base" 'BEGIN {if (m > 0) printf "%.2f", m / b; else print "-"}')
    same=$(cmp -s "$work/v0/catalog.psf" "$work/v$i/catalog.psf" && echo yes || echo no)
    printf "%-36s %8s %7s  %-20s %-10s %s\n" "${variants[$i]%%|*}" "$m" "$ratio" "$(paste -sd, "$work/times-$i.txt")" "$same" "$(cat "$work/model-$i.txt" 2>/dev/null)"
  done
  echo
} | tee -a "$out"
