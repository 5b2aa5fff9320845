"""Learner text in a real browser (issue 22): a CSV whose names and cells are Markdown, HTML and KaTeX
pointing at a local server; the page shows them as text, and the browser fetches nothing from it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.breakage import watch_for_breakage
from tests.hostile.tables import markup_classes, markup_header, one_class, payloads

pytestmark = pytest.mark.e2e


@pytest.fixture
def counting_server():
    """A local HTTP server that counts the requests it gets: ``(port, list of paths asked for)``."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], asked
    server.shutdown()


def test_markup_in_a_csv_is_shown_as_text_and_fetches_nothing(page, app_url, counting_server):
    port, asked = counting_server
    broken = watch_for_breakage(page)
    page.goto(app_url + "/playground?data=csv")
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="CSV file").locator("input[type=file]")
    uploader.wait_for(state="attached", timeout=60_000)
    for kind, payload in payloads(port).items():
        for build, says in ((markup_header, "is not a number"), (one_class, "one class only"), (markup_classes, None)):
            uploader.set_input_files(files=[{"name": f"{kind}.csv", "mimeType": "text/csv", "buffer": build(payload)}])
            if says is None:  # a valid file: the plane names the payload as a class
                page.get_by_text(f"{kind}.csv: 30 rows").wait_for(timeout=90_000)
                page.locator('[data-panel="plane"] canvas').first.wait_for(timeout=90_000)
            else:
                error = page.locator('[data-testid="stAlertContentError"]').filter(has_text=says).first
                error.wait_for(timeout=90_000)
                page.wait_for_timeout(500)  # time for an image the page might have rendered to be asked for
                assert asked == [], (kind, says)
                assert payload[:20] in error.inner_text()  # shown as the text it is
    assert asked == []
    assert page.locator("[data-testid=stSidebar] img").count() == 0
    assert not [b for b in broken if "127.0.0.1:" + str(port) in b], broken
