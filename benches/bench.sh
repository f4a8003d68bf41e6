#!/usr/bin/env bash
# Whole-process lint timings against the targets of the lint-engine issue, on a deterministic
# corpus made from the shipped letters. Uses hyperfine when installed (apt-get install hyperfine),
# else a small Python timer. Machines are shared: run it on a quiet one, read medians.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=target/release/appeal
corpus=target/bench-corpus
python3 benches/corpus.py --out "$corpus"

median() { # median wall time in ms of running "$@" N times (output discarded)
  python3 - "$@" <<'PY'
import subprocess, sys, time, statistics
cmd = sys.argv[1:]
runs = []
for i in range(25):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(runs):.2f}")
PY
}

letter=$(median $bin lint --format json "$corpus/letter-2kb.txt")
big=$(median $bin lint --format json --max-chars 100000000 "$corpus/corpus-10mb.txt")
folder=$(median $bin lint --format json "$corpus/letters")
mbps=$(python3 -c "import os;print(f'{os.path.getsize(\"$corpus/corpus-10mb.txt\")/1e6/($big/1000):.1f}')")
echo "2 KB letter, whole process:      ${letter} ms median   (target < 5 ms)"
echo "10 MB mixed corpus:              ${big} ms = ${mbps} MB/s   (target >= 50 MB/s)"
echo "1,000 letters of 2 KB (folder):  ${folder} ms median   (target < 100 ms)"
if command -v hyperfine >/dev/null; then
  hyperfine -N -i --warmup 3 "$bin lint --format json $corpus/letter-2kb.txt" \
    "$bin lint --format json $corpus/letters" || true
fi
