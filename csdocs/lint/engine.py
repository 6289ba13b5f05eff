"""lint(paths) -> sorted findings: find files, load them, run every rule, stamp severities."""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..config import Config, resolve
from ..loader import Loaded, Problem, load_file, load_glossary
from ..model import Glossary, Severity, Sop
from ..project_files import discover, display_path, is_glossary, is_search_checks, is_sop_source, sop_files
from ..today import today as current_date
from .registry import RULES
from .rule import Finding, LintContext, Project, build_project, sop_ref
from .where import DocumentPaths

logger = logging.getLogger(__name__)
_SUPPRESS = re.compile(r"#\s*csdocs:\s*disable=([a-z0-9,\s-]+)")


@dataclass(frozen=True, slots=True)
class LintReport:
    files: int
    findings: tuple[Finding, ...]

    def has_errors(self, *, strict: bool = False) -> bool:
        levels = ("error", "warning") if strict else ("error",)
        return any(finding.severity in levels for finding in self.findings)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many models are built.

    Loading allocates many small objects and keeps every SOP's model alive
    for the cross-SOP checks; the collector would rescan that growing set
    again and again (measured: 0.8 ms of 1.8 ms per SOP over 2,000 SOPs).
    Nothing built here forms a reference cycle, so nothing is lost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def lint_paths(paths: Sequence[Path], *, config: Config, today: _dt.date | None = None) -> LintReport:
    """Lint the files and folders given; cross-SOP references also see the whole project."""
    with cyclic_gc_paused():
        return _lint_paths(paths, config=config, today=today)


def _lint_paths(paths: Sequence[Path], *, config: Config, today: _dt.date | None) -> LintReport:
    today = today or current_date()
    targets = discover(paths)
    sop_targets = [path for path in targets if is_sop_source(path, config)]
    glossary_targets = [path for path in targets if is_glossary(path, config)]
    check_targets = [path for path in targets if is_search_checks(path) and not is_glossary(path, config)]

    to_load: dict[Path, str] = {path.resolve(): display_path(path) for path in sop_targets}
    target_paths = frozenset(to_load.values())
    if config.config_file is not None:  # a project: resolve references against all of it
        for path in sop_files(config):
            to_load.setdefault(path.resolve(), display_path(path))

    findings: list[Finding] = []
    glossary = Glossary()
    glossary_path = resolve(config, config.glossary)
    if glossary_path is not None and glossary_path.is_file():
        glossary, problems = load_glossary(glossary_path)
        if any(path.resolve() == glossary_path.resolve() for path in glossary_targets):
            findings.extend(_stamp(display_path(glossary_path), problems, config))
    for path in glossary_targets:
        if glossary_path is None or path.resolve() != glossary_path.resolve():
            _, problems = load_glossary(path)
            findings.extend(_stamp(display_path(path), problems, config))

    job = _Job(list(to_load.values()), target_paths, glossary, config, today)
    findings.extend(_lint_parallel(job) if _use_processes(len(job.paths)) else _lint_serial(job))
    if check_targets:
        findings.extend(_search_checks(check_targets, job))
    if config.metrics is not None and config.metrics.exports:
        findings.extend(_metric_targets(job))
    return LintReport(files=len(targets), findings=tuple(sorted(set(findings))))


def _search_checks(check_files: list[Path], job: _Job) -> list[Finding]:
    """Rank each promised query over every SOP loaded (first of each id, in path order, as the site)."""
    from ..search.checks import RULE, load_checks, run_checks

    if job.config.rules.get(RULE) is Severity.OFF:
        return []
    sops: dict[str, Sop] = {}
    for sop_path in job.paths:  # the models stay in the lint workers: read them once more here
        sop = load_file(sop_path).sop
        if sop is not None:
            sops.setdefault(sop.id, sop)
    findings: list[Finding] = []
    for path in check_files:
        checks, unreadable = load_checks(path)
        problems = [*unreadable, *run_checks(checks, list(sops.values()))]
        findings.extend(_stamp(display_path(path), problems, job.config))
    return findings


def _metric_targets(job: _Job) -> list[Finding]:
    """``metric-target-missed``: measure the linted SOPs from the configured exports, once, together."""
    from ..metrics.engine import MetricsError
    from ..metrics.lint import RULE, export_problem, missed_targets

    config = job.config
    if config.rules.get(RULE) is Severity.OFF or config.metrics is None:
        return []
    loaded = {}
    for path in job.paths:  # the models stay in the lint workers: read the linted ones once more here
        if path in job.targets:
            item = load_file(path)
            if item.sop is not None:
                loaded[path] = item
    exports = [resolve(config, path) for path in config.metrics.exports]
    try:
        missed = missed_targets([item.sop for item in loaded.values() if item.sop is not None], exports,
                                config.metrics)
    except MetricsError as error:
        where = config.config_file
        span, message = export_problem(where, str(error))
        return _stamp(display_path(where) if where else "mkdocs.yml", [Problem(RULE, span, message)], config)
    by_path: dict[str, tuple[Sop, list[Problem]]] = {}
    for sop, problem in missed:
        by_path.setdefault(sop.path, (sop, []))[1].append(problem)
    findings: list[Finding] = []
    for path, (sop, problems) in by_path.items():
        findings.extend(_suppress(loaded[path], _stamp(path, problems, config, DocumentPaths(sop))))
    return findings


@dataclass(frozen=True, slots=True)
class _Job:
    paths: list[str]  # every SOP file to load (targets and the rest of the project)
    targets: frozenset[str]  # the ones to report on
    glossary: Glossary
    config: Config
    today: _dt.date


def _lint_serial(job: _Job) -> list[Finding]:
    loaded = [load_file(path) for path in job.paths]
    project = build_project((sop_ref(item.sop) for item in loaded if item.sop is not None), job.glossary)
    return _check_all(loaded, project, job)


def _check_all(loaded: Iterable[Loaded], project: Project, job: _Job) -> list[Finding]:
    context = LintContext(config=job.config, today=job.today, project=project)
    findings: list[Finding] = []
    for item in loaded:
        if item.path in job.targets:
            problems = [*item.problems, *_run_rules(item, context)]
            paths = DocumentPaths(item.sop) if problems and item.sop is not None else None
            findings.extend(_suppress(item, _stamp(item.path, problems, job.config, paths)))
    return findings


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 200


def _use_processes(count: int) -> bool:
    """Worker processes for big projects, forked only from a single-threaded process.

    Forking while another thread holds a lock (``csdocs serve`` watches
    files in threads) can leave the child waiting forever, so a process
    with threads lints in one process.
    """
    import multiprocessing
    import threading

    return (count >= PARALLEL_MIN_FILES and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


def _lint_parallel(job: _Job) -> list[Finding]:
    """Lint on every core: each worker loads a share of the files and keeps the models.

    Models are costly to pickle (measured: more than parsing them), so they
    never leave their worker. Workers send back small ``SopRef``s, receive
    the whole project's index, run the rules on their own share and send
    back only findings. Any failure falls back to one process.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    jobs = min(os.cpu_count() or 1, 8)
    workers = []
    try:
        for index in range(jobs):
            here, there = context.Pipe()
            process = context.Process(target=_worker, args=(there, job, job.paths[index::jobs]), daemon=True)
            process.start()
            there.close()
            workers.append((process, here))
        refs = [ref for _, conn in workers for ref in _receive(conn)]
        project = build_project(refs, job.glossary)
        for _, conn in workers:
            conn.send(project)
        findings = [finding for _, conn in workers for finding in _receive(conn)]
    except (OSError, EOFError, RuntimeError) as error:
        logger.warning("linting in one process: %s", error)
        return _lint_serial(job)
    finally:
        for process, conn in workers:
            conn.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
    return findings


def _receive(conn: Connection) -> list[Any]:
    """A worker's answer: its SOP references, then its findings."""
    message = conn.recv()
    if isinstance(message, BaseException):
        raise RuntimeError(f"a lint worker failed: {message!r}")
    return message


def _worker(conn: Connection, job: _Job, paths: list[str]) -> None:
    try:
        loaded = [load_file(path) for path in paths]
        conn.send([sop_ref(item.sop) for item in loaded if item.sop is not None])
        project = conn.recv()
        conn.send(_check_all(loaded, project, job))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which falls back to one process
        with contextlib.suppress(Exception):  # the parent is gone: nobody left to tell
            conn.send(RuntimeError(repr(error)))
    finally:
        conn.close()


def _run_rules(item: Loaded, context: LintContext) -> list[Problem]:
    if item.sop is None:
        return []
    problems: list[Problem] = []
    for rule in RULES.values():
        if rule.check is None or context.config.rules.get(rule.name) is Severity.OFF:
            continue
        for issue in rule.check(item.sop, context):
            problems.append(Problem(rule.name, issue.span, issue.message, issue.where))
    return problems


def _stamp(path: str, problems: Iterable[Problem], config: Config,
           paths: DocumentPaths | None = None) -> list[Finding]:
    """Findings with their severity from the config, and their document path: the finder's, else
    the one ``paths`` gives for the position."""
    out = []
    for problem in problems:
        severity = config.rules.get(problem.rule) or RULES[problem.rule].severity
        if severity is Severity.OFF:
            continue
        where = problem.where
        if where is None:
            where = paths.of(problem.span) if paths is not None else ""
        out.append(Finding(path, problem.span.line, problem.span.column, problem.rule, severity.value,
                           problem.message, where))
    return out


def _suppress(item: Loaded, findings: list[Finding]) -> list[Finding]:
    """Drop findings on a line that ends with ``# csdocs: disable=<rule>[,<rule>]``."""
    if not findings or "csdocs:" not in item.text:
        return findings
    disabled: dict[int, set[str]] = {}
    for number, line in enumerate(item.text.splitlines(), start=1):
        match = _SUPPRESS.search(line)
        if match:
            disabled[number] = {name.strip() for name in match.group(1).split(",") if name.strip()}
    return [f for f in findings if f.rule not in disabled.get(f.line, ()) and "all" not in disabled.get(f.line, ())]
