"""csdocs metrics on 1 and 10 million generated Zendesk-shaped tickets, beside plain pandas.

    .venv/bin/pip install -e '.[bench]'     # pandas, for the comparison only
    .venv/bin/python bench/metrics.py        # 1M and 10M; --rows 1000000 for one size

Prints, per size: the CSV's size, the wall time and peak memory (max RSS of
the process and its children, from the kernel) of ``csdocs metrics --format
json`` on the example corpus, and the same for a plain pandas ``read_csv`` +
``groupby`` of the same file (one group per Tags value: far less work than
csdocs does, a yardstick for scale, not a rival).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from exports import generate  # noqa: E402

PANDAS = """
import pandas as pd, sys
frame = pd.read_csv(sys.argv[1], dtype=str, on_bad_lines="skip")
frame["Replies"] = pd.to_numeric(frame["Replies"], errors="coerce")
print(frame.groupby("Tags")["Replies"].agg(["count", "mean"]).shape)
"""


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of one child process."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    pid = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(pid.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    del before
    return wall, usage.ru_maxrss / 1024 / 1024  # KiB -> GiB


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append")
    args = parser.parse_args()
    sizes = args.rows or [1_000_000, 10_000_000]
    csdocs = str(ROOT / ".venv" / "bin" / "csdocs")
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="csdocs-bench-metrics-") as folder:
        for rows in sizes:
            path = Path(folder) / f"zendesk-{rows}.csv"
            start = time.perf_counter()
            generate("zendesk", rows, path)
            made = time.perf_counter() - start
            print(f"{rows:>11,} rows, {path.stat().st_size / 2**20:,.0f} MiB CSV (generated in {made:.1f} s)")
            wall, peak = run([csdocs, "metrics", "--format", "json", str(path)])
            print(f"  csdocs metrics --format json   {wall:6.1f} s   peak {peak:5.2f} GiB")
            try:
                import pandas  # noqa: F401
            except ImportError:
                print("  pandas: not installed (pip install -e '.[bench]')")
                continue
            wall, peak = run([python, "-c", PANDAS, str(path)])
            print(f"  pandas read_csv + groupby       {wall:6.1f} s   peak {peak:5.2f} GiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
