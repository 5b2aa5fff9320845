"""What a person would see break in a page, noted while a test drives it."""

import re

# Streamlit's frontend, opened on a page's own URL, first looks for its server under that path
# (/mnist/_stcore/health), then at the root: those two misses are its way of finding the base path
_BASE_PATH_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")


def watch_for_breakage(page) -> list[str]:
    """What a person would see break, noted as it happens: a file the page asks for and the server
    does not have (a media file rewritten each tick), an error in the console, a script error."""
    seen: list[str] = []
    page.on("response", lambda r: r.status >= 400 and not _BASE_PATH_PROBE.search(r.url)
            and seen.append(f"HTTP {r.status} for {r.url}"))
    page.on("console", lambda m: m.type == "error" and not _BASE_PATH_PROBE.search(m.location.get("url", ""))
            and seen.append(f"console error: {m.text[:200]} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: seen.append(f"script error: {str(e)[:200]}"))
    return seen
