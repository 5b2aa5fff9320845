"""The backprop page in a real browser: the arrow keys step through the training step, and the ringed
quantity in the diagram, the formula and the marked engine line move together; predict mode scores a
typed answer."""

import pytest
from playwright.sync_api import expect

from tests.e2e.breakage import watch_for_breakage

pytestmark = pytest.mark.e2e
WAIT = 60_000


def views(page):
    """The three views: the diagram's 'now:' legend entry, the formula's TeX, the marked code line."""
    return (
        page.locator(".js-plotly-plot .legendtext").filter(has_text="now:").first,
        page.locator('[data-testid="stMainBlockContainer"] .katex-display annotation').first,
        page.locator('[data-testid="stCode"] code').filter(has_text="computed here").first,
    )


# where the diagram's ring is: the "now:" trace's points (x: the layer, y: the unit, the top one highest)
RING = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  const ring = plot.data.find((t) => (t.name || '').startsWith('now:'));
  return ring.x.map((x, i) => [x, ring.y[i]]);
}"""


def idle(page) -> None:
    """Wait for the page's script run to end: a key pressed while Streamlit redraws the buttons can find
    no shortcut listening (seen once on a slow, busy machine: the fourth press was lost)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !/Running/.test(document.querySelector('[data-testid=\"stStatusWidget\"]').innerText)",
        timeout=WAIT,
    )


def press(page, key: str) -> None:
    idle(page)
    page.keyboard.press(key)


def expect_views(page, step: str, now: str, tex: str, code: str, ring=None) -> None:
    diagram, formula, marked = views(page)
    expect(page.get_by_text(step)).to_be_visible(timeout=WAIT)
    expect(diagram).to_contain_text(now, timeout=WAIT)
    expect(formula).to_contain_text(tex, timeout=WAIT)
    line = next(x for x in marked.inner_text().splitlines() if "computed here" in x)
    assert code in line, line
    if ring is not None:
        assert page.evaluate(RING) == ring


def test_the_keyboard_steps_and_the_three_views_move_together(page, app_url):
    problems = watch_for_breakage(page)
    page.goto(f"{app_url}/backprop")
    expect_views(page, "Step 1 of 48", "now: weighted sum z, layer 1 unit 1", r"z_{1} &= 1\cdot0.8", "x.dot(W) + b",
                 ring=[[1, 1]])
    page.locator("h1").first.click()  # the page, not a widget, has the keyboard
    press(page, "ArrowRight")
    expect_views(page, "Step 2 of 48", "now: weighted sum z, layer 1 unit 2", r"z_{2} &= 1\cdot0.4", "x.dot(W) + b",
                 ring=[[1, 0]])
    for shown in ("Step 3 of 48", "Step 4 of 48"):
        press(page, "ArrowRight")
        expect(page.get_by_text(shown)).to_be_visible(timeout=WAIT)
    expect_views(page, "Step 4 of 48", "now: activation a, layer 1 unit 1", r"\sigma(1)", "return np.exp(-np.logaddexp(0, -z))",
                 ring=[[1, 1]])
    press(page, "ArrowLeft")
    expect_views(page, "Step 3 of 48", "now: weighted sum z, layer 1 unit 3", r"z_{3}", "x.dot(W) + b",
                 ring=[[1, -1]])
    assert not problems, problems


def test_predict_mode_scores_a_typed_answer(page, app_url):
    page.goto(f"{app_url}/backprop?step=12")  # the output neuron's delta
    expect_views(page, "Step 12 of 48", "now: delta = dL/dz, layer 2 unit 1", r"0.774\cdot 0.175",
                 "activation.backward", ring=[[2, 0]])
    page.get_by_text("predict before you see").click()
    diagram, formula, _ = views(page)
    expect(formula).to_contain_text("= ?", timeout=WAIT)
    box = page.get_by_label("your prediction", exact=True)
    box.fill("0.13")
    box.press("Enter")
    expect(page.get_by_text("You said 0.13; the engine computed 0.1353: close")).to_be_visible(timeout=WAIT)
    expect(formula).to_contain_text("0.135", timeout=WAIT)


# the widest case of each formula: a batch of 4, 3 hidden layers of 4, each loss
WIDE = {"layers": "4,4,4", "acts": "leaky_relu,tanh,sigmoid", "batch": "4", "start": "seed", "ex": "4"}


def _first_of_each_kind(loss: str) -> list:
    from ui.setups import backprop as bp

    walk = bp.build(bp.FORM.from_query({**WIDE, "loss": loss}))
    firsts = {}
    for i, s in enumerate(walk.trace.steps):
        firsts.setdefault(s.kind, i)
    return sorted(firsts.values())


@pytest.mark.parametrize("loss", ["mse", "bce", "cce"])
def test_every_kind_of_formula_fits_a_phone(browser, app_url, loss):
    from tests.e2e.test_layout import FORMULAS

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    wide = []
    try:
        query = "&".join(f"{k}={v}" for k, v in {**WIDE, "loss": loss}.items())
        for k in _first_of_each_kind(loss):
            page.goto(f"{app_url}/backprop?{query}&step={k + 1}")
            expect(page.get_by_text(f"Step {k + 1} of")).to_be_visible(timeout=WAIT)
            page.wait_for_timeout(300)
            wide += [f"step {k}: {w}" for w in page.evaluate(FORMULAS)]
            assert not page.locator(".katex-error").count(), f"step {k}: KaTeX could not typeset it"
    finally:
        context.close()
    assert not wide, wide
