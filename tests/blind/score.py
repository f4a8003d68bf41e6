#!/usr/bin/env python3
"""Scores blind rounds (tests/blind/sets/LANG-rNNN.yaml) with the shipped packs, as the corpus
test scores tests/corpus: `python3 tests/blind/score.py sets/ja-r231.yaml sets/ja-r232.yaml ...`
(all of one language). Prints, per category, tp / fp / fn / recall / precision summed over the
files, `all` (micro-averaged, style excluded), how many clean sentences raised something other
than style, and every miss and false alarm. Runs `cargo test --release --test corpus probe`.
"""
import collections
import os
import pathlib
import re
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROW = re.compile(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+$")
MISS = re.compile(r"^  (missed|false ) (\S+)\s+(.*)$")


def probe(path, lang):
    env = dict(os.environ, APPEAL_PROBE=str(path), APPEAL_PROBE_LANG=lang)
    cmd = ["cargo", "test", "--release", "--locked", "-q", "--test", "corpus", "probe",
           "--", "--nocapture"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stdout + done.stderr)
    return done.stderr.splitlines()


def main():
    paths = [pathlib.Path(p).resolve() for p in sys.argv[1:]]
    if not paths:
        sys.exit(__doc__)
    langs = {p.name.split("-")[0] for p in paths}
    if len(langs) != 1 or not langs <= {"ja", "en"}:
        sys.exit("give files of one language, named ja-rNNN.yaml or en-rNNN.yaml")
    lang = langs.pop()
    counts = collections.defaultdict(lambda: [0, 0, 0])
    lines, sentences, clean, flagged = [], 0, 0, set()
    for path in paths:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        sentences += len(entries)
        clean_texts = {e["text"] for e in entries if not e.get("categories")}
        clean += len(clean_texts)
        for line in probe(path, lang):
            if m := ROW.match(line):
                for i in range(3):
                    counts[m[1]][i] += int(m[i + 2])
            elif m := MISS.match(line):
                lines.append(f"{path.stem} {m[1]} {m[2]:<20} {m[3]}")
                if m[1] == "false " and m[2] != "style" and m[3] in clean_texts:
                    flagged.add((path, m[3]))

    def ratio(a, b):
        return a / b if b else 1.0

    print(f"{lang}: {sentences} sentences ({clean} clean) in {len(paths)} files")
    print(f"{'category':<20} {'tp':>4} {'fp':>4} {'fn':>4} {'recall':>7} {'precision':>9}")
    total = [0, 0, 0]
    for cat, (tp, fp, fn) in sorted(counts.items()):
        print(f"{cat:<20} {tp:>4} {fp:>4} {fn:>4} {ratio(tp, tp + fn):>7.3f} "
              f"{ratio(tp, tp + fp):>9.3f}")
        if cat != "style":
            total = [t + n for t, n in zip(total, (tp, fp, fn))]
    tp, fp, fn = total
    print(f"{'all (no style)':<20} {tp:>4} {fp:>4} {fn:>4} {ratio(tp, tp + fn):>7.3f} "
          f"{ratio(tp, tp + fp):>9.3f}")
    print(f"clean sentences flagged (style aside): {len(flagged)}/{clean}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
