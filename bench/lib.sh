# Shell helpers the bench scripts share (sourced, not run).
# The median of the numbers on standard input, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# The target that the one-stale builds move: s00042, or the middle one of a smaller run (bench/pipeline-noop.sh's tiles).
stale_tile() { printf "s%05d" $(( $1 > 42 ? 42 : $1 / 2 )); }
# Moves target $1 of targets.csv by 0.01 deg in declination, north on odd $2 and back south on even: its tile goes stale.
nudge_target() {
  awk -F, -v OFS=, -v k="$2" -v t="$1" 'NR > 1 && $1 == t { $3 = sprintf("%.6f", $3 + (k % 2 ? 0.01 : -0.01)) } { print }' targets.csv > t.csv && mv t.csv targets.csv
}
