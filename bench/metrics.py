"""csdocs metrics on 1 and 10 million generated Zendesk-shaped tickets, beside plain pandas.

    .venv/bin/pip install -e '.[bench]'     # pandas, for the comparison only
    .venv/bin/python bench/metrics.py        # 1M and 10M; --rows 1000000 for one size
    .venv/bin/python bench/metrics.py --stages   # and where csdocs' time goes, stage by stage

Prints, per size: the CSV's size, and for ``csdocs metrics --format json``
on the example corpus and for a plain pandas ``read_csv`` + ``groupby`` of
the same file (one group per Tags value: far less work than csdocs does, a
yardstick for scale, not a rival): wall time, CPU time (user + system, all
threads, from the kernel) and peak memory (the child's max RSS), and the
machine's load average before the run, because the machine may be shared:
on a loaded machine wall time grows, CPU time much less.

With ``--stages``, csdocs runs once more with its stage log on (DEBUG of
csdocs.metrics.engine: the header, the scan that reads, types, checks and
groups every row, the rows the reader rejected read again, a second scan
when needed, the per-SOP query), each stage's wall and CPU seconds printed
under the figures.

How peak memory is measured, and why the export is generated in a
subprocess: Linux counts in a child's max RSS the RSS of the process that
started it at the moment it was started (``exec`` records the old memory's
high-water mark). An earlier version generated the 10-million-row export
with DuckDB inside this process (3.8 GiB) and then reported that as the peak
of every command it started. This process now stays small (the floor printed
under the table: no child can show less) and generates exports in a child.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STAGES = """
import logging, sys
from csdocs.cli import main
logging.basicConfig(level=logging.WARNING, format="%(message)s")
logging.getLogger("csdocs.metrics.engine").setLevel(logging.DEBUG)
sys.argv = ["csdocs", "metrics", "--format", "json", sys.argv[1]]
main()
"""

PANDAS = """
import pandas as pd, sys
frame = pd.read_csv(sys.argv[1], dtype=str, on_bad_lines="skip")
frame["Replies"] = pd.to_numeric(frame["Replies"], errors="coerce")
print(frame.groupby("Tags")["Replies"].agg(["count", "mean"]).shape)
"""


def run(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in GiB of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024 / 1024  # KiB -> GiB


def _line(label: str, figures: tuple[float, float, float], load: float) -> str:
    wall, cpu, peak = figures
    return f"  {label:<32} {wall:6.1f} s wall {cpu:6.1f} s CPU   peak {peak:5.2f} GiB   (load {load:.1f})"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--keep", type=Path, help="generate into (and reuse exports from) this folder")
    parser.add_argument("--stages", action="store_true", help="also print csdocs' time stage by stage")
    args = parser.parse_args()
    sizes = args.rows or [1_000_000, 10_000_000]
    csdocs = str(ROOT / ".venv" / "bin" / "csdocs")
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="csdocs-bench-metrics-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{os.cpu_count()} CPUs; csdocs metrics: DuckDB threads = CPUs, memory_limit 1GB (the defaults)")
        for rows in sizes:
            path = folder / f"zendesk-{rows}.csv"
            if not path.is_file():
                made, _, _ = run([python, str(ROOT / "bench" / "exports.py"), "--shape", "zendesk",
                                  "--rows", str(rows), "-o", str(path)])
                note = f"generated in {made:.1f} s"
            else:
                note = "reused"
            print(f"{rows:>11,} rows, {path.stat().st_size / 2**20:,.0f} MiB CSV ({note})")
            load = os.getloadavg()[0]
            print(_line("csdocs metrics --format json", run([csdocs, "metrics", "--format", "json", str(path)]), load))
            if args.stages:
                log = subprocess.run([python, "-c", STAGES, str(path)], cwd=ROOT, capture_output=True, text=True)
                for line in log.stderr.splitlines():
                    if " s wall, " in line:
                        print(f"    {line}")
            if importlib.util.find_spec("pandas") is None:  # not imported here: this process stays small
                print("  pandas: not installed (pip install -e '.[bench]')")
                continue
            load = os.getloadavg()[0]
            print(_line("pandas read_csv + groupby", run([python, "-c", PANDAS, str(path)]), load))
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process's own peak, the floor of every peak above: {floor:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
