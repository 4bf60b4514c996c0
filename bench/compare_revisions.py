"""Side by side in one run: the webhook and deed benchmarks of a base revision and of this tree.

    .venv/bin/python -m bench.compare_revisions --base 9705d91 [--rounds 2] [--write]

Each revision runs its own copy of the benchmarks (a detached git worktree for the base, so the base is
measured with its own code and layout), alternating base / this tree for --rounds rounds so that background
load falls on both alike. Printed: per scenario the median of the rounds and the ratio this/base.
Webhook: `bench.bench_webhook --scenarios echo,sqlite,postgres --rounds 1` (accepted/s, answered/s, CPU ms per
request); deeds: `bench.bench_deeds --pg` (p50 of a whole deed, end to end).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, machine_info, replace_section

COMMAND = ".venv/bin/python -m bench.compare_revisions --base 9705d91 --write"
DONE = re.compile(r"^\s+done in \d+ s: (\d+) accepted/s, (\d+) answered/s, p50 [\d.]+ ms, p99 ([\d.]+) ms, "
                  r".*?, ([\d.]+) CPU ms/req")
RUNNING = re.compile(r"^running \((\w)\)")
TOTAL = re.compile(r"^\| total\s+\|\s*\d+\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)")
SCENARIO = {"a": "echo bot", "b": "ours, SQLite", "c": "ours, PostgreSQL"}


def run(tree: Path, args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-m", *args], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=1800)
    if proc.returncode not in (0, 1):  # 1: a check failed, the figures still count
        raise RuntimeError(f"{' '.join(args)} in {tree} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return proc.stdout


def webhook(tree: Path, requests: int) -> dict[str, tuple[float, float, float, float]]:
    out, current = {}, None
    for line in run(tree, ["bench.bench_webhook", "--scenarios", "echo,sqlite,postgres", "--rounds", "1",
                           "--requests", str(requests)]).splitlines():
        m = RUNNING.match(line)
        if m:
            current = SCENARIO.get(m.group(1))
        m = DONE.match(line)
        if m and current:
            out[current] = tuple(float(g) for g in m.groups())
    return out


def deeds(tree: Path, n: int) -> dict[str, tuple[float, float]]:
    out, labels = {}, iter(["SQLite", "PostgreSQL"])
    for line in run(tree, ["bench.bench_deeds", "--pg", "--deeds", str(n), "--entries", "10000"]).splitlines():
        m = TOTAL.match(line)
        if m:
            out[next(labels)] = (float(m.group(1)), float(m.group(2)))
    return out


def median(rows: list, i: int) -> float:
    return statistics.median(r[i] for r in rows)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--base", default="9705d91", help="the revision to compare with (default 9705d91)")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--deeds", type=int, default=200)
    p.add_argument("--write", action="store_true", help="write the results into BENCHMARKS.md")
    args = p.parse_args(argv)
    info = machine_info()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.base], cwd=ROOT, check=True)
        try:
            trees = {"base": base, "this": ROOT}
            hooks = {name: {} for name in trees}
            deed = {name: {} for name in trees}
            for n in range(args.rounds):
                for name, tree in trees.items():
                    print(f"round {n + 1}: {name} webhook ...", flush=True)
                    for k, v in webhook(tree, args.requests).items():
                        hooks[name].setdefault(k, []).append(v)
                    print(f"round {n + 1}: {name} deeds ...", flush=True)
                    for k, v in deeds(tree, args.deeds).items():
                        deed[name].setdefault(k, []).append(v)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    lines = ["| webhook scenario | base accepted/s | this accepted/s | ratio | base answered/s | this answered/s "
             "| ratio | base CPU ms/req | this CPU ms/req | ratio |", "|---" * 10 + "|"]
    for k in SCENARIO.values():
        if k not in hooks["base"] or k not in hooks["this"]:
            continue
        b, t = hooks["base"][k], hooks["this"][k]
        cells = []
        for i in (0, 1, 3):
            bv, tv = median(b, i), median(t, i)
            cells += [f"{bv:.0f}" if i < 3 else f"{bv:.2f}", f"{tv:.0f}" if i < 3 else f"{tv:.2f}",
                      f"{tv / bv:.2f}x" if bv else "-"]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    lines += ["", "| a whole deed, end to end | base p50 ms | this p50 ms | ratio | base p99 ms | this p99 ms |",
              "|---" * 6 + "|"]
    for k in ("SQLite", "PostgreSQL"):
        if k not in deed["base"] or k not in deed["this"]:
            continue
        b, t = deed["base"][k], deed["this"][k]
        lines.append(f"| {k} | {median(b, 0):.1f} | {median(t, 0):.1f} | {median(t, 0) / median(b, 0):.2f}x | "
                     f"{median(b, 1):.1f} | {median(t, 1):.1f} |")
    table = "\n".join(lines)
    load = f"1-minute load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    print()
    print(table)
    print(load)
    if args.write:
        body = (f"Command: `{COMMAND}`.\n\nMachine: {info['nproc']} cores, {info['cpu']}, {info['memory']} RAM, "
                f"Python {info['python']}, Linux {info['kernel']}. Date: {info['date']}; {load}.\n\n"
                f"The base revision ({args.base}) and this tree, each with its own benchmark code, alternating for "
                f"{args.rounds} rounds in one run; medians of the rounds. Webhook: {args.requests} requests per "
                f"scenario, as in the Webhook section. Deeds: {args.deeds} deeds per database, as in the Good "
                f"deeds section.\n\n{table}\n")
        replace_section(ROOT / "BENCHMARKS.md", "Redesign side by side", body)
        print(f"wrote the Redesign side by side section of {ROOT / 'BENCHMARKS.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
