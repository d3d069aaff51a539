#!/usr/bin/env bash
# Network-bound work overlapping the computing (issue 20): the 8 synthetic 30' tiles of bench/flow.sh with the asteroid
# stage online against a loopback stand-in of SkyBoT (python3's http.server) that answers every cone search with "no
# solar system object" after a fixed delay; the other vetting stages read empty local files. Interleaved rounds of four
# builds from nothing, all with MaxParallel=<cores>: step by step (-p:VascoStepByStep=true) and flow (the default), each
# against the delayed stand-in and against one that answers at once. What the delay adds to a build's wall time is what
# the build did not overlap: with N tiles and a delay d, the archive's answers take N*d of waiting in all.
# Usage: bash bench/flow-network.sh [delay seconds] [rounds] [N]   (default 2 s, 3 rounds, 8 tiles; needs python3;
#        appends to bench/results/flow.txt)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/lib.sh"
delay=${1:-2}
rounds=${2:-3}
n=${3:-8}
work=${VASCO_BENCH_DIR:-/tmp/vasco-bench}/flow-network
rm -rf "$work" && mkdir -p "$work"
cores=$(nproc)
command -v python3 >/dev/null || { echo "bench/flow-network.sh needs python3 (apt-get install python3)" >&2; exit 1; }

cat > "$work/skybot.py" <<'PY'
# SkyBoT's cone search as its -mime=text answer with no object, after a fixed delay; one line per request in the log.
import http.server, sys, time
port, delay, log = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        start = time.time()
        time.sleep(delay)
        body = b"# Flag: 0\n# Ticket: 1\nNo solar system object was found\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with open(log, "a") as f: f.write(f"{start:.3f} {time.time():.3f}\n")
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Answer).serve_forever()
PY
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
slow_port=$(free_port); python3 "$work/skybot.py" "$slow_port" "$delay" "$work/slow.log" & slow_pid=$!
fast_port=$(free_port); python3 "$work/skybot.py" "$fast_port" 0 "$work/fast.log" & fast_pid=$!
trap 'kill $slow_pid $fast_pid 2>/dev/null' EXIT
sleep 1

targets=$(awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "    <VascoTarget Include=\"syn-%03d\" Ra=\"%.4f\" Dec=\"%.4f\" />\n", i, (i * 137.50776) % 360, -25 + (i * 110.0 / n) }')
for c in sbs-slow flow-slow sbs-fast flow-fast; do
  mkdir -p "$work/$c"
  printf 'id,ra,dec\n' > "$work/$c/empty.csv"
  printf 'id,ra,dec,ngoodobs\n' > "$work/$c/ptf.csv"
  port=$fast_port; [[ $c == *-slow ]] && port=$slow_port
  cat > "$work/$c/run.vascoproj" <<XML
<Project>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.props" />
  <PropertyGroup>
    <RunId>synthetic</RunId>
    <TilingMode>single</TilingMode>
    <TileSizeArcmin>30</TileSizeArcmin>
    <ImageSource>synthetic</ImageSource>
    <VettingServices>online</VettingServices>
    <VettingMinIntervalSeconds>0</VettingMinIntervalSeconds>
    <SkybotUrl>http://127.0.0.1:$port/webservices/skybot/api/conesearch.php</SkybotUrl>
  </PropertyGroup>
  <ItemGroup>
$targets
    <VascoArchive Include="allwise" Table="II/328/allwise" Band="infrared" File="empty.csv" />
    <VascoVettingFile Include="vsx" File="empty.csv" />
    <VascoVettingFile Include="ptf" File="ptf.csv" />
    <VascoVettingFile Include="supercosmos" File="empty.csv" />
  </ItemGroup>
  <Import Project="$repo/Vasco.Targets/Sdk/Sdk.targets" />
</Project>
XML
done
( cd "$work/flow-fast" && dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -t:VascoTools >/dev/null )  # stages the task assembly, untimed
timed() { # dir args... -> wall seconds (the run's data, logs and stamps removed first)
  local dir=$1 t0 t1; shift
  rm -rf "$dir/data" "$dir/logs" "$dir/obj"
  t0=$(date +%s.%N)
  ( cd "$dir" && dotnet build run.vascoproj -nologo -v:q -tl:off -nodeReuse:false -p:MaxParallel="$cores" "$@" >build.log 2>&1 ) || { tail -30 "$dir/build.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
load_before=$(cut -d' ' -f1 /proc/loadavg)
: > "$work/rounds.txt"
for r in $(seq "$rounds"); do
  a=$(timed "$work/sbs-slow" -p:VascoStepByStep=true)
  b=$(timed "$work/flow-slow")
  c=$(timed "$work/sbs-fast" -p:VascoStepByStep=true)
  d=$(timed "$work/flow-fast")
  echo "$a $b $c $d" | tee -a "$work/rounds.txt" >&2
done
asked=$(wc -l < "$work/slow.log")
grep -q "not_checked" "$work/flow-slow/data/vetting/synthetic/asteroids/"*.csv && { echo "SkyBoT's stand-in left candidates not_checked" >&2; exit 1; }
col() { awk -v c="$1" '{print $c}' "$work/rounds.txt" | median; }
med() { awk "{printf \"%.3f\\n\", $1}" "$work/rounds.txt" | median; }
mkdir -p "$repo/bench/results"
{
  echo "$(date -u +%Y-%m-%dT%H:%MZ) flow-network tiles=$n delay=${delay}s cores=$cores rounds=$rounds load=${load_before}->$(cut -d' ' -f1 /proc/loadavg) skybot_requests_to_the_delayed_stand_in=$asked"
  echo "  medians: step_by_step delayed=$(col 1)s at_once=$(col 3)s; flow delayed=$(col 2)s at_once=$(col 4)s"
  echo "  what the delay added (median of the rounds'): step_by_step=$(med '$1 - $3')s flow=$(med '$2 - $4')s, of $(echo "$n * $delay" | bc)s of waiting for answers in all"
} | tee -a "$repo/bench/results/flow.txt"
