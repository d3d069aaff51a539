#!/usr/bin/env bash
# One stale tile of N, two commits interleaved in one run: the bench folder of `bench/pipeline-noop.sh N` (built
# before, from a worktree of this repository), whose run file imports the SDK of that worktree. Each round checks the
# worktree out at each commit (the stamps hold the SDK's paths, so the same path must serve both), rebuilds the task
# assembly, builds once to re-read every cache after the change of code, then times one one-stale build (target
# bench/lib.sh's stale_tile moved by 0.01 deg; the build must rerun it) with MSBuild's task times, the process tree's
# user and system CPU and its minor page faults (fresh memory touched: on this VM the first touch is what costs).
# Usage: bash bench/stale-ab.sh BASE NEW [N] [rounds]    (results appended to bench/results/pipeline-stale-ab.txt)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
base=$1 new=$2 n=${3:-10000} rounds=${4:-3}
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/pipeline-noop-$n
[ -f "$work/run.vascoproj" ] || { echo "no bench folder $work: run bash bench/pipeline-noop.sh $n from a worktree first" >&2; exit 1; }
sdk=$(sed -n 's|.*<Import Project="\(.*\)/Vasco.Targets/Sdk/Sdk.props".*|\1|p' "$work/run.vascoproj")
git -C "$sdk" rev-parse --git-dir >/dev/null 2>&1 || { echo "$sdk (the bench folder's SDK) is not a git worktree" >&2; exit 1; }
[ -z "$(git -C "$sdk" status --porcelain --untracked-files=no)" ] || { echo "$sdk has changes: commit or drop them first" >&2; exit 1; }
cd "$work"
tile=$(stale_tile "$n")
k=0
stale() {
  k=$((k + 1))
  nudge_target "$tile" "$k"
  /usr/bin/time -f "%e %M %U %S %R" -o time.txt dotnet build run.vascoproj -nologo -v:m -tl:off -nodeReuse:false -clp:PerformanceSummary > stale.log 2>&1 || { tail -30 stale.log; exit 1; }
  grep -q "Pass2: 1 tile(s) done" stale.log || { echo "the one-stale build did not rerun $tile" >&2; exit 1; }
}
for round in $(seq "$rounds"); do
  for commit in "$base" "$new"; do
    git -C "$sdk" checkout -q -f --detach "$commit" && git -C "$sdk" clean -fdq Vasco.Tasks
    dotnet build run.vascoproj -nologo -v:q -tl:off -t:VascoTools -nodeReuse:false > tools.log 2>&1 || { tail tools.log; exit 1; }
    stale  # reads every cache again after the change of code
    stale
    read -r wall rss user sys faults < time.txt
    tasks=$(grep -A12 'Task Performance Summary' stale.log | awk '/Vasco(Plan|RunStep|WriteCandidates|Summarize) /{printf " %s=%ss", $3, $1/1000}')
    echo "$(date -u +%Y-%m-%dT%H:%MZ) one stale of $n round $round $(git -C "$sdk" rev-parse --short HEAD) wall=${wall}s peak=$((rss / 1024))MiB user=${user}s sys=${sys}s minor_faults=$faults$tasks cores=$(nproc)" \
      | tee -a "$repo/bench/results/pipeline-stale-ab.txt"
  done
done
