"""The `dot` wrapper with the real binary: batches, the split, the fallback, the cache, the timeout.

To see how often `dot` runs, CSDOCS_DOT points at a shim that logs its arguments
and then execs the real `dot` (so every render is still Graphviz's own).
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from csdocs.render import dot as dot_module
from csdocs.render.dot import (
    PNG_SIGNATURE,
    DotFailed,
    DotNotFound,
    DotTimeout,
    render_many,
    render_png,
    render_svg,
    split_png,
    to_dot,
)

from .corpus import load, parse_svg, sop_files

REAL_DOT = shutil.which("dot")


def chain(n: int, label: str = "step") -> str:
    body = "; ".join(f'n{i} -> n{i + 1} [label="{label} {i}"]' for i in range(n))
    return f"digraph g {{ {body} }}\n"


BAD = "digraph g { a -> ; }\n"


@pytest.fixture
def counting_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `dot` that logs each call's arguments, then runs the real one. Returns the log."""
    log = tmp_path / "dot-calls.log"
    shim = tmp_path / "dot-shim"
    shim.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{REAL_DOT}" "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CSDOCS_DOT", str(shim))
    log.write_text("")
    return log


def renders(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("-T")]


def test_one_dot_process_renders_a_whole_batch(counting_dot: Path) -> None:
    texts = [chain(n) for n in range(1, 7)]
    batched = render_many(texts, jobs=1)
    assert renders(counting_dot) == ["-Tsvg"]
    alone = [render_svg(text) for text in texts]
    assert batched == alone  # the split gives exactly what one process per graph gives
    assert len(renders(counting_dot)) == 1 + len(texts)
    assert all(svg.startswith("<?xml") and svg.rstrip().endswith("</svg>") for svg in batched)


def test_batches_run_one_per_job(counting_dot: Path) -> None:
    texts = [chain(n) for n in range(1, 9)]
    assert len(render_many(texts, jobs=2)) == 8
    assert renders(counting_dot) == ["-Tsvg", "-Tsvg"]


def test_identical_graphs_render_once(counting_dot: Path) -> None:
    text = chain(3)
    out = render_many([text, text, text], jobs=4)
    assert out[0] == out[1] == out[2]
    assert renders(counting_dot) == ["-Tsvg"]


def test_a_bad_graph_fails_alone(counting_dot: Path) -> None:
    texts = [chain(2), BAD, chain(4)]
    with pytest.raises(DotFailed) as caught:
        render_many(texts, jobs=1)
    error = caught.value
    assert [index for index, _ in error.failures] == [1]
    assert "syntax error" in error.failures[0][1]
    assert "graph 2" in str(error)
    assert error.results[0] == render_svg(texts[0]) and error.results[2] == render_svg(texts[2])
    assert error.results[1] is None
    # the batch, then one process per graph of it
    assert renders(counting_dot)[:4] == ["-Tsvg"] * 4


def test_the_cache_means_an_unchanged_graph_never_runs_dot_again(counting_dot: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    texts = [chain(n) for n in range(1, 5)]
    first = render_many(texts, cache_dir=cache)
    calls = len(renders(counting_dot))
    assert calls >= 1
    second = render_many(texts, cache_dir=cache)
    assert second == first
    assert len(renders(counting_dot)) == calls
    entries = sorted(cache.rglob("*"))
    assert len([p for p in entries if p.is_file()]) == 4
    assert not [p for p in entries if p.name.startswith(".tmp-")]  # written atomically, nothing left over
    # a changed graph renders; the others still come from the cache
    render_many([*texts, chain(9)], cache_dir=cache)
    assert len(renders(counting_dot)) == calls + 1


def test_the_cache_key_holds_format_and_version() -> None:
    key = dot_module.cache_key
    assert key("g", "svg", "v1") != key("g", "png", "v1") != key("g", "svg", "v2")
    assert key("g", "svg", "v1") == key("g", "svg", "v1")


def test_a_damaged_cache_entry_is_rendered_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    good = render_svg(chain(2), cache_dir=cache)
    [entry] = list(cache.rglob("*.svg"))
    entry.write_bytes(b"\xff\xfe broken")
    assert render_svg(chain(2), cache_dir=cache) == good
    assert entry.read_text() == good


def test_an_unwritable_cache_does_not_fail_the_render(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # even root cannot make a folder inside a file
    assert render_svg(chain(2), cache_dir=blocker / "cache") == render_svg(chain(2))


def test_png_batches_split_on_chunk_boundaries(counting_dot: Path) -> None:
    texts = [chain(n) for n in range(1, 4)]
    pngs = render_many(texts, fmt="png", jobs=1)
    assert renders(counting_dot) == ["-Tpng"]
    assert all(isinstance(p, bytes) and p.startswith(PNG_SIGNATURE) and p.endswith(b"IEND\xaeB`\x82") for p in pngs)
    assert pngs == [render_png(text) for text in texts]
    assert split_png(b"".join(pngs)) == pngs


def test_a_stuck_dot_is_killed_by_the_timeout() -> None:
    huge = "digraph g { " + " ".join(f"n{i} -> n{(i * 7919) % 3000};" for i in range(3000)) + " }"
    with pytest.raises(DotTimeout) as caught:
        render_svg(huge, timeout=0.01)
    assert "killed after" in str(caught.value)


def test_a_hanging_dot_process_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dot that never answers (here: the real dot -V works, rendering hangs)."""
    shim = tmp_path / "dot-hang"
    shim.write_text(f'#!/bin/sh\n[ "$1" = "-V" ] && exec "{REAL_DOT}" -V\nexec sleep 600\n')
    shim.chmod(0o755)
    monkeypatch.setenv("CSDOCS_DOT", str(shim))
    with pytest.raises(DotTimeout):
        render_many([chain(1), chain(2)], timeout=0.3, jobs=1)


def test_missing_dot_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CSDOCS_DOT", str(tmp_path / "no-such-dot"))
    with pytest.raises(DotNotFound) as caught:
        render_svg(chain(1))
    message = str(caught.value)
    for hint in ("sudo apt-get install graphviz", "brew install graphviz", "winget install graphviz", "choco"):
        assert hint in message


def test_a_binary_that_is_not_graphviz_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSDOCS_DOT", shutil.which("true"))
    with pytest.raises(DotNotFound):
        render_svg(chain(1))


def test_every_corpus_chart_renders_the_same_batched_or_alone() -> None:
    texts = [to_dot(load(path)) for path in sop_files()[:4]]
    assert render_many(texts, jobs=2) == [render_svg(text) for text in texts]
    assert all(parse_svg(svg).nodes for svg in render_many(texts))


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        render_many([chain(1)], fmt="gif")
