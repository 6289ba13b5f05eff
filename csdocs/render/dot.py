"""Graphviz: the flowchart written as DOT text, and the one wrapper around the ``dot`` binary.

DOT text (:func:`to_dot`): the chart from :func:`csdocs.render.flowchart.build`
is plain data; this module alone quotes it for DOT. Every value goes into a
*quoted* DOT string with backslashes and quotes escaped and ``&`` written as
``&amp;`` (Graphviz passes entities through to the SVG); line breaks are ours
(``\\n``); no HTML-like ``<...>`` label is ever built; node names are the
chart's (``s0``, ``e1``...). So no SOP text can end a string, add an
attribute, or make a link.

The ``dot`` binary: cached, batched, parallel, bounded.

Why plain :mod:`subprocess` and not the ``graphviz`` Python package: the
package runs one ``dot`` process per graph, and start-up is most of the cost
of a small flowchart (~18 ms of ~23 ms). Here one ``dot`` process renders a
whole batch: the graphs are concatenated into one input, ``dot -Tsvg`` writes
one SVG document per graph, and the output is split where each document
starts (``<?xml``; PNG files are split by walking their chunks). If a batch
fails (one bad graph stops ``dot``), each of its graphs is rendered alone so
one bad graph only fails itself. Batches run in parallel, one per core.

Every render is cached under ``cache_dir`` by a hash of the DOT text, the
format and the ``dot`` version, so an unchanged SOP never runs ``dot`` again;
entries are written to a temporary file and renamed, so a crash or a
parallel build never leaves half a file. A ``dot`` that runs past the timeout
is killed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Literal, overload

from ..config import Config
from ..errors import CsdocsError, ExitCode
from ..files import replace_atomically
from ..model import Sop
from .flowchart import ChartEdge, Flowchart, Lanes, Node, SopUrl, build
from .text import clip_text, tidy, wrap

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------
# DOT text


def quote(text: str) -> str:
    """A DOT quoted string holding ``text`` literally (it is never read as an escape or entity)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + text + '"'


def label(lines: Iterable[str]) -> str:
    """Lines of tidy text as one quoted, centred DOT label: our ``\\n`` breaks, the author's none."""
    escaped = [quote(line)[1:-1] for line in lines]
    return '"' + "\\n".join(escaped) + '"'


def graph_name(sop: Sop) -> str:
    """The SVG's <title>: the SOP's title with only plain characters (Graphviz also
    writes it into an XML comment, where ``--`` would break the file)."""
    text = re.sub(r"[^\w .,:;'()!?/+]", " ", tidy(sop.title) or sop.id)
    return "Flowchart: " + (clip_text(re.sub(r" +", " ", text).strip(), 80) or "SOP")


# Each kind's look, attribute by attribute in the order written (the golden files pin the bytes).
# {fill} and {classes} are the node's, quoted here.
_NODE_STYLE: dict[str, tuple[tuple[str, str], ...]] = {
    "start": (("shape", "oval"), ("style", "filled"), ("fillcolor", "{fill}"), ("fontcolor", "white"),
              ("class", "{classes}")),
    "decision": (("shape", "diamond"), ("style", '"filled"'), ("fillcolor", "{fill}"), ("class", "{classes}")),
    "action": (("shape", "box"), ("style", "{style}"), ("fillcolor", "{fill}"), ("class", "{classes}")),
    "escalation": (("shape", "hexagon"), ("margin", '"0.02,0.04"'), ("style", '"filled"'), ("fillcolor", "{fill}"),
                   ("class", "{classes}")),
    "goto": (("shape", "cds"), ("style", '"filled"'), ("fillcolor", "{fill}"), ("class", "{classes}")),
    "outcome": (("shape", "oval"), ("style", '"filled"'), ("fillcolor", "{fill}"), ("peripheries", "2"),
                ("class", "{classes}")),
    "unknown": (("shape", "box"), ("style", '"dashed"'), ("color", '"#c62828"'), ("fontcolor", '"#c62828"'),
                ("class", "{classes}")),
}
_EDGE_STYLE: dict[str, tuple[tuple[str, str], ...]] = {
    "escalate": (("color", '"#e65100"'), ("penwidth", "1.5")),
    "goto": (("style", "dashed"),),
    "continue": (("style", "bold"),),
}
_IMPLICIT = (("color", '"#607d8b"'),)  # the fall-through to the step below, the end after the last step


def _node_attrs(node: Node) -> list[tuple[str, str]]:
    values = {"{fill}": quote(node.fill or "#ffffff"), "{classes}": quote(" ".join(node.classes)),
              "{style}": quote("rounded,filled,dashed" if node.dashed else "rounded,filled")}
    attrs = [("id", quote(node.svg_id)), ("label", label(node.lines))]
    attrs += [(key, values.get(value, value)) for key, value in _NODE_STYLE[node.kind]]
    if node.tooltip:
        attrs.append(("tooltip", quote(node.tooltip)))
    if node.url:
        attrs += [("URL", quote(node.url)), ("target", '"_top"'), ("fontcolor", '"#1a237e"')]
    return attrs


def _node_line(node: Node, indent: str) -> str:
    return f"{indent}{node.name} [" + ", ".join(f"{key}={value}" for key, value in _node_attrs(node)) + "];"


def _edge_line(number: int, edge: ChartEdge) -> str:
    attrs = [("id", quote(f"edge-{number}"))]
    if edge.kind != "start":  # the arrow from Start carries nothing but its id
        if edge.lines is not None:
            attrs.append(("label", label(edge.lines)))
        attrs += _EDGE_STYLE.get(edge.kind, _IMPLICIT if edge.implicit else ())
        attrs.append(("class", quote(f"edge-{edge.kind}")))
    return f"  {edge.tail} -> {edge.head} [" + ", ".join(f"{key}={value}" for key, value in attrs) + "];"


def write_dot(chart: Flowchart, title: str) -> str:
    """DOT text of a chart built by :func:`csdocs.render.flowchart.build`; ``title`` is the graph's name."""
    out = [
        f"digraph {quote(title)} {{",
        '  graph [rankdir=TB, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.4, '
        'newrank=true, id="flowchart", class="csdocs-flowchart"];',
        '  node [fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
        '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.8];',
        _node_line(chart.start, "  "),
    ]
    by_name = {node.name: node for node in chart.steps}
    if chart.lanes:
        placed: set[str] = set()
        for position, (title_text, names) in enumerate(chart.lanes, start=1):
            if not title_text:
                continue
            out.append(f"  subgraph cluster_lane_{position} {{")
            out.append(f"    graph [label={label(wrap(title_text, 40, limit=60))}, style=\"rounded,filled\", "
                       f"fillcolor=\"#f5f5f5\", color=\"#bdbdbd\", labeljust=l, id={quote(f'lane-{position}')}, "
                       'class="lane"];')
            out.extend(_node_line(by_name[name], "    ") for name in names)
            placed.update(names)
            out.append("  }")
        out.extend(_node_line(node, "  ") for node in chart.steps if node.name not in placed)
    else:
        out.extend(_node_line(node, "  ") for node in chart.steps)
    out.extend(_node_line(node, "  ") for node in chart.escalations)
    if chart.standing:
        out.append("  subgraph cluster_standing {")
        out.append('    graph [label="Standing triggers (any step)", style="dashed", color="#9e9e9e", '
                   'labeljust=l, id="standing", class="standing"];')
        out.extend(_node_line(node, "    ") for node in chart.standing)
        out.append("  }")
    out.extend(_node_line(node, "  ") for node in (*chart.links, *chart.outcomes, *chart.unknown))
    out.extend(_edge_line(number, edge) for number, edge in enumerate(chart.edges, start=1))
    out.append("}")
    return "\n".join(out) + "\n"


def to_dot(sop: Sop, *, sop_url: SopUrl | None = None, lanes: Lanes | None = None,
           config: Config | None = None) -> str:
    """The DOT text of ``sop``'s flowchart (pure; same SOP, same bytes).

    ``sop_url(sop_id, step_id_or_None)`` gives the link of a ``goto`` node
    (the site supplies it); ``lanes`` groups steps into ``stage`` or
    ``actor`` swimlanes; ``config`` gives the tier order for colours.
    """
    return write_dot(build(sop, sop_url=sop_url, lanes=lanes, config=config), graph_name(sop))


# --------------------------------------------------------------------------
# the dot binary

FORMATS = {"svg": "svg", "png": "png"}  # format -> cache file suffix
DEFAULT_TIMEOUT = 30.0  # seconds for one graph; a batch gets this plus a share per extra graph
BATCH_EXTRA = 0.5  # seconds per extra graph in a batch (a 12-step chart takes ~3 ms)
MAX_BATCH = 400  # graphs per dot process: bounds memory and the cost of a fallback
CACHE_SUBDIR = "render"
DOT_ENV = "CSDOCS_DOT"  # the dot binary to run, when it is not the one on PATH
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PAGE_PREFIX = re.compile(r'<g id="page\d+,\d+_')

INSTALL_HINT = (
    "Graphviz's `dot` program is not installed (or not on PATH); csdocs needs it to draw flowcharts.\n"
    "Install Graphviz:\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  Fedora:         sudo dnf install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  Windows:        winget install graphviz   (or: choco install graphviz)\n"
    f"or set {DOT_ENV} to the path of `dot`."
)


class DotError(CsdocsError):
    """Base of the errors of this module (exit 1: dot could not draw)."""


class DotNotFound(DotError):
    """The ``dot`` binary is missing: the message says how to install it (exit 2, a setup problem)."""

    exit_code = ExitCode.USAGE

    def __init__(self, detail: str = "") -> None:
        super().__init__(INSTALL_HINT + (f"\n({detail})" if detail else ""))


class DotFailed(DotError):
    """``dot`` refused a graph, crashed or ran out of time.

    ``failures`` holds ``(index, message)`` for each graph that failed;
    ``results`` the outputs of the others (None where a graph failed), so a
    caller can still publish the good ones.
    """

    def __init__(self, failures: Sequence[tuple[int, str]], results: Sequence[str | bytes | None] = ()) -> None:
        first_index, first = failures[0]
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        super().__init__(f"dot failed on graph {first_index + 1}: {first}{more}")
        self.failures = tuple(failures)
        self.results = tuple(results)


class DotTimeout(DotFailed):
    """``dot`` ran past the timeout and was killed."""


# --------------------------------------------------------------------------
# the binary


def dot_binary() -> str:
    """The path of ``dot``: ``$CSDOCS_DOT`` or the one on PATH; DotNotFound if neither."""
    chosen = os.environ.get(DOT_ENV) or "dot"
    found = shutil.which(chosen)
    if found is None:
        raise DotNotFound(f"looked for {chosen!r}")
    return found


@lru_cache(maxsize=8)
def _version_of(binary: str, mtime_ns: int) -> str:
    try:
        done = subprocess.run([binary, "-V"], capture_output=True, timeout=DEFAULT_TIMEOUT, check=False)
    except FileNotFoundError as error:
        raise DotNotFound(str(error)) from None
    except subprocess.TimeoutExpired:
        raise DotTimeout([(0, f"`{binary} -V` did not answer in {DEFAULT_TIMEOUT:.0f} s")]) from None
    text = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
    if done.returncode != 0 or "graphviz" not in text.lower():
        raise DotNotFound(f"{binary} -V said: {text[:120]!r}")
    return text


def dot_version(binary: str | None = None) -> str:
    """``"dot - graphviz version 2.43.0 (0)"``, asked once per binary per process."""
    binary = binary or dot_binary()
    try:
        mtime = os.stat(binary).st_mtime_ns
    except OSError as error:
        raise DotNotFound(str(error)) from None
    return _version_of(binary, mtime)


# --------------------------------------------------------------------------
# cache


def cache_key(dot_text: str, fmt: str, version: str) -> str:
    digest = hashlib.sha256()
    for part in (version, fmt, dot_text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _cache_path(cache_dir: Path, key: str, fmt: str) -> Path:
    return cache_dir / CACHE_SUBDIR / key[:2] / f"{key}.{FORMATS[fmt]}"


def _read_cached(path: Path, fmt: str) -> str | bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if fmt == "svg":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None  # a damaged entry is rendered again
    return data


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    try:
        replace_atomically(path, data)
    except OSError as error:  # a read-only cache slows the next run down; it never fails this one
        log.warning("cannot write the render cache %s: %s", path, error)


# --------------------------------------------------------------------------
# running dot


def _run(binary: str, fmt: str, dot_input: str, timeout: float) -> tuple[int, bytes, str]:
    """Run dot once; (return code, stdout, stderr). TimeoutExpired kills it (subprocess.run does)."""
    done = subprocess.run([binary, f"-T{fmt}"], input=dot_input.encode("utf-8", "surrogatepass"),
                          capture_output=True, timeout=timeout, check=False)
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace").strip()


def split_svg(output: bytes) -> list[str]:
    """One string per SVG document in ``dot -Tsvg`` output over many graphs.

    Each document starts with ``<?xml``; SOP text can never hold that
    sequence in the SVG, since Graphviz writes ``<`` in text as ``&lt;``.
    """
    text = output.decode("utf-8")
    parts = text.split("<?xml")
    if parts[0].strip():
        raise ValueError("dot output does not start with an SVG document")
    # After the first graph, dot prefixes the graph's own <g id> with its page ("page0,1_flowchart");
    # the graph's <g> is the first in the document, before any SOP text, so only it is touched.
    return [_PAGE_PREFIX.sub('<g id="', "<?xml" + part, count=1) for part in parts[1:]]


def split_png(output: bytes) -> list[bytes]:
    """One PNG per file in concatenated ``dot -Tpng`` output, found by walking the chunks."""
    files = []
    position = 0
    while position < len(output):
        if output[position:position + 8] != PNG_SIGNATURE:
            raise ValueError(f"no PNG signature at byte {position}")
        cursor = position + 8
        while True:
            if cursor + 8 > len(output):
                raise ValueError("truncated PNG")
            length = int.from_bytes(output[cursor:cursor + 4], "big")
            kind = output[cursor + 4:cursor + 8]
            cursor += 12 + length
            if kind == b"IEND":
                break
        files.append(output[position:cursor])
        position = cursor
    return files


def _split(output: bytes, fmt: str) -> list[str] | list[bytes]:
    return split_svg(output) if fmt == "svg" else split_png(output)


def _render_one(binary: str, fmt: str, dot_text: str, timeout: float) -> str | bytes:
    try:
        code, out, err = _run(binary, fmt, dot_text, timeout)
    except subprocess.TimeoutExpired:
        raise DotTimeout([(0, f"killed after {timeout:g} s")]) from None
    except FileNotFoundError as error:
        raise DotNotFound(str(error)) from None
    if code != 0 or not out:
        raise DotFailed([(0, _first_line(err) or f"exit status {code}")])
    parts = _split(out, fmt)
    if len(parts) != 1:
        raise DotFailed([(0, f"expected one {fmt} document, dot wrote {len(parts)}")])
    return parts[0]


def _first_line(message: str) -> str:
    lines = [line for line in message.splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def _render_batch(binary: str, fmt: str, texts: Sequence[str], timeout: float
                  ) -> list[str | bytes | DotFailed]:
    """Render ``texts`` with one dot process; on any trouble, one process per graph."""
    if len(texts) > 1:
        batch_timeout = timeout + BATCH_EXTRA * (len(texts) - 1)
        try:
            code, out, err = _run(binary, fmt, "\n".join(texts), batch_timeout)
            if code == 0:
                parts = _split(out, fmt)
                if len(parts) == len(texts):
                    return list(parts)
                log.info("dot wrote %d documents for %d graphs; rendering one by one", len(parts), len(texts))
            else:
                log.info("a dot batch of %d graphs failed (%s); rendering one by one", len(texts),
                         _first_line(err))
        except subprocess.TimeoutExpired:
            log.info("a dot batch of %d graphs timed out; rendering one by one", len(texts))
        except (ValueError, UnicodeDecodeError) as error:
            log.info("cannot split dot's output (%s); rendering one by one", error)
    results: list[str | bytes | DotFailed] = []
    for text in texts:
        try:
            results.append(_render_one(binary, fmt, text, timeout))
        except DotFailed as failed:
            results.append(failed)
    return results


def _batches(count: int, jobs: int) -> list[range]:
    """Contiguous, balanced ranges: one per worker, none over MAX_BATCH graphs."""
    parts = max(min(jobs, count), -(-count // MAX_BATCH))
    size, extra = divmod(count, parts)
    out, start = [], 0
    for index in range(parts):
        stop = start + size + (1 if index < extra else 0)
        out.append(range(start, stop))
        start = stop
    return out


@overload
def render_many(dot_texts: Sequence[str], *, fmt: Literal["svg"] = ..., cache_dir: str | Path | None = ...,
                jobs: int | None = ..., timeout: float = ...) -> list[str]: ...
@overload
def render_many(dot_texts: Sequence[str], *, fmt: Literal["png"], cache_dir: str | Path | None = ...,
                jobs: int | None = ..., timeout: float = ...) -> list[bytes]: ...
@overload
def render_many(dot_texts: Sequence[str], *, fmt: str, cache_dir: str | Path | None = ...,
                jobs: int | None = ..., timeout: float = ...) -> list[str | bytes]: ...
def render_many(dot_texts: Sequence[str], *, fmt: str = "svg", cache_dir: str | Path | None = None,
                jobs: int | None = None, timeout: float = DEFAULT_TIMEOUT
                ) -> list[str] | list[bytes] | list[str | bytes]:
    """Render every DOT text to ``fmt`` (``svg`` -> str, ``png`` -> bytes), in input order.

    Cached graphs are read back; identical texts are rendered once; the rest
    run in batches on ``jobs`` parallel dot processes (default: every core).
    Raises DotNotFound, or DotFailed listing the graphs that failed (after
    rendering and caching all the others).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if not dot_texts:
        return []
    binary = dot_binary()
    version = dot_version(binary)
    cache = Path(cache_dir) if cache_dir is not None else None
    keys = [cache_key(text, fmt, version) for text in dot_texts]
    results: dict[str, str | bytes] = {}
    missing: dict[str, str] = {}  # key -> text, first occurrence order
    for key, text in zip(keys, dot_texts, strict=True):
        if key in results or key in missing:
            continue
        cached = _read_cached(_cache_path(cache, key, fmt), fmt) if cache is not None else None
        if cached is not None:
            results[key] = cached
        else:
            missing[key] = text
    failures: dict[str, str] = {}
    if missing:
        todo_keys = list(missing)
        todo_texts = [missing[key] for key in todo_keys]
        workers = max(1, jobs or os.cpu_count() or 1)
        ranges = _batches(len(todo_texts), workers)
        log.debug("rendering %d graphs (%d cached) in %d dot processes", len(todo_texts), len(results),
                  len(ranges))
        def render_and_store(batch: range) -> list[str | bytes | DotFailed]:
            # each worker caches its own batch, so a slow disk overlaps with the other workers' dot
            outputs = _render_batch(binary, fmt, todo_texts[batch.start:batch.stop], timeout)
            if cache is not None:
                for index, output in zip(batch, outputs, strict=True):
                    if not isinstance(output, DotFailed):
                        data = output.encode("utf-8") if isinstance(output, str) else output
                        _write_atomic(_cache_path(cache, todo_keys[index], fmt), data)
            return outputs

        with ThreadPoolExecutor(max_workers=min(workers, len(ranges))) as pool:
            rendered = list(pool.map(render_and_store, ranges))
        timed_out = False
        for batch_range, outputs in zip(ranges, rendered, strict=True):
            for index, output in zip(batch_range, outputs, strict=True):
                key = todo_keys[index]
                if isinstance(output, DotFailed):
                    failures[key] = output.failures[0][1]
                    timed_out = timed_out or isinstance(output, DotTimeout)
                    continue
                results[key] = output
        if failures:
            listed = [(position, failures[key]) for position, key in enumerate(keys) if key in failures]
            partial = [results.get(key) for key in keys]
            raise (DotTimeout if timed_out else DotFailed)(listed, partial)
    return [results[key] for key in keys]


def render_svg(dot_text: str, *, cache_dir: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT) -> str:
    """One graph to SVG text (cached when ``cache_dir`` is given)."""
    result = render_many([dot_text], fmt="svg", cache_dir=cache_dir, jobs=1, timeout=timeout)[0]
    assert isinstance(result, str)
    return result


def render_png(dot_text: str, *, cache_dir: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """One graph to PNG bytes (cached when ``cache_dir`` is given)."""
    result = render_many([dot_text], fmt="png", cache_dir=cache_dir, jobs=1, timeout=timeout)[0]
    assert isinstance(result, bytes)
    return result
