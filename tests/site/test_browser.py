"""The built example site in headless Chromium: search, flowchart links, guided resolution, offline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def search(page, base: str, query: str) -> None:
    """Type into the header search box as a person does and wait for the first result."""
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    box.type(query)
    page.locator("[data-csdocs-search] .md-search-result__item").first.wait_for()


def open_first_result(page, base: str, query: str, sop_path: str) -> None:
    """Search, check the first result is the SOP at ``sop_path`` (e.g. ``"billing/refund/"``) and open it."""
    search(page, base, query)
    first = page.locator(".md-search-result__item a").first
    assert sop_path in first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**/{sop_path}**")


def test_search_by_contact_type_opens_the_sop_with_its_flowchart(example_site, watched):
    page = watched.page
    open_first_result(page, example_site, "chargeback", "card-services/card-dispute/")
    assert page.locator("svg[role=img] .node").count() >= 3
    assert page.locator("h1").first.inner_text() == page.title().split(" - ")[0]


def test_search_by_a_steps_words_opens_the_sop(example_site, watched):
    page = watched.page
    open_first_result(page, example_site, "prepaid returns label", "customer-care/refund-request/")
    assert page.locator(".csdocs-flowchart svg").count() == 1


def test_home_search_box_hands_over_to_the_site_search(example_site, watched):
    page = watched.page
    page.goto(example_site)
    box = page.locator("#csdocs-home-query")
    assert box.is_visible()
    box.fill("chargeback")
    box.press("Enter")
    page.locator(".md-search-result__item").first.wait_for()
    assert "card-dispute" in page.locator(".md-search-result__item a").first.get_attribute("href")


def test_clicking_a_flowchart_box_jumps_to_its_step(example_site, watched):
    page = watched.page
    page.goto(example_site + "customer-care/refund-request/")
    page.locator("#flow-step-amount").click()  # inside its <a xlink:href="#step-amount">
    page.wait_for_url("**#step-amount")
    assert page.locator("#step-amount").is_visible()


def test_flowchart_fits_the_page_and_shows_at_full_size_on_request(example_site, watched):
    page = watched.page
    page.goto(example_site + "customer-care/refund-request/")
    figure = page.locator("figure.csdocs-flowchart")
    svg_width = "node => node.querySelector('svg').getBoundingClientRect().width"
    figure_width = figure.evaluate("node => node.getBoundingClientRect().width")
    assert figure.evaluate(svg_width) <= figure_width + 1  # the whole procedure in view
    figure.get_by_role("button", name="Show at full size").click()
    toggle = figure.get_by_role("button", name="Fit to the page")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert figure.evaluate(svg_width) > figure_width  # natural size: wider than the page, scrolls
    toggle.click()
    assert figure.evaluate(svg_width) <= figure_width + 1


def test_guided_resolution_walks_to_an_escalation_and_copies_the_handoff_note(example_site, watched):
    page = watched.page
    page.goto(example_site + "customer-care/refund-request/")
    walker = page.locator("[data-csdocs-walker]")
    walker.get_by_role("button", name="Start guided resolution").click()
    heading = walker.locator(".csdocs-walker__heading")
    assert heading.inner_text().startswith("Step 1:")
    assert heading.evaluate("node => node === document.activeElement")  # focus follows the walk
    walker.get_by_role("button", name="Done: next step").click()
    walker.get_by_role("button", name="Yes", exact=True).click()        # verified
    walker.get_by_role("button", name="No", exact=True).click()         # no final-sale item
    walker.get_by_role("button", name="Back").click()                   # change our mind...
    assert "final-sale" in heading.inner_text().lower()
    walker.get_by_role("button", name="No", exact=True).click()         # ...and answer again
    walker.get_by_role("button", name="Yes", exact=True).click()        # within 30 days
    walker.get_by_role("button", name="Unused, in the original packaging").click()
    walker.get_by_role("button", name="Yes", exact=True).click()        # above 150 EUR: escalate
    assert heading.inner_text().startswith("Escalate")
    walker.locator("textarea[data-item=contact_reason]").fill("Wants to return a 200 EUR sofa")
    walker.get_by_role("button", name="Copy the note").click()
    walker.locator(".csdocs-handoff__status").get_by_text("Copied").wait_for()
    note = page.evaluate("navigator.clipboard.readText()")
    assert note == walker.locator(".csdocs-handoff__note").input_value()
    assert "Wants to return a 200 EUR sofa" in note
    assert "Check the return window" in note and "Yes" in note  # what was tried: steps and answers
    assert "Check for final-sale items" in note
    assert "above 150 EUR" in note  # why escalated: the trigger
    assert "I've found your order" in note  # what the customer was told: the script lines said
    assert note.count("Check for final-sale items") == 1  # the step we went back over counts once
    # each step tried carries the procedure's number (the walk skipped "Record the fault")
    from csdocs.loader import load_file
    from tests.conftest import ROOT

    sop = load_file(ROOT / "sops" / "customer-care" / "refund-request.yaml").sop
    (amount,) = [step for step in sop.steps if step.decision and "150 EUR" in step.decision]
    assert f"\n{amount.number}. {amount.title} ({amount.decision} Yes)" in note
    path = walker.locator(".csdocs-walker__path li").all_inner_texts()
    assert path[-1] == f"Step {amount.number}: {amount.title}: Yes"
    walker.get_by_role("button", name="Restart").click()
    assert heading.inner_text().startswith("Step 1:")


def test_guided_resolution_is_keyboard_usable(example_site, watched):
    page = watched.page
    page.goto(example_site + "customer-care/refund-request/")
    start = page.get_by_role("button", name="Start guided resolution")
    start.focus()
    page.keyboard.press("Enter")
    heading = page.locator(".csdocs-walker__heading")
    assert heading.evaluate("node => node === document.activeElement")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Done: next step"
    page.keyboard.press("Enter")
    assert heading.inner_text().startswith("Step 2:")
    assert page.locator(".csdocs-walker__live").inner_text() == heading.inner_text()


def test_every_project_page_loads_offline(example_site, watched):
    page = watched.page
    for path in ("", "glossary/", "escalations/", "reviews/", "rules/", "customer-care/"):
        page.goto(example_site + path)
        page.wait_for_load_state("networkidle")
    assert all(url.startswith(example_site) for url in watched.requests)


def test_guided_resolution_works_with_instant_navigation(instant_site, watched):
    """mkdocs-material's instant navigation swaps pages without reloading: the script must follow."""
    _, base = instant_site
    page = watched.page
    page.goto(base + "billing/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name="Refund request").first.click()
    page.wait_for_url("**/billing/refund-request/")
    page.get_by_role("button", name="Start guided resolution").wait_for()
    assert page.evaluate("window.__sameDocument === true")  # no full reload: instant navigation did it
    page.get_by_role("button", name="Start guided resolution").click()
    assert page.locator(".csdocs-walker__heading").inner_text() == "Step 1: Log the request"
    page.get_by_role("button", name="Done: next step").click()
    page.get_by_role("button", name="Yes", exact=True).click()
    page.get_by_role("button", name="Yes", exact=True).click()
    assert page.locator(".csdocs-walker__heading").inner_text().startswith("Escalate")


def test_the_agent_script_prints_on_its_own(example_site, watched):
    page = watched.page
    page.goto(example_site + "customer-care/refund-request/")
    page.evaluate("window.print = () => { window.__printed = document.documentElement.className; }")
    page.get_by_role("button", name="Print the script").click()
    assert "csdocs-print-script-only" in page.evaluate("window.__printed")
    page.evaluate("document.documentElement.classList.add('csdocs-print-script-only')")
    page.emulate_media(media="print")
    assert page.locator(".csdocs-script").is_visible()
    assert not page.locator(".csdocs-procedure").is_visible()
    assert not page.locator(".md-header").is_visible()
    assert not page.locator("[data-csdocs-walker]").is_visible()
    page.evaluate("document.documentElement.classList.remove('csdocs-print-script-only')")
    assert page.locator(".csdocs-procedure").is_visible()  # printing the whole SOP keeps the procedure
    assert not page.locator("[data-csdocs-walker]").is_visible()  # but not the interactive guide


def test_guided_resolution_follows_a_goto_into_another_sop(built_project, watched):
    from .conftest import serve_folder

    server, base = serve_folder(built_project / "site")
    try:
        page = watched.page
        page.goto(base + "billing/card-dispute/")
        page.get_by_role("button", name="Start guided resolution").click()
        page.get_by_role("button", name="Done: next step").click()
        page.get_by_role("button", name="No", exact=True).click()
        assert page.locator(".csdocs-walker__heading").inner_text() == "Continue in Password reset"
        note = page.locator(".csdocs-handoff__note").input_value()
        assert "Identify the payment" in note and "Does the customer recognise the merchant now? No" in note
        page.get_by_role("link", name="Open Password reset").click()
        page.wait_for_url("**/support/password-reset/#step-verify")
        assert page.locator("#step-verify").is_visible()
    finally:
        server.shutdown()


def incident_handoff_note(contact_reason: str) -> str:
    """The handoff note the walker writes when step 1 of the example major-incident SOP is answered Yes
    (escalate and continue): worked out from the SOP file and the project's configuration."""
    from csdocs.config import load_config
    from csdocs.loader import load_file
    from csdocs.site.pages import HANDOFF_NAMES
    from csdocs.tiers import resolve as resolve_tiers
    from tests.conftest import ROOT

    config = load_config(ROOT / "mkdocs.yml")
    sop = load_file(ROOT / "sops" / "technical-support" / "major-incident-response.yaml").sop
    confirm = sop.steps[0]
    (yes,) = [branch for branch in confirm.branches if branch.answer == "Yes"]
    escalation = sop.escalation(yes.move.escalate)
    assert yes.move.next == sop.steps[1].id  # the escalate-and-continue branch this test walks
    assert (escalation.response.text, escalation.sla.text) == ("0m", "4h")  # 0m reads "immediately" (format 1.1)
    tiers = resolve_tiers(sop, config)
    values = {"contact_reason": contact_reason,
              "attempted_resolution": f"1. {confirm.title} ({confirm.decision} Yes)",
              "escalation_reason": escalation.trigger,
              "customer_told": "-"}  # nothing said before the escalation: the first step has no script line
    lines = [f"Handoff note: {sop.title}",
             f"Escalated {tiers.label(tiers.start(escalation))} → {tiers.label(escalation.to_tier)}"
             f"; owner: {escalation.owner}; Respond immediately; SLA: 4 hours"]
    for item in dict.fromkeys([*config.handoff, *(escalation.handoff or ())]):
        lines += ["", HANDOFF_NAMES[item] + ":", values[item]]
    return "\n".join(lines)


def test_guided_resolution_raises_an_escalation_writes_its_note_and_continues_to_the_end(example_site, watched):
    """Format 1.1 escalate and continue: the walker raises the escalation at step 1, writes its handoff
    note from the path so far, goes on to the next step, and still offers the note at the end."""
    from csdocs.loader import load_file
    from tests.conftest import ROOT

    sop = load_file(ROOT / "sops" / "technical-support" / "major-incident-response.yaml").sop
    page = watched.page
    page.goto(example_site + "technical-support/major-incident-response/")
    walker = page.locator("[data-csdocs-walker]")
    walker.get_by_role("button", name="Start guided resolution").click()
    heading = walker.locator(".csdocs-walker__heading")
    assert heading.inner_text() == f"Step 1: {sop.steps[0].title}"
    assert walker.locator(".csdocs-walker__raised").count() == 0
    walker.get_by_role("button", name="Yes", exact=True).click()  # escalate major-incident, then notify
    assert heading.inner_text() == f"Step 2: {sop.steps[1].title}"  # continued, not ended
    raised = walker.locator(".csdocs-walker__raised")
    assert raised.locator("h4").first.inner_text() == "Raised: Escalate: L3 (Management or specialist team)"
    facts = raised.locator("dd").all_inner_texts()
    assert "Respond immediately" in facts and "4 hours" in facts and sop.escalations[0].owner in facts
    live = walker.locator(".csdocs-walker__live").inner_text()
    assert live == f"Escalation raised: Escalate: L3 (Management or specialist team). Step 2: {sop.steps[1].title}"
    assert heading.evaluate("node => node === document.activeElement")  # focus follows the walk
    # the note was written at the escalation: the path up to it, not the steps that follow
    raised.locator("textarea[data-item=contact_reason]").fill("Card payments fail for everyone since 09:10")
    note = raised.locator(".csdocs-handoff__note")
    assert note.input_value() == incident_handoff_note("Card payments fail for everyone since 09:10")
    raised.get_by_role("button", name="Copy the note").click()
    raised.locator(".csdocs-handoff__status").get_by_text("Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == note.input_value()

    walker.get_by_role("button", name="Done: next step").click()  # notify -> update
    update = sop.steps[2]
    assert heading.inner_text() == f"Step 3: {update.title}"
    assert update.every.text == "30m"
    assert walker.locator(".csdocs-walker__repeat").inner_text() == f"↻ Repeat every 30 minutes until {update.until}"
    walker.get_by_role("button", name="Done: next step").click()  # update -> close
    assert heading.inner_text() == f"Step 4: {sop.steps[3].title}"
    walker.get_by_role("button", name=f"Done: finish ({sop.steps[3].move.outcome})").click()
    assert heading.inner_text() == f"The procedure ends: {sop.steps[3].move.outcome}"
    # at the end the escalation raised on the way and its note are still there, as written at step 1
    assert raised.count() == 1
    assert note.input_value() == incident_handoff_note("Card payments fail for everyone since 09:10")
    contact = walker.locator(".csdocs-walker__card .csdocs-handoff__note").input_value()
    assert "Raised on the way: L3 (Management or specialist team) (" + sop.escalations[0].trigger + ")" in contact
    assert "4. " + sop.steps[3].title in contact  # the contact note covers the whole path
    for _ in range(4):  # back to step 1: the escalation is no longer raised
        walker.get_by_role("button", name="Back").click()
    assert heading.inner_text() == f"Step 1: {sop.steps[0].title}"
    assert walker.locator(".csdocs-walker__raised").count() == 0


def test_an_escalate_and_continue_step_is_keyboard_usable(example_site, watched):
    page = watched.page
    page.goto(example_site + "technical-support/major-incident-response/")
    page.get_by_role("button", name="Start guided resolution").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Yes"
    page.keyboard.press("Enter")
    heading = page.locator(".csdocs-walker__heading")
    assert heading.inner_text().startswith("Step 2:")
    assert heading.evaluate("node => node === document.activeElement")
    page.keyboard.press("Tab")  # the step's own button comes first, then the raised escalation's note
    assert page.evaluate("document.activeElement.textContent") == "Done: next step"
