#!/usr/bin/env python3
"""Deterministic lint corpus from the shipped letters (examples/**/*.txt).

Writes into OUT: letter-2kb.txt (one Japanese letter of about 2 KB), letters/ (1,000 letters of
about 2 KB, Japanese and English), corpus-10mb.txt (10 MB of mixed Japanese/English paragraphs).
The same seed gives the same bytes on every machine.
"""
import argparse
import pathlib
import random
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def paragraphs():
    paras = []
    for path in sorted((ROOT / "examples").rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paras += [p.strip() + "\n" for p in re.split(r"\n\s*\n", text) if p.strip()]
    if not paras:
        raise SystemExit("no example letters under examples/")
    return paras


def is_japanese(p):
    return len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", p)) * 3 >= len(re.findall(r"[A-Za-z]", p))


def build(rng, pool, size):
    out, n = [], 0
    while n < size:
        p = rng.choice(pool)
        out.append(p)
        n += len(p.encode("utf-8")) + 1
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261129)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = pathlib.Path(args.out)
    (out / "letters").mkdir(parents=True, exist_ok=True)
    paras = paragraphs()
    ja = [p for p in paras if is_japanese(p)] or paras
    en = [p for p in paras if not is_japanese(p)] or paras
    (out / "letter-2kb.txt").write_text(build(rng, ja, 2048), encoding="utf-8")
    for i in range(1000):
        pool = ja if i % 2 == 0 else en
        (out / "letters" / f"{i:04}.txt").write_text(build(rng, pool, 2048), encoding="utf-8")
    (out / "corpus-10mb.txt").write_text(build(rng, paras, 10 * 1000 * 1000), encoding="utf-8")


if __name__ == "__main__":
    main()
