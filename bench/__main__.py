"""`python -m bench`: run every benchmark module that exists, one after the other.

Each module in MODULES is imported if present and its `main([])` is run with default options; a module that
is absent is skipped, and one that fails is reported without stopping the others.
    .venv/bin/python -m bench                      # all
    .venv/bin/python -m bench bench_webhook        # only the named ones
"""
from __future__ import annotations

import importlib
import sys
import time
import traceback

MODULES = ["bench_webhook", "bench_flood", "bench_fanout", "fault_fanout", "bench_deeds", "compare_revisions", "year_cost"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    names = argv or MODULES
    failed = []
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                print(f"== {name}: not present, skipped", flush=True)
                continue
            raise
        if not hasattr(module, "main"):
            print(f"== {name}: no main(), skipped", flush=True)
            continue
        print(f"== {name}", flush=True)
        t0 = time.monotonic()
        try:
            rc = module.main([])
        except SystemExit as exc:
            rc = exc.code
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others' results
            traceback.print_exc()
            rc = 1
        print(f"== {name}: {'ok' if not rc else f'exit {rc}'} in {time.monotonic() - t0:.0f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
