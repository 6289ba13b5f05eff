"""Benchmark: render N generated SOPs to SVG, cold and warm, beside `dot` alone on the same DOT.

    .venv/bin/python bench/render.py            # 500 SOPs of 12 steps
    .venv/bin/python bench/render.py -n 200 --repeat 5 --jobs 2

The corpus is deterministic (the same N gives the same files): 12 steps each,
four of them decisions, with escalations, a goto and a bounded retry loop.
Prints milliseconds per graph for:

* csdocs with no cache: ``render_many(cache_dir=None)`` (batched, parallel dot);
* csdocs cold: ``render_many`` with an empty cache (the same, plus hashing and writing 500 files);
* csdocs warm: the same call again (everything from the cache);
* dot alone, one process per graph (what a naive renderer does);
* dot alone, one process over all graphs;
* dot alone, two processes in parallel, half the graphs each.

Each figure is the best of ``--repeat`` runs (the machine may be shared).
Targets: cold <= 5 ms per graph amortised; warm < 0.1 s for all 500.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from csdocs.loader import load_file
from csdocs.render.dot import _version_of, dot_binary, dot_version, render_many, to_dot
from csdocs.render.flowchart import url_from_pattern

DEPARTMENTS = ("Billing", "Technical Support", "Retail Stores", "Card Services", "Bookings")


def synthetic_sop(number: int) -> str:
    """One SOP of 12 steps: 4 decisions, 3 escalations (one standing), a goto, a retry loop, stages, actors."""
    lines = [
        f"id: bench-sop-{number:05d}",
        f"title: Benchmark procedure {number}",
        f"department: {DEPARTMENTS[number % len(DEPARTMENTS)]}",
        "owner: Service operations lead",
        "purpose: Give every customer the same fast, fair answer for this kind of contact.",
        "channels: [email, chat, phone]",
        f"contact_types: [type-{number % 13}]",
        "priority: medium",
        "script:",
        "  greeting: Thanks for getting in touch. I can help with this today.",
        "  questions: [What is your order number?]",
        "  closing: Is there anything else I can help with?",
        "steps:",
    ]
    stages = ("intake", "intake", "triage", "triage", "triage", "resolution", "resolution", "resolution",
              "resolution", "follow-up", "follow-up", "feedback")
    for index in range(12):
        lines += [f"  - id: s{index}", f"    title: Step {index} of procedure {number}, check the account details",
                  f"    stage: {stages[index]}", f"    actor: L{1 + index % 2}"]
        if index in (2, 4, 6, 8):
            lines += [f"    decision: Is the amount above {50 * (index + number % 5)} EUR for this order?",
                      "    branches:",
                      f"      - answer: \"Yes\"\n        next: s{index + 1}",
                      f"      - answer: \"No\"\n        next: s{index + 2}"]
            if index == 2:
                lines.append("      - answer: Asks for a supervisor again\n        escalate: supervisor")
            if index == 4:
                lines.append("      - answer: Above the limit\n        escalate: limit")
            if index == 6:
                lines.append("      - answer: Retry\n        next: s5")  # a bounded retry loop
            if index == 8:
                lines.append("      - answer: Card problem\n        goto: card-dispute#verify")
        else:
            lines.append(f"    action: Do the thing number {index} and note it in the ticket.")
            if index == 11:
                lines.append("    outcome: resolved")
    lines += [
        "escalations:",
        "  - {id: limit, trigger: The amount is above 500 EUR, to: L2, owner: Specialists queue, sla: 4h}",
        "  - {id: supervisor, trigger: The customer asks for a supervisor a second time, to: L3, "
        "owner: Duty manager, sla: 1d}",
        "  - {id: repeat, trigger: Third contact about the same order in 7 days, to: L2, owner: Team lead, "
        "sla: 1d}",
    ]
    return "\n".join(lines) + "\n"


def best(runs: list[float]) -> tuple[float, float]:
    return min(runs), statistics.median(runs)


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=500, help="number of SOPs (default 500)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is printed")
    parser.add_argument("--jobs", type=int, default=None, help="parallel dot processes (default: every core)")
    args = parser.parse_args()
    count = args.n
    binary = dot_binary()

    with tempfile.TemporaryDirectory(prefix="csdocs-bench-render-") as folder:
        root = Path(folder)
        sops_dir = root / "sops"
        sops_dir.mkdir()
        paths = []
        for number in range(count):
            path = sops_dir / f"bench-sop-{number:05d}.yaml"
            path.write_text(synthetic_sop(number), encoding="utf-8")
            paths.append(path)

        start = time.perf_counter()
        sops = [load_file(path).sop for path in paths]
        load_s = time.perf_counter() - start
        assert all(sop is not None and len(sop.steps) == 12 for sop in sops)
        url = url_from_pattern("../{sop}/#step-{step}")
        start = time.perf_counter()
        texts = [to_dot(sop, sop_url=url) for sop in sops]  # type: ignore[arg-type]
        to_dot_s = time.perf_counter() - start
        dot_files = []
        for path, text in zip(paths, texts, strict=True):
            dot_path = path.with_suffix(".dot")
            dot_path.write_text(text, encoding="utf-8")
            dot_files.append(dot_path)
        everything = root / "all.dot"
        everything.write_text("\n".join(texts), encoding="utf-8")
        halves = [root / "half-1.dot", root / "half-2.dot"]
        halves[0].write_text("\n".join(texts[: count // 2]), encoding="utf-8")
        halves[1].write_text("\n".join(texts[count // 2:]), encoding="utf-8")

        cold, warm, uncached = [], [], []
        for run in range(args.repeat):
            uncached.append(timed(lambda: render_many(texts, cache_dir=None, jobs=args.jobs)))
            cache = root / f"cache-{run}"
            cold.append(timed(lambda cache=cache: render_many(texts, cache_dir=cache, jobs=args.jobs)))
            warm.append(timed(lambda cache=cache: render_many(texts, cache_dir=cache, jobs=args.jobs)))
        svgs = render_many(texts, cache_dir=root / "cache-0")
        assert len(svgs) == count and all(svg.startswith("<?xml") for svg in svgs)  # type: ignore[union-attr]

        def one_process_per_graph() -> None:
            for dot_path in dot_files:
                subprocess.run([binary, "-Tsvg", str(dot_path)], check=True, stdout=subprocess.DEVNULL)

        def one_process_over_all() -> None:
            subprocess.run([binary, "-Tsvg", str(everything)], check=True, stdout=subprocess.DEVNULL)

        def two_in_parallel() -> None:
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda half: subprocess.run([binary, "-Tsvg", str(half)], check=True,
                                                          stdout=subprocess.DEVNULL), halves))

        version_runs = []
        for _ in range(args.repeat):
            _version_of.cache_clear()
            version_runs.append(timed(lambda: dot_version(binary)))
        per_graph = [timed(one_process_per_graph) for _ in range(max(1, min(args.repeat, 2)))]
        over_all = [timed(one_process_over_all) for _ in range(args.repeat)]
        parallel = [timed(two_in_parallel) for _ in range(args.repeat)]

    cores = os.cpu_count() or 1
    print(f"{count} SOPs of 12 steps; {cores} cores; jobs={args.jobs or cores}; best (median) of {args.repeat} runs")
    print(f"  load {count} SOPs:                       {load_s * 1000:8.1f} ms  ({load_s * 1000 / count:.2f} ms/SOP)")
    print(f"  to_dot, {count} SOPs:                    {to_dot_s * 1000:8.1f} ms  ({to_dot_s * 1000 / count:.3f} ms/SOP)")
    print(f"  dot -V (asked once per process):       {min(version_runs) * 1000:8.1f} ms  "
          "(part of a warm run in a fresh process; not in the warm figure below)")
    rows = [
        ("csdocs render_many, no cache at all", uncached),
        ("csdocs render_many, cold cache", cold),
        ("csdocs render_many, warm cache", warm),
        ("dot alone, one process per graph", per_graph),
        ("dot alone, one process over all graphs", over_all),
        ("dot alone, two processes in parallel", parallel),
    ]
    for name, runs in rows:
        low, middle = best(runs)
        print(f"  {name:<40} {low * 1000:8.1f} ms total  {low * 1000 / count:7.3f} ms/graph"
              f"  (median {middle * 1000 / count:.3f})")
    cold_ms = min(cold) * 1000 / count
    warm_s = min(warm)
    print(f"targets: cold <= 5 ms/graph: {'met' if cold_ms <= 5 else 'MISSED'} ({cold_ms:.2f}); "
          f"warm < 0.1 s for all: {'met' if warm_s < 0.1 else 'MISSED'} ({warm_s * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
