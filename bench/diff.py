"""Benchmark: `csdocs diff` over the example corpus, grown to N SOPs, against a copy with one change each.

    .venv/bin/python bench/diff.py            # 100 SOPs
    .venv/bin/python bench/diff.py -n 500

The corpus is every SOP under sops/, copied with new ids until there are N.
The copy changes each SOP once, cycling through six kinds of change (a
threshold moved, a title reworded, a step renamed with its references, an
SLA loosened, an escalation removed, a step inserted); the new side is
rewritten by PyYAML, so it is also reformatted throughout. Both sides are
committed to a temporary git repository.

Prints the best of 5 runs of:
  * the library: load both sides from disk and diff them (resolution paths included);
  * the diff alone, on the models already loaded (wall and CPU time);
  * `csdocs diff --base HEAD~1 --head HEAD --format json` as a real subprocess
    (start-up, git and output included), and the same with --format markdown.
Target: under a second for 100 SOPs.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test helpers: one rename, as the review tests do it

from tests.review.helpers import rename_step  # noqa: E402 - importable once ROOT is on sys.path

SOPS = ROOT / "sops"
NUMBER = re.compile(r"\d+")


def corpus(count: int) -> list[tuple[str, str]]:
    """(relative path, text) for ``count`` SOPs: the examples, then copies with new ids."""
    from csdocs.review.revisions import files_in_worktree

    # The SOP files as the review selects them (not the glossary, not search-checks.yaml).
    examples = sorted(files_in_worktree(ROOT, PurePosixPath("sops")).items())
    out = []
    for number in range(count):
        name, data_bytes = examples[number % len(examples)]
        source = PurePosixPath(name)
        text = data_bytes.decode("utf-8")
        data = yaml.safe_load(text)
        sop_id = data.get("id", source.stem)
        if number >= len(examples):
            new_id = f"{sop_id}-copy-{number}"
            text = re.sub(rf"^id: {re.escape(sop_id)}$", f"id: {new_id}", text, count=1, flags=re.M)
            sop_id = new_id
        out.append((f"{source.parent.name}/{sop_id}.yaml", text))
    return out


def one_change(text: str, number: int) -> str:
    """The SOP with one change of the kind ``number`` picks (the result is PyYAML-formatted)."""
    data = yaml.safe_load(text)
    kind = number % 6
    escalations = data.get("escalations") or []
    steps = data["steps"]
    if kind == 0 and escalations and NUMBER.search(escalations[0].get("trigger", "")):
        trigger = escalations[0]["trigger"]
        escalations[0]["trigger"] = NUMBER.sub(lambda m: str(int(m.group()) * 2), trigger, count=1)
    elif kind == 2 and len(steps) > 2:
        rename_step(data, steps[1]["id"], steps[1]["id"] + "-renamed")
    elif kind == 3 and data.get("sla", {}).get("resolution"):
        data["sla"]["resolution"] = "9d"
    elif kind == 4 and escalations:
        removed = escalations.pop()["id"]
        for step in steps:  # a step that named it now ends unresolved
            if step.get("escalate") == removed:
                del step["escalate"]
                step["outcome"] = "unresolved"
            for branch in step.get("branches") or []:
                if branch.get("escalate") == removed:
                    del branch["escalate"]
                    branch["outcome"] = "unresolved"
    elif kind == 5:
        steps.insert(1, {"id": "bench-note", "title": "Note the contact", "action": "Add a note to the ticket."})
    else:
        data["title"] = data["title"] + " (revised)"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c",
                    "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True)


def best(runs: int, action, clock=time.perf_counter) -> float:
    times = []
    for _ in range(runs):
        start = clock()
        action()
        times.append(clock() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--sops", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    from csdocs.lint.engine import cyclic_gc_paused
    from csdocs.review.engine import review_pairs
    from csdocs.review.revisions import files_in_worktree, load_side

    with tempfile.TemporaryDirectory(prefix="csdocs-bench-diff-") as folder:
        repo = Path(folder)
        (repo / "old" / "sops").mkdir(parents=True)
        (repo / "new" / "sops").mkdir(parents=True)
        files = corpus(options.sops)
        for number, (path, text) in enumerate(files):
            for side, content in (("old", text), ("new", one_change(text, number))):
                target = repo / side / "sops" / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, "utf-8")

        def library() -> int:  # what review_revisions does, minus git
            with cyclic_gc_paused():
                old = load_side("old", files_in_worktree(repo / "old", PurePosixPath("sops")))
                new = load_side("new", files_in_worktree(repo / "new", PurePosixPath("sops")))
                ids = sorted(set(old.sops) | set(new.sops))
                result = review_pairs((old.sops.get(i), new.sops.get(i)) for i in ids)
            return len(result.review.sops)

        changed = library()
        library_time = best(options.runs, library)
        with cyclic_gc_paused():  # the diff alone, on models already loaded
            old = load_side("old", files_in_worktree(repo / "old", PurePosixPath("sops")))
            new = load_side("new", files_in_worktree(repo / "new", PurePosixPath("sops")))
            pairs = [(old.sops.get(i), new.sops.get(i)) for i in sorted(set(old.sops) | set(new.sops))]
            diff_time = best(options.runs, lambda: review_pairs(pairs))
            diff_cpu = best(options.runs, lambda: review_pairs(pairs), time.process_time)

        git_repo = repo / "git"
        (git_repo / "sops").mkdir(parents=True)
        git(git_repo, "init", "-q")
        for side in ("old", "new"):
            subprocess.run(["cp", "-r", f"{repo / side / 'sops'}/.", str(git_repo / "sops")], check=True)
            git(git_repo, "add", "-A")
            git(git_repo, "commit", "-q", "-m", side)
        command = [sys.executable, "-m", "csdocs.cli", "diff", "--base", "HEAD~1", "--head", "HEAD"]
        result = subprocess.run([*command, "--format", "json"], cwd=git_repo, capture_output=True, text=True)
        changes = json.loads(result.stdout)["changes"]
        json_time = best(options.runs, lambda: subprocess.run([*command, "--format", "json"], cwd=git_repo,
                                                              capture_output=True, check=False))
        markdown_time = best(options.runs, lambda: subprocess.run([*command, "--format", "markdown"], cwd=git_repo,
                                                                  capture_output=True, check=False))
        start_time = best(options.runs, lambda: subprocess.run([sys.executable, "-m", "csdocs.cli", "--version"],
                                                               capture_output=True, check=False))

    print(f"{options.sops} SOPs, one change each: {changed} SOPs with changes, {len(changes)} changes reported")
    print(f"library (load both sides + diff + paths): {library_time * 1000:7.1f} ms")
    print(f"diff alone (models loaded, paths included): {diff_time * 1000:5.1f} ms "
          f"(CPU {diff_cpu * 1000:.1f} ms: steadier on a shared machine)")
    print(f"csdocs diff --base --head --format json:  {json_time * 1000:7.1f} ms (subprocess, git included)")
    print(f"csdocs diff --base --head --format markdown: {markdown_time * 1000:5.1f} ms")
    print(f"csdocs --version (start-up alone):        {start_time * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
