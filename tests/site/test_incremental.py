"""The pure parts of serve's incremental rebuilds (the real rebuilds are in test_serve.py)."""

from __future__ import annotations

from csdocs.site import incremental


def test_untitled_nav_pages_are_the_ones_whose_title_comes_from_their_content():
    nav = [{"Home": "index.md"}, "guide.md", {"Team": ["team/a.md", {"B": "team/b.md"}]}]
    assert incremental.untitled_nav_pages(nav) == {"guide.md", "team/a.md"}
    assert incremental.untitled_nav_pages(None) == set()


def test_content_hash_separates_markdown_slots_and_late_html():
    base = incremental.content_hash("md", ("x",), ())
    assert base == incremental.content_hash("md", ("x",), ())
    assert base != incremental.content_hash("md", (), ("x",))
    assert base != incremental.content_hash("mdx", (), ())


class Sop:
    def __init__(self, sop_id: str) -> None:
        self.id = sop_id


def test_a_memo_entry_holds_while_its_sop_and_the_sops_it_looked_up_are_the_same_objects():
    a, b, c = Sop("a"), Sop("b"), Sop("c")
    index = {"a": a, "b": b, "c": c}
    memo = incremental.SopMemo()
    memo.begin("context")
    recorder = incremental.Recorder(index)
    assert recorder.get("b") is b and "missing" not in recorder
    memo.store(a, recorder, "page of a")
    assert memo.lookup(a, index).value == "page of a"
    assert memo.lookup(a, {**index, "c": Sop("c")}) is not None  # c was never looked up
    assert memo.lookup(a, {**index, "b": Sop("b")}) is None  # b changed
    assert memo.lookup(a, {**index, "missing": Sop("missing")}) is None  # a missing SOP appeared
    assert memo.lookup(Sop("a"), index) is None  # a itself changed
    memo.begin("another context")
    assert memo.lookup(a, index) is None


def test_a_page_that_walks_every_sop_is_not_memoized():
    a = Sop("a")
    recorder = incremental.Recorder({"a": a})
    list(recorder)
    memo = incremental.SopMemo()
    memo.begin(None)
    memo.store(a, recorder, "page")
    assert memo.lookup(a, {"a": a}) is None
