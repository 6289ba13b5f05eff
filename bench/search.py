"""Benchmark: agent search in the built site, measured in headless Chromium.

    .venv/bin/python bench/search.py 200 2000              # every engine at 200 and 2,000 SOPs
    .venv/bin/python bench/search.py 200 --engine csdocs   # one engine (repeatable, or a,b)
    .venv/bin/python bench/search.py 200 2000 10000 --skip lunr:10000 --timeout 60
    .venv/bin/python bench/search.py example --engine csdocs   # the 14 SOPs of sops/ (repo mkdocs.yml)

It prints figures and asserts nothing. For each size N it generates N SOPs
with bench/build.py's generator (same N, same files) in bench/out/search-N/,
builds the sites the chosen engines need, serves each site folder over a
quiet threaded HTTP server on 127.0.0.1, and drives Debian's Chromium
(/usr/bin/chromium, never a downloaded browser) through Playwright.

Engines (one function each, in ENGINES; add one by writing a function with
the same signature):

* ``lunr`` (engine_lunr): mkdocs-material's own search (lunr in a web
  worker) on bench/build.py's baseline site: plain mkdocs + material +
  search of the same content written as Markdown. Build = `mkdocs build`.
* ``pagefind`` (engine_pagefind): `python -m pagefind --site` over that same
  baseline site (`pip install 'pagefind[bin]'`; the PyPI package ships the
  binary). Measured through Pagefind's JS API in the page: after the page
  has loaded, ``await import("/pagefind/pagefind.js")`` (untimed, as its UI
  does on load), then the time from ``pf.search(q)`` to the first result's
  ``data()``. This measures the engine, not a UI: there is no typing, no
  debounce and no rendering. Pagefind matches whole words and prefixes but
  has no typo tolerance (Pagefind/pagefind#756), so typo queries find
  nothing. Build = `mkdocs build` + the pagefind run.
* ``csdocs`` (engine_csdocs): the site `csdocs build --site-dir` writes from
  the SOPs as YAML (bench/build.py's mkdocs.yml with the csdocs plugin),
  searched through whatever the site's header search currently is
  (mkdocs-material's, or a csdocs engine rendering into the same
  ``.md-search-result__list``). Its cold (empty flowchart cache) and warm
  build times are printed per SOP, to compare with bench/build.py's figures.

UI engines (lunr, csdocs), per query, in a fresh browser context (empty
cache): open the home page, wait for ``load``, click the header search box
``.md-search__input``, and type the query as a person does
(``keyboard.type(q, delay=30)``). Listeners installed with
``add_init_script`` record ``performance.now()`` at every key (keydown and
input) and, with a MutationObserver, the first ``li`` added inside
``.md-search-result__list`` after the last key. "first" is last key ->
that first rendered result. A query whose result meta says nothing matched
(text like "No matching documents") counts as answered with no hit: it is
in the ``found`` column, not in the timings. Then, on the same page, the box
is cleared and a different query typed: "second". A query that has no
answer within ``--timeout`` (60 s) prints as a timeout; after two timeouts
in a row an engine's remaining queries at that size are not run.

Caveat: results typed for a prefix may render while typing (that is the
point of search-as-you-type); only a render after the last key counts, so a
stale render of a prefix's results arriving after the last key would be
counted too (mkdocs-material re-renders on every answer, so at small N this
is the final query's answer).

Bytes: every response's size (Content-Length, which Python's http.server
always sends; the body length when it is missing), placed in time by
Playwright's request timing. "KB typing" sums responses whose request
started between the first key (for pagefind: the search call) and the first
result; "KB load" sums every response from navigation to the first result
(HTML, CSS, JS and the index: what a fresh agent's first search costs).
mkdocs-material fetches its whole index at page load, so its "KB typing" is
near 0 and its "KB load" is the real figure. Pagefind's "KB load" leaves
out the mkdocs-material search_index.json the baseline pages also fetch. Index = the search files on
disk: site/search/ (search_index.json and search/csdocs/), or pagefind/
without its UI files.

Queries (20 by default, deterministic, from the generator's WORDS and SOP
titles): whole words, two-word phrases from titles, whole titles, prefixes
(what is in the box while typing) and typos. Timings are in ms: median and
p90 over the queries that found something. "found" counts queries with any
hit; "relevant" those whose top hit highlights (``<mark>``) a word the
query means (for a typo, the word it misspells): a hit is not always an
answer (Pagefind answers a misspelt "account" with every page, for the
word "a"). "-" when the engine highlights nothing to judge by.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import importlib.util
import json
import os
import re
import shutil
import statistics
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TYPING_DELAY_MS = 30


def _load_generator():
    """bench/build.py as a module (its name would clash with the `build` package)."""
    spec = importlib.util.spec_from_file_location("bench_build", Path(__file__).with_name("build.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_build", module)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


# ----------------------------------------------------------------- queries

def _typo(text: str) -> str:
    """Swap two letters in the middle: the commonest typing slip."""
    middle = len(text) // 2
    return text[:middle - 1] + text[middle] + text[middle - 1] + text[middle + 1:]


QuerySpec = tuple[str, str, tuple[str, ...]]  # kind, what is typed, words a relevant top hit highlights


def queries(count: int, size: int) -> list[QuerySpec]:
    """(kind, query, expected words), deterministic for a given corpus size."""
    words = gen.WORDS
    numbers, seen = [], set()
    for k in range(size):  # SOPs spread over the corpus whose titles start with different phrases
        n = (k * 7919 + 3) % size
        if (gen.word(n, 1), gen.word(n, 2)) not in seen or len(seen) >= 7:
            seen.add((gen.word(n, 1), gen.word(n, 2)))
            numbers.append(n)
        if len(numbers) == 7:
            break
    numbers += [(k * 31 + 5) % size for k in range(7 - len(numbers))]  # a corpus too small for 7
    picked: list[QuerySpec] = []
    picked += [("word", w, (w,)) for w in (words[(k * 5) % len(words)] for k in range(5))]
    for n in numbers[:5]:
        a, b = gen.word(n, 1), gen.word(n, 2)
        picked.append(("phrase", f"{a} {b}", (a, b)))
    for n in numbers[5:7]:
        a, b = gen.word(n, 1), gen.word(n, 2)
        picked.append(("title", f"{a.capitalize()} {b} request {n}", (a, b)))
    picked += [("phrase", "store credit", ("store", "credit")), ("word", "postcode", ("postcode",))]
    picked += [("prefix", w[:4], (w[:4],)) for w in (words[(k * 5 + 2) % len(words)] for k in range(3))]
    picked += [("typo", _typo(w), (w,)) for w in (words[(k * 5 + 3) % len(words)] for k in range(3))]
    while len(picked) < count:  # more than 20 asked: more phrases
        n = (len(picked) * 7919 + 11) % size
        a, b = gen.word(n, 3), gen.word(n, 4)
        picked.append(("phrase", f"{a} {b}", (a, b)))
    return picked[:count]


def relevant(top_html: str | None, expect: tuple[str, ...]) -> bool | None:
    """Does the top hit highlight (<mark>) one of the words the query means? None: no highlighting to judge by.

    Catches "hits" that are not: Pagefind answers the typo "acocunt" with every
    page, highlighting the word "a".
    """
    if top_html is None:
        return None
    marks = [re.sub(r"<[^>]+>", "", m).strip().lower() for m in re.findall(r"<mark[^>]*>(.*?)</mark>", top_html, re.S)]
    marks = [m for m in marks if len(m) >= 3]
    if not re.search(r"<mark", top_html):
        return None
    return any(m.startswith(e) or e.startswith(m) for m in marks for e in expect)


EXAMPLE_QUERIES: list[QuerySpec] = [
    (kind, text, tuple(expect.split())) for kind, text, expect in (
        ("word", "chargeback", "chargeback"), ("phrase", "prepaid returns label", "prepaid returns label"),
        ("word", "refund", "refund"), ("word", "password", "password"), ("word", "invoice", "invoice"),
        ("phrase", "card dispute", "card dispute"), ("word", "warranty", "warranty"), ("word", "booking", "booking"),
        ("word", "escalate", "escalate"), ("word", "delivery", "delivery"), ("phrase", "store credit", "store credit"),
        ("word", "subscription", "subscription"), ("word", "complaint", "complaint"), ("phrase", "lost card", "lost card"),
        ("prefix", "refu", "refu"), ("prefix", "charg", "charg"), ("prefix", "passw", "passw"),
        ("typo", "refnud", "refund"), ("typo", "chrageback", "chargeback"), ("typo", "pasword", "password"))]


# ------------------------------------------------------------------ server

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",  # noqa: RUF012 - overrides the stdlib's own class attribute
                      ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, format, *args):
        pass


class Server:
    """The site folder over HTTP on 127.0.0.1 (a free port), in a thread."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.socket.listen(128)  # the stdlib's backlog of 5 resets connections on a busy machine
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ------------------------------------------------------------ measurement

# Installed in every page before its own scripts: key times, and the first
# result rendered after the last key (or the meta saying nothing matched).
INIT_SCRIPT = r"""
(() => {
  const b = window.__bench = {armed: false, firstKey: null, lastKey: null, result: null, empty: null, keys: 0};
  window.__benchReset = () => {
    b.firstKey = null; b.lastKey = null; b.result = null; b.empty = null; b.keys = 0;
  };
  const key = () => {
    if (!b.armed) return;
    const now = performance.now();
    if (b.firstKey === null) b.firstKey = now;
    b.lastKey = now; b.keys += 1; b.result = null; b.empty = null;
  };
  document.addEventListener("keydown", key, true);
  document.addEventListener("input", key, true);
  const inList = (node) => {
    const element = node.nodeType === 1 ? node : node.parentElement;
    return element && element.closest && element.closest(".md-search-result__list");
  };
  const observer = new MutationObserver((records) => {
    if (!b.armed || b.lastKey === null || b.result !== null) return;
    const now = performance.now();
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (inList(node) && document.querySelector(".md-search-result__list li")) { b.result = now; return; }
      }
    }
    if (b.empty === null && !document.querySelector(".md-search-result__list li")) {
      const meta = document.querySelector(".md-search-result__meta");
      const touched = records.some((r) => meta && (r.target === meta || meta.contains(r.target)));
      if (touched && /\bno\b|nothing|^\s*0\b/i.test(meta.textContent)) b.empty = now;
    }
  });
  const start = () => observer.observe(document.documentElement,
                                       {childList: true, subtree: true, characterData: true});
  if (document.documentElement) start(); else document.addEventListener("readystatechange", start, {once: true});
})();
"""


class Responses:
    """Every response of a page: (request start, epoch ms), size in bytes, URL."""

    def __init__(self, page) -> None:
        self.items: list[tuple[float, int, str]] = []
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        try:
            length = response.headers.get("content-length")
            size = int(length) if length is not None else len(response.body())
        except Exception:  # noqa: BLE001 - a body that went away (redirect, aborted)
            size = 0
        self.items.append((response.request.timing["startTime"], size, response.url))

    def between(self, start_epoch_ms: float, end_epoch_ms: float, leave_out: str | None = None) -> int:
        return sum(size for started, size, url in self.items
                   if start_epoch_ms - 1 <= started <= end_epoch_ms and not (leave_out and leave_out in url))


@dataclass
class Query:
    kind: str
    text: str
    first_ms: float | None = None     # None: no hit or timeout
    second_ms: float | None = None
    found: bool = False
    relevant: bool | None = None      # the top hit highlights a word the query means (None: cannot tell)
    top: str = ""                     # the top hit's text, shortened
    second_found: bool = False
    timeout: bool = False
    bytes_typing: int | None = None
    bytes_load: int | None = None
    second_text: str = ""


@dataclass
class Result:
    engine: str
    size: int | str
    build_s: float
    index_bytes: int
    queries: list[Query] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _wait_answer(page, timeout_ms: float) -> dict | None:
    try:
        page.wait_for_function("() => __bench.result !== null || __bench.empty !== null", timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError
        return None
    return page.evaluate("() => ({...__bench, origin: performance.timeOrigin})")


def _type_and_time(page, query: str, timeout_ms: float) -> tuple[dict | None, float]:
    """Type the query into the header search box; the page's record of it, and the epoch ms typing began."""
    page.evaluate("() => { __benchReset(); __bench.armed = true; }")
    started = page.evaluate("() => performance.timeOrigin + performance.now()")
    page.keyboard.type(query, delay=TYPING_DELAY_MS)
    state = _wait_answer(page, timeout_ms)
    page.evaluate("() => { __bench.armed = false; }")
    return state, started


def measure_ui(browser, base_url: str, picked: list[QuerySpec], timeout_s: float, label: str) -> list[Query]:
    """The header search box as an agent uses it: fresh page, type, first result; then a second query."""
    out: list[Query] = []
    timeouts_in_a_row = 0
    for index, (kind, text, expect) in enumerate(picked):
        second_text = picked[(index + 7) % len(picked)][1]
        query = Query(kind, text, second_text=second_text)
        out.append(query)
        if timeouts_in_a_row >= 2:
            query.timeout = True
            continue
        context = browser.new_context()
        try:
            page = context.new_page()
            page.add_init_script(INIT_SCRIPT)
            responses = Responses(page)
            page.goto(base_url, wait_until="load")
            nav_start = page.evaluate("() => performance.timeOrigin")
            box = page.locator("input.md-search__input")
            box.click()
            state, started = _type_and_time(page, text, timeout_s * 1000)
            page.evaluate("1")  # let pending response events reach Python
            if state is None:
                query.timeout = True
                timeouts_in_a_row += 1
                print(f"  {label}: {text!r} timeout", file=sys.stderr, flush=True)
                continue
            timeouts_in_a_row = 0
            answer = state["result"] if state["result"] is not None else state["empty"]
            end_epoch = state["origin"] + answer
            query.found = state["result"] is not None
            query.first_ms = answer - state["lastKey"] if query.found else None
            query.bytes_typing = responses.between(started, end_epoch)
            query.bytes_load = responses.between(nav_start, end_epoch)
            if query.found:
                top = page.evaluate("() => { const li = document.querySelector('.md-search-result__list li');"
                                    " return li ? li.innerHTML : null; }")
                query.relevant = relevant(top, expect)
                query.top = _text(top)
            # the second query, on the same page: clear the box, wait until the old results are gone
            page.keyboard.press("Control+A")
            page.keyboard.press("Backspace")
            with contextlib.suppress(Exception):  # an engine that keeps old results: measure anyway
                page.wait_for_function("() => !document.querySelector('.md-search-result__list li')", timeout=5_000)
            state, _ = _type_and_time(page, second_text, timeout_s * 1000)
            if state is not None and state["result"] is not None:
                query.second_found = True
                query.second_ms = state["result"] - state["lastKey"]
            print(f"  {label}: {text!r} first {_ms(query.first_ms, query)}, "
                  f"second {second_text!r} {_ms(query.second_ms, None)}", file=sys.stderr, flush=True)
        finally:
            context.close()
    return out


PAGEFIND_SEARCH = """
async (q) => {
  const pf = window.__pf;
  const t0 = performance.now();
  const search = await pf.search(q);
  const hits = search && search.results ? search.results.length : 0;
  let top = null;
  if (hits) { const data = await search.results[0].data(); top = ((data.meta && data.meta.title) || "") + " " + data.excerpt; }
  const t1 = performance.now();
  return {start: performance.timeOrigin + t0, end: performance.timeOrigin + t1, ms: t1 - t0, hits, top};
}
"""


def measure_pagefind(browser, base_url: str, picked: list[QuerySpec], timeout_s: float) -> list[Query]:
    out: list[Query] = []
    for index, (kind, text, expect) in enumerate(picked):
        second_text = picked[(index + 7) % len(picked)][1]
        query = Query(kind, text, second_text=second_text)
        out.append(query)
        context = browser.new_context()
        context.set_default_timeout(timeout_s * 1000)
        try:
            page = context.new_page()
            responses = Responses(page)
            page.goto(base_url, wait_until="load")
            nav_start = page.evaluate("() => performance.timeOrigin")
            page.evaluate("async () => { window.__pf = await import('/pagefind/pagefind.js'); }")
            try:
                first = page.evaluate(PAGEFIND_SEARCH, text)
            except Exception:  # noqa: BLE001 - timeout
                query.timeout = True
                continue
            page.evaluate("1")
            query.found = first["hits"] > 0
            query.first_ms = first["ms"] if query.found else None
            if query.found:
                query.relevant = relevant(first["top"], expect)
                query.top = _text(first["top"])
            query.bytes_typing = responses.between(first["start"], first["end"])
            # the baseline pages still load mkdocs-material's own index: not Pagefind's cost
            query.bytes_load = responses.between(nav_start, first["end"], leave_out="search_index.json")
            second = page.evaluate(PAGEFIND_SEARCH, second_text)
            query.second_found = second["hits"] > 0
            query.second_ms = second["ms"] if query.second_found else None
            print(f"  pagefind: {text!r} first {_ms(query.first_ms, query)} ({first['hits']} hits), "
                  f"second {second_text!r} {_ms(query.second_ms, None)}", file=sys.stderr, flush=True)
        finally:
            context.close()
    return out


def _text(html: str | None) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html or "").split())[:100]


def _ms(value: float | None, query: Query | None) -> str:
    if value is not None:
        return f"{value:.0f} ms"
    return "timeout" if query is not None and query.timeout else "no hit"


# ------------------------------------------------------------------ builds

def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUTF8": "1"}


def _timed(command: list[str], cwd: Path) -> float:
    return gen.timed(command, cwd)


def folder_bytes(folder: Path, skip: Callable[[Path], bool] = lambda path: False) -> int:
    if not folder.exists():
        return 0
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not skip(path))


@dataclass
class Corpus:
    """One size's generated files, and the sites built from them (each built once, when first needed)."""

    size: int | str
    folder: Path
    queries: list[QuerySpec]
    baseline_build_s: float | None = None
    pagefind_s: float | None = None

    @property
    def project(self) -> Path:
        return self.folder / "csdocs"

    @property
    def baseline(self) -> Path:
        return self.folder / "baseline"

    def baseline_site(self) -> Path:
        """bench/build.py's baseline: the same SOPs as Markdown, plain mkdocs + material + search."""
        if self.baseline_build_s is None:
            if self.size == "example":
                raise SystemExit("the example corpus is for the csdocs engine only (--engine csdocs)")
            print(f"  baseline: generating and building {self.size} Markdown pages...", file=sys.stderr, flush=True)
            gen.generate_baseline(self.baseline, self.project)
            self.baseline_build_s = _timed([sys.executable, "-m", "mkdocs", "build", "-q"], self.baseline)
        return self.baseline / "site"


def prepare(size: int | str, query_count: int) -> Corpus:
    folder = OUT / f"search-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    project = folder / "csdocs"
    if size == "example":
        project.mkdir(parents=True)
        shutil.copytree(ROOT / "sops", project / "sops")
        shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        picked = EXAMPLE_QUERIES[:query_count]
    else:
        gen.generate(project, size)
        picked = queries(query_count, size)
    return Corpus(size, folder, picked)


# ----------------------------------------------------------------- engines

def engine_lunr(corpus: Corpus, browser, timeout_s: float) -> Result:
    """mkdocs-material's search (lunr in a web worker) on the plain-MkDocs baseline site."""
    site = corpus.baseline_site()
    result = Result("lunr", corpus.size, corpus.baseline_build_s, folder_bytes(site / "search"))
    with Server(site) as server:
        result.queries = measure_ui(browser, server.url, corpus.queries, timeout_s, "lunr")
    return result


def _pagefind_ui_file(path: Path) -> bool:
    return "-ui" in path.name or "component" in path.name or "highlight" in path.name


def engine_pagefind(corpus: Corpus, browser, timeout_s: float) -> Result:
    """Pagefind's engine (JS API, no UI) over the same baseline site."""
    site = corpus.baseline_site()
    if corpus.pagefind_s is None:
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        corpus.pagefind_s = _timed([sys.executable, "-m", "pagefind", "--site", str(site), "--silent"], corpus.baseline)
    result = Result("pagefind", corpus.size, corpus.baseline_build_s + corpus.pagefind_s,
                    folder_bytes(site / "pagefind", _pagefind_ui_file))
    result.notes.append(f"build = mkdocs {corpus.baseline_build_s:.1f} s + pagefind {corpus.pagefind_s:.1f} s; "
                        "engine via JS API, no UI; no typo tolerance")
    with Server(site) as server:
        result.queries = measure_pagefind(browser, server.url, corpus.queries, timeout_s)
    return result


def engine_csdocs(corpus: Corpus, browser, timeout_s: float) -> Result:
    """The csdocs site as `csdocs build` writes it, searched through its header search box."""
    project, site = corpus.project, corpus.folder / "csdocs-site"
    csdocs = str(Path(sys.executable).with_name("csdocs"))
    command = [csdocs, "build", "-q", "--site-dir", str(site)]
    shutil.rmtree(project / ".csdocs-cache", ignore_errors=True)
    print(f"  csdocs: building {corpus.size} SOPs (cold, then warm)...", file=sys.stderr, flush=True)
    cold = _timed(command, project)
    warm = _timed(command, project)
    search = site / "search"
    result = Result("csdocs", corpus.size, warm, folder_bytes(search))
    count = len(list((project / "sops").rglob("*.yaml")))
    if corpus.size == "example":
        count -= 1  # glossary.yaml
    result.extra = {"cold_s": cold, "warm_s": warm, "cold_ms_per_sop": cold / count * 1000,
                    "warm_ms_per_sop": warm / count * 1000,
                    "search_files": sorted(str(p.relative_to(site)) for p in search.rglob("*") if p.is_file())[:20]}
    kinds = "csdocs engine (search/csdocs/)" if (search / "csdocs").exists() else "mkdocs-material lunr"
    result.notes.append(f"build = warm csdocs build; cold {cold:.1f} s ({result.extra['cold_ms_per_sop']:.1f} ms/SOP), "
                        f"warm {warm:.1f} s ({result.extra['warm_ms_per_sop']:.1f} ms/SOP); site search: {kinds}")
    with Server(site) as server:
        result.queries = measure_ui(browser, server.url, corpus.queries, timeout_s, "csdocs")
    return result


ENGINES: dict[str, Callable[[Corpus, object, float], Result]] = {
    "lunr": engine_lunr,
    "pagefind": engine_pagefind,
    "csdocs": engine_csdocs,
}


# ------------------------------------------------------------------ report

def _pct(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _fmt(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.0f}{unit}"


HEADER = (f"{'engine':<9} {'N':>6} {'build s':>8} {'index KB':>9} {'found':>6} {'t/o':>4} "
          f"{'relevant':>8} {'first med':>9} {'first p90':>9} {'2nd med':>8} {'2nd p90':>8} {'KB typing':>9} {'KB load':>8}")


def summary(result: Result) -> dict:
    ran = [q for q in result.queries if not q.timeout]
    firsts = [q.first_ms for q in ran if q.first_ms is not None]
    seconds = [q.second_ms for q in ran if q.second_ms is not None]
    typing = [q.bytes_typing for q in ran if q.bytes_typing is not None]
    load = [q.bytes_load for q in ran if q.bytes_load is not None]
    return {
        "engine": result.engine, "sops": result.size, "build_s": result.build_s,
        "index_kb": result.index_bytes / 1024, "queries": len(result.queries),
        "found": sum(q.found for q in ran),
        "relevant": sum(q.relevant is True for q in ran) if any(q.relevant is not None for q in ran) else None,
        "timeouts": sum(q.timeout for q in result.queries),
        "first_ms_median": statistics.median(firsts) if firsts else None, "first_ms_p90": _pct(firsts, 0.9),
        "second_ms_median": statistics.median(seconds) if seconds else None, "second_ms_p90": _pct(seconds, 0.9),
        "kb_typing_median": statistics.median(typing) / 1024 if typing else None,
        "kb_load_median": statistics.median(load) / 1024 if load else None,
        "notes": result.notes, **result.extra,
        "per_query": [{"kind": q.kind, "query": q.text, "first_ms": q.first_ms, "found": q.found,
                       "relevant": q.relevant, "top": q.top,
                       "timeout": q.timeout, "second": q.second_text, "second_ms": q.second_ms,
                       "bytes_typing": q.bytes_typing, "bytes_load": q.bytes_load} for q in result.queries],
    }


def row(s: dict) -> str:
    return (f"{s['engine']:<9} {s['sops']!s:>6} {s['build_s']:>8.1f} {s['index_kb']:>9.0f} "
            f"{s['found']:>3}/{s['queries']:<2} {s['timeouts']:>4} "
            f"{'-' if s['relevant'] is None else s['relevant']:>8} "
            f"{_fmt(s['first_ms_median']):>9} {_fmt(s['first_ms_p90']):>9} "
            f"{_fmt(s['second_ms_median']):>8} {_fmt(s['second_ms_p90']):>8} "
            f"{_fmt(s['kb_typing_median']):>9} {_fmt(s['kb_load_median']):>8}")


# -------------------------------------------------------------------- main

def _size(text: str) -> int | str:
    return text if text == "example" else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:7]))
    parser.add_argument("sizes", nargs="*", type=_size, default=[200],
                        help="corpus sizes (SOP counts), or 'example' for sops/ (default: 200)")
    parser.add_argument("--engine", action="append",
                        help=f"engines to measure, repeatable or comma-separated: {', '.join(ENGINES)} (default: all)")
    parser.add_argument("--skip", action="append", default=[], metavar="ENGINE:N",
                        help="leave out one engine at one size, e.g. lunr:10000 (repeatable)")
    parser.add_argument("--queries", type=int, default=20, help="queries per size (default 20)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per query before 'timeout' (default 60)")
    parser.add_argument("--json", action="store_true", help="also print every figure, per query, as JSON")
    args = parser.parse_args()
    engines = [name.strip() for value in (args.engine or [",".join(ENGINES)]) for name in value.split(",") if name]
    unknown = [name for name in engines if name not in ENGINES]
    if unknown:
        parser.error(f"unknown engine {', '.join(unknown)} (known: {', '.join(ENGINES)})")
    # csdocs first: its cold build must not find the flowcharts the baseline drew
    engines.sort(key=lambda name: name != "csdocs")
    skipped = {tuple(item.split(":", 1)) for item in args.skip}

    from playwright.sync_api import sync_playwright

    summaries = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size in args.sizes:
                print(f"generating {size} SOPs in bench/out/search-{size}/...", file=sys.stderr, flush=True)
                corpus = prepare(size, args.queries)
                for name in engines:
                    if (name, str(size)) in skipped:
                        print(f"  {name} at {size}: skipped", file=sys.stderr, flush=True)
                        continue
                    summaries.append(summary(ENGINES[name](corpus, browser, args.timeout)))
                    print(row(summaries[-1]), file=sys.stderr, flush=True)
        finally:
            browser.close()

    print(f"search in headless Chromium; {args.queries} queries per size; times in ms "
          f"(first: fresh page, last key -> first result; 2nd: another query on the same page)")
    print(HEADER)
    for s in summaries:
        print(row(s))
    for s in summaries:
        for note in s["notes"]:
            print(f"  {s['engine']} {s['sops']}: {note}")
    if args.json:
        print(json.dumps(summaries, indent=2))


if __name__ == "__main__":
    main()
