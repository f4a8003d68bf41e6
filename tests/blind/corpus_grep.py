#!/usr/bin/env python3
"""How the corpus labels the sentences a pattern matches, before it goes into a pack:
`python3 tests/blind/corpus_grep.py ja '弁護士[^。]{0,12}相談' [N]` prints, per label set
(CLEAN for none), how many corpus sentences match and N examples of each (default 3).
An exception that matches labelled sentences of its own category would hide real findings.
Rust's mid-pattern `(?i)` is accepted (Python wants flags first).
"""
import collections
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("ja", "en"):
        sys.exit(__doc__)
    lang, source = sys.argv[1], sys.argv[2]
    shown = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    flags = re.I if "(?i)" in source else 0
    pattern = re.compile(source.replace("(?i)", ""), flags)
    corpus = yaml.safe_load((ROOT / "tests" / "corpus" / f"{lang}.yaml").read_text("utf-8"))
    counts, examples = collections.Counter(), collections.defaultdict(list)
    for entry in corpus:
        if pattern.search(entry["text"]):
            key = ",".join(sorted(entry.get("categories") or [])) or "CLEAN"
            counts[key] += 1
            if len(examples[key]) < shown:
                examples[key].append(entry["text"])
    if not counts:
        print("no corpus sentence matches")
    for key, n in counts.most_common():
        print(n, key)
        for text in examples[key]:
            print("    ", text[:160])


if __name__ == "__main__":
    main()
