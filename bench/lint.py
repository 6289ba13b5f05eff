"""Benchmark: `csdocs lint` over N generated SOPs beside a bare C-YAML load of the same files.

    .venv/bin/python bench/lint.py            # 2,000 SOPs of ~150 lines
    .venv/bin/python bench/lint.py -n 500

Prints the wall time of `csdocs lint` (a real subprocess, start-up included),
of `yaml.load(..., CSafeLoader)` over the same files in one process, and their
ratio (target: <= 1.5). The corpus is deterministic: the same N gives the same
files.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

STEPS = 14
DEPARTMENTS = ("Billing", "Technical Support", "Retail Stores", "Card Services", "Bookings")


def synthetic_sop(number: int) -> str:
    """One SOP of ~150 lines: decisions, a bounded loop, escalations, script, metrics."""
    department = DEPARTMENTS[number % len(DEPARTMENTS)]
    lines = [
        "# yaml-language-server: $schema=../../sop.schema.json",
        f"id: bench-sop-{number:05d}",
        f"title: Benchmark procedure {number}",
        f"department: {department}",
        "owner: Service operations lead",
        "purpose: >",
        "  Give every customer the same fast, fair answer for this kind of contact,",
        "  and escalate with a complete handoff note when it is beyond L1 authority.",
        "status: active",
        f"version: {number % 7 + 1}",
        "last_reviewed: 2026-10-01",
        "review_every: 90d",
        "channels: [email, chat, phone]",
        f"contact_types: [type-{number % 13}, type-{number % 17}]",
        "priority: medium",
        "tags: [bench]",
        "definitions:",
        "  RMA: Return merchandise authorisation number",
        "  KYC: Know your customer identity check",
        "sla:",
        "  first_response: 4h",
        "  resolution: 2d",
        "script:",
        "  greeting: Thanks for getting in touch. I can help with this today.",
        "  questions:",
        "    - What is your order or account number?",
        "    - When did this start?",
        "  closing: Is there anything else I can help with?",
        "steps:",
    ]
    for index in range(STEPS):
        step = f"s{index}"
        lines += [
            f"  - id: {step}",
            f"    title: Step {index} of the procedure",
            f"    stage: {('intake', 'triage', 'resolution', 'follow-up')[index % 4]}",
            "    actor: L1",
        ]
        if index % 3 == 1:
            last = index + 1 == STEPS
            otherwise = "outcome: resolved" if last else f"next: s{index + 1}"
            lines += [
                f"    decision: Is the amount above {50 + index * 10} EUR?",
                "    branches:",
                '      - answer: "Yes"',
                "        escalate: high-value",
                '      - answer: "No"',
                f"        {otherwise}",
            ]
        else:
            lines += [
                f"    action: Check the RMA and the KYC status, then record step {index} in the ticket.",
                "    say: I am checking that for you now.",
            ]
    lines += [
        "escalations:",
        "  - id: high-value",
        "    trigger: The amount is above 100 EUR",
        "    from: L1",
        "    to: L2",
        "    owner: Specialists queue",
        "    sla: 4h",
        "    handoff: [contact_reason, attempted_resolution, escalation_reason, customer_told]",
        "  - id: repeat-contact",
        "    trigger: The customer has contacted us 3 or more times about the same issue",
        "    to: L2",
        "    owner: Team lead",
        "    sla: 1d",
        "metrics:",
        "  fcr: 80%",
        "  csat: 4.5",
        "  aht: 6m",
        "  escalation_rate: 10%",
        "  backlog: 0",
    ]
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, count: int) -> list[Path]:
    paths = []
    for number in range(count):
        department = DEPARTMENTS[number % len(DEPARTMENTS)].lower().replace(" ", "-")
        path = folder / "sops" / department / f"bench-sop-{number:05d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(synthetic_sop(number), "utf-8")
        paths.append(path)
    return paths


def bare_load(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            yaml.load(handle.read().decode("utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def csdocs_lint(folder: Path) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "csdocs.cli", "lint", "--today", "2026-11-25", "sops"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    return time.perf_counter() - start, result.returncode, result.stdout + result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_corpus(folder, args.count)
        lines = sum(path.read_text().count("\n") for path in paths) / len(paths)
        bare = min(bare_load(paths) for _ in range(args.repeat))
        runs = [csdocs_lint(folder) for _ in range(args.repeat)]
        lint = min(run[0] for run in runs)
        code, output = runs[0][1], runs[0][2]
    print(f"SOPs: {args.count} (~{lines:.0f} lines each)")
    print(f"csdocs lint (subprocess, start-up included): {lint:.3f} s  ({lint / args.count * 1000:.2f} ms per SOP)"
          f"  exit {code}, {len(output.splitlines())} finding lines")
    print(f"bare yaml.load(CSafeLoader):                 {bare:.3f} s  ({bare / args.count * 1000:.2f} ms per SOP)")
    print(f"ratio lint / bare load: {lint / bare:.2f}  (target <= 1.5)")
    if output.strip():
        print("first findings:\n" + "\n".join(output.splitlines()[:5]))


if __name__ == "__main__":
    main()
