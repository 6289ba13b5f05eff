"""Benchmark: `csdocs build` beside a plain `mkdocs build` of the same content.

    .venv/bin/python bench/build.py                 # 200 and 2,000 SOPs (minutes on 2 shared cores)
    .venv/bin/python bench/build.py -n 200          # one size only
    .venv/bin/python bench/build.py -n 50 -n 200 --keep

For each size N it generates N SOPs (deterministic: same N, same files) in
bench/out/build-N/, then times, as real subprocesses:

* baseline: `mkdocs build` (material + search) of the same content written
  as Markdown, flowcharts pre-rendered to inline SVG, navigation by
  department only (SOP pages listed on their department page);
* cold: `csdocs build` with an empty cache (lint, draw every flowchart, build);
* warm: `csdocs build` again (flowcharts read from the cache);
* serve: in one process, as `csdocs serve` does, the first build, then the
  republish after one SOP's step title is edited (only that page is
  rendered again; the search index stays whole).

It prints ms per SOP, warm / baseline (target <= 1.3), page HTML size
(target <= 50 KB, flat as N grows), the search index per SOP, and, with two
sizes, how the biggest build grows against the smallest (target for 2,000
vs 200: <= 12x).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEPARTMENTS = ("Billing", "Technical Support", "Retail Stores", "Card Services", "Bookings", "Customer Care",
               "Business Accounts", "Academy")
WORDS = ("parcel", "invoice", "voucher", "warranty", "courier", "subscription", "booking", "password", "device",
         "statement", "deposit", "coupon", "delivery", "account", "contract", "upgrade", "screen", "router")

sys.path.insert(0, str(ROOT))


def word(number: int, salt: int) -> str:
    return WORDS[(number * 7 + salt * 13) % len(WORDS)]


def synthetic_sop(number: int) -> str:
    """One SOP of ~90 lines: 9 steps, 3 decisions, 2 escalations, a script, metrics, definitions."""
    department = DEPARTMENTS[number % len(DEPARTMENTS)]
    a, b, c = word(number, 1), word(number, 2), word(number, 3)
    return f"""\
id: bench-{number:05d}
title: {a.capitalize()} {b} request {number}
department: {department}
owner: {department} team lead
purpose: >
  Give every customer with a {a} {b} question the same fair answer on the first contact,
  and escalate with a complete handoff note when it is beyond L1 authority.
status: active
version: {number % 7 + 1}
last_reviewed: 2026-10-{number % 27 + 1:02d}
review_every: 90d
channels: [email, chat, phone]
contact_types: [{a} {b}, {c} question]
priority: medium
tags: [bench, {c}]
definitions:
  RMA: Return merchandise authorisation number
  KYC: Know your customer identity check
sla:
  first_response: 4h
  resolution: 2d
script:
  greeting: Thanks for getting in touch about your {a}. I can help with this today.
  questions:
    - What is your order or account number?
    - When did the {b} problem start?
  closing: Is there anything else I can help with?
steps:
  - id: log
    title: Log the {a} contact
    stage: intake
    actor: L1
    action: Create a ticket with the account number, the {a} and the reason the customer gives.
    say: I've logged your request about the {a}.
  - id: verify
    title: Verify the customer
    stage: triage
    decision: Do the name and the postcode match the account?
    branches:
      - answer: "Yes"
        next: eligible
      - answer: "No"
        outcome: unresolved
  - id: eligible
    title: Check the {b} policy
    decision: Is the {b} within the 30-day window?
    branches:
      - answer: "Yes"
        next: amount
      - answer: "No"
        next: explain
  - id: amount
    title: Check the amount
    decision: Is the amount above 100 EUR?
    branches:
      - answer: "Yes"
        escalate: high-value
      - answer: "No"
        next: resolve
  - id: resolve
    title: Resolve the {c}
    stage: resolution
    action: Apply the {c} fix in the account, quote the RMA and confirm by email.
    say: That's done; you'll get a confirmation by email within the hour.
    next: close
  - id: explain
    title: Explain and offer alternatives
    action: Explain the {b} policy, then offer a {word(number, 4)} or store credit.
    say: I can't do that under our policy, but I can offer store credit.
  - id: record
    title: Record the customer's choice
    action: Note the alternative the customer chose on the ticket.
  - id: close
    title: Close and ask for feedback
    stage: follow-up
    action: Mark the ticket resolved and send the satisfaction survey.
    automated: true
    outcome: resolved
escalations:
  - id: high-value
    trigger: The amount is above 100 EUR
    from: L1
    to: L2
    owner: {department} specialists queue
    sla: 4h
  - id: repeat-contact
    trigger: The customer has contacted us 3 or more times about the same {a}
    to: L2
    owner: {department} team lead
    sla: 1d
metrics:
  fcr: 80%
  csat: 4.5
  aht: 6m
related: [bench-{(number + 1):05d}]
"""


MKDOCS_CSDOCS = """\
site_name: Bench
docs_dir: sops
site_dir: site
theme: {name: material, font: false}
plugins:
  - search
  - csdocs:
      cache_dir: .csdocs-cache
"""


def generate(folder: Path, count: int) -> None:
    sops = folder / "sops"
    for number in range(count):
        department = DEPARTMENTS[number % len(DEPARTMENTS)].lower().replace(" ", "-")
        path = sops / department / f"bench-{number:05d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = synthetic_sop(number)
        if number == count - 1:
            text = text.replace(f"related: [bench-{count:05d}]", "related: [bench-00000]")
        path.write_text(text, encoding="utf-8")
    (folder / "mkdocs.yml").write_text(MKDOCS_CSDOCS, encoding="utf-8")


def generate_baseline(folder: Path, source: Path) -> None:
    """The same SOPs as plain Markdown with inline SVG: what a team would write without csdocs."""
    from csdocs.config import Config
    from csdocs.loader import load_file
    from csdocs.render import dot

    docs = folder / "docs"
    sops = [load_file(path).sop for path in sorted((source / "sops").rglob("*.yaml"))]
    svgs = dot.render_many([dot.to_dot(sop, config=Config(root=source)) for sop in sops],
                           cache_dir=source / ".csdocs-cache")
    departments: dict[str, list] = {}
    for sop, svg in zip(sops, svgs, strict=True):
        departments.setdefault(sop.department, []).append(sop)
        svg_body = svg[svg.index("<svg"):]
        lines = [f"# {sop.title}", "", sop.purpose, "", "| | |", "|---|---|",
                 f"| Owner | {sop.owner} |", f"| Status | {sop.status} |", f"| Contact types | {', '.join(sop.contact_types)} |",
                 "", "## Flowchart", "", svg_body, "", "## Procedure", ""]
        for step in sop.steps:
            lines += [f"### {step.index + 1}. {step.title}", ""]
            for text in (step.action, step.decision, step.say):
                if text:
                    lines += [text, ""]
            for branch in step.branches:
                lines.append(f"- **{branch.answer}**: {branch.move.kind} {branch.move.target}")
            lines.append("")
        lines += ["## Escalations", "", "| Trigger | To | Owner | SLA |", "|---|---|---|---|"]
        lines += [f"| {e.trigger} | {e.to_tier} | {e.owner} | {e.sla} |" for e in sop.escalations]
        lines += ["", "## Agent script", "", sop.script.greeting or "", ""]
        lines += [f"1. {question}" for question in sop.script.questions]
        target = docs / sop.slug / f"{sop.id}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    nav = ["  - Home: index.md"]
    for name, items in sorted(departments.items()):
        slug = items[0].slug
        page = [f"# {name}", ""] + [f"- [{sop.title}]({sop.id}.md)" for sop in items]
        (docs / slug / "index.md").write_text("\n".join(page) + "\n", encoding="utf-8")
        nav.append(f"  - {name}: {slug}/index.md")
    (docs / "index.md").write_text("# Bench\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: Bench baseline\ndocs_dir: docs\nsite_dir: site\ntheme: {name: material, font: false}\n"
        "plugins: [search]\nvalidation: {nav: {omitted_files: ignore}}\nnav:\n" + "\n".join(nav) + "\n",
        encoding="utf-8")


def timed(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUTF8": "1"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


REBUILD = """
import json, sys, time
from pathlib import Path
from csdocs.site.serve import ServeSession, rebuild

site = Path(sys.argv[2])
session = ServeSession(Path("mkdocs.yml"), site, serve_url="http://127.0.0.1:8000/")
start = time.perf_counter()
rebuild(session)  # the first build under `csdocs serve`: every page
first = time.perf_counter() - start
path = sys.argv[1]
with open(path, encoding="utf-8") as handle:
    text = handle.read()
with open(path, "w", encoding="utf-8") as handle:
    handle.write(text.replace("Verify the customer", "Verify the caller"))
start = time.perf_counter()
rendered = rebuild(session)  # what `csdocs serve` does after the edit
republish = time.perf_counter() - start
print(json.dumps({"first_s": first, "republish_s": republish, "rendered": len(rendered)}))
"""


def serve_rebuild(project: Path) -> dict[str, float]:
    """The first serve build, then the republish after one SOP is edited (one process, as `csdocs serve`)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUTF8": "1"}
    edited = next(iter(sorted((project / "sops").rglob("bench-*.yaml"))))
    done = subprocess.run([sys.executable, "-c", REBUILD, str(edited), str(project / "serve-site")], cwd=project,
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"serve rebuild failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def page_sizes(site: Path) -> list[int]:
    return [path.stat().st_size for path in site.rglob("bench-*/index.html")]


def run(count: int, keep: bool) -> dict[str, float]:
    folder = OUT / f"build-{count}"
    shutil.rmtree(folder, ignore_errors=True)
    project, baseline = folder / "csdocs", folder / "baseline"
    generate(project, count)
    python = sys.executable
    cold = timed([python, "-m", "csdocs.cli", "build", "-q"], project)
    warm = timed([python, "-m", "csdocs.cli", "build", "-q"], project)
    rebuild = serve_rebuild(project)
    generate_baseline(baseline, project)
    plain = timed([python, "-m", "mkdocs", "build", "-q"], baseline)
    sizes = page_sizes(project / "site")
    index = project / "site" / "search" / "search_index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    result = {
        "sops": count, "cold_s": cold, "warm_s": warm, "baseline_s": plain,
        "cold_ms_per_sop": cold / count * 1000, "warm_ms_per_sop": warm / count * 1000,
        "baseline_ms_per_page": plain / count * 1000, "warm_vs_baseline": warm / plain,
        "page_kb_mean": statistics.mean(sizes) / 1024, "page_kb_max": max(sizes) / 1024,
        "baseline_page_kb_mean": statistics.mean(page_sizes(baseline / "site")) / 1024,
        "search_index_kb_per_sop": index.stat().st_size / count / 1024,
        "search_entries_per_sop": len(docs) / count,
        "serve_first_build_s": rebuild["first_s"], "serve_republish_one_edit_s": rebuild["republish_s"],
        "serve_republish_pages": rebuild["rendered"],
    }
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--sops", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep bench/out/build-N/ for inspection")
    args = parser.parse_args()
    sizes = args.sops or [200, 2000]
    results = []
    for count in sizes:
        print(f"building {count} SOPs...", file=sys.stderr, flush=True)
        result = run(count, args.keep)
        results.append(result)
        print(f"{count:>6} SOPs  cold {result['cold_s']:7.1f} s ({result['cold_ms_per_sop']:5.1f} ms/SOP)  "
              f"warm {result['warm_s']:7.1f} s ({result['warm_ms_per_sop']:5.1f} ms/SOP)  "
              f"plain mkdocs {result['baseline_s']:7.1f} s ({result['baseline_ms_per_page']:5.1f} ms/page)  "
              f"warm/plain {result['warm_vs_baseline']:.2f}")
        print(f"        page HTML mean {result['page_kb_mean']:.1f} KB, max {result['page_kb_max']:.1f} KB "
              f"(plain {result['baseline_page_kb_mean']:.1f} KB); search index "
              f"{result['search_index_kb_per_sop']:.2f} KB/SOP ({result['search_entries_per_sop']:.1f} entries); "
              f"serve: first build {result['serve_first_build_s']:.1f} s, republish after one edit "
              f"{result['serve_republish_one_edit_s']:.2f} s ({result['serve_republish_pages']} page rendered)")
    if len(results) > 1:
        small, big = results[0], results[-1]
        print(f"growth {small['sops']} -> {big['sops']} SOPs ({big['sops'] / small['sops']:.0f}x): "
              f"warm {big['warm_s'] / small['warm_s']:.1f}x, cold {big['cold_s'] / small['cold_s']:.1f}x, "
              f"plain {big['baseline_s'] / small['baseline_s']:.1f}x")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
