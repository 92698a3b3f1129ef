"""The web pages in a real browser (Debian's Chromium, headless, driven by Playwright): a physician asks,
opens a citation and sees the quoted characters highlighted in the page; a reviewer marks a citation."""
from __future__ import annotations

import io

import httpx


def _highlight_pixels(png: bytes, box: dict) -> float:
    """Share of pixels in the box that have the highlight colour (#ffe066)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    x0, y0 = int(box["x"]), int(box["y"])
    x1, y1 = int(box["x"] + box["width"]), int(box["y"] + box["height"])
    pixels = [img.getpixel((x, y)) for x in range(x0, min(x1, img.width), 3) for y in range(y0, min(y1, img.height), 3)]
    yellow = [p for p in pixels if p[0] > 230 and 200 < p[1] < 240 and p[2] < 140]
    return len(yellow) / max(1, len(pixels))


def _dark_pixels(png: bytes, box: dict) -> float:
    """Share of pixels in the box dark enough to be printed text."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    x0, y0 = int(box["x"]), int(box["y"])
    x1, y1 = int(box["x"] + box["width"]), int(box["y"] + box["height"])
    pixels = [img.getpixel((x, y)) for x in range(x0, min(x1, img.width)) for y in range(y0, min(y1, img.height))]
    return sum(1 for p in pixels if sum(p) < 300) / max(1, len(pixels))


def _use_key(page, key: str, reload: bool = False) -> None:
    """Type an API key into the page's key field as a user does (stored for the page's API calls)."""
    page.fill("#api-key", key)
    page.dispatch_event("#api-key", "change")
    if reload:
        page.reload()


def _open(browser, url: str, key: str, reload: bool = False):
    """A fresh page at `url`, signed in with `key`."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url)
    _use_key(page, key, reload)
    return page


def test_citation_opens_its_passage_highlighted_in_the_page(api, browser, tmp_path):
    server, keys = api
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    # Nothing may leave the host: every request outside the server is blocked and recorded.
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(server.url + "/")
    _use_key(page, keys["physician"])
    page.fill("#question", "What is the recommended starting dose of warfarin?")
    page.click("#ask-button")
    page.wait_for_selector(".msg .cite", timeout=30000)
    assert "answered" in page.inner_text(".msg .badge")
    answer_text = page.inner_text(".msg .a")
    assert "once daily" in answer_text
    page.click(".msg .cite >> nth=0")
    mark = page.wait_for_selector("mark#hl", timeout=15000)
    # The highlighted text is exactly the citation's quote, fetched independently from the API.
    trace = page.get_attribute(".msg .cite >> nth=0", "data-trace")
    audit = httpx.get(server.url + f"/v1/audit/{trace}", headers={"Authorization": f"Bearer {keys['admin']}"}).json()
    cite = audit["cited"][0]
    src = httpx.get(server.url + f"/v1/sources/{cite['chunk_id']}",
                    headers={"Authorization": f"Bearer {keys['physician']}"}).json()
    assert mark.inner_text().split() == src["page_text"][cite["start"]:cite["end"]].split()
    meta = page.inner_text("#source .meta")
    assert f"page {cite['page']}" in meta and cite["version"] in meta and src["document_id"] in meta
    # The page as printed: PDF.js (served by the app) renders the cited PDF page, the quote's words highlighted
    # over the printed text: the highlight's colour shows around the glyphs, which stay dark.
    assert src["pdf"]["available"], src["pdf"]
    hl = page.wait_for_selector("#pdfpage .pdf-hl", timeout=30000)
    page.wait_for_timeout(300)
    hl_box = hl.bounding_box()
    assert hl_box and hl_box["width"] > 20 and 0 <= hl_box["y"] < 900
    png = page.screenshot(path=str(tmp_path / "pdf-page.png"))
    assert _highlight_pixels(png, hl_box) > 0.3 and _dark_pixels(png, hl_box) > 0.02
    canvas = page.query_selector("#pdfpage canvas").bounding_box()
    assert canvas["width"] > 300 and canvas["height"] > 300
    assert not outside, outside
    # Below it, the stored page text with the cited characters marked.
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    assert box and box["width"] > 50 and 0 <= box["y"] < 900
    png = page.screenshot(path=str(tmp_path / "chat.png"))
    assert _highlight_pixels(png, box) > 0.3
    page.close()


def test_reviewer_marks_a_citation_and_it_is_stored(api, browser):
    server, keys = api
    a = httpx.post(server.url + "/v1/ask", json={"question": "Can ciprofloxacin cause tendon rupture?"},
                   headers={"Authorization": f"Bearer {keys['physician']}"}, timeout=30).json()
    page = _open(browser, server.url + "/review", keys["reviewer"], reload=True)
    page.wait_for_selector(f"tr.rec[data-trace='{a['trace_id']}']", timeout=15000)
    page.click(f"tr.rec[data-trace='{a['trace_id']}']")
    ev = page.wait_for_selector(".evidence", timeout=15000)
    assert a["citations"][0]["quote"].split()[:5] == ev.inner_text().split("\n")[1].split()[:5] or \
        " ".join(a["citations"][0]["quote"].split()[:5]) in ev.inner_text().replace("\n", " ")
    page.fill(".evidence >> nth=0 >> .comment", "quote is from the right section")
    page.click(".evidence >> nth=0 >> .verdict[data-v='correct']")
    page.wait_for_selector(".evidence >> nth=0 >> .status.ok", timeout=10000)
    # The reviewer opens the cited page as printed, the quote highlighted on it.
    page.click(".evidence >> nth=0 >> .show-page")
    page.wait_for_selector("#page-view .pdf-hl", timeout=30000)
    assert page.query_selector("#page-view mark#hl") is not None
    reviews = httpx.get(server.url + f"/v1/reviews?trace_id={a['trace_id']}",
                        headers={"Authorization": f"Bearer {keys['reviewer']}"}).json()["reviews"]
    assert reviews and reviews[0]["verdict"] == "correct" and reviews[0]["comment"] == "quote is from the right section"
    # A physician's key cannot open the reviewer data.
    _use_key(page, keys["physician"], reload=True)
    page.wait_for_selector("#records .bad", timeout=10000)
    assert "403" in page.inner_text("#records")
    page.close()


def test_the_web_chat_keeps_a_thread_and_can_start_a_new_one(api, browser):
    server, keys = api
    page = _open(browser, server.url + "/", keys["physician"])
    for n, q in enumerate(["What is the recommended initial dose of warfarin?", "and in elderly patients?"], 1):
        page.fill("#question", q)
        page.click("#ask-button")
        page.wait_for_selector(f".msg >> nth={n - 1}", timeout=30000)  # (the page's CSP forbids eval)
    # Newest first: the follow-up shows the standalone question it was answered as.
    latest = page.query_selector(".msg >> nth=0")
    assert latest.query_selector(".resolved").inner_text() == \
        "Answering: What is the recommended initial dose of warfarin in elderly patients?"
    assert "answered" in latest.query_selector(".badge").inner_text()
    page.click("#new-thread")
    assert not page.query_selector_all(".msg")
    page.fill("#question", "and in elderly patients?")
    page.click("#ask-button")
    page.wait_for_selector(".msg", timeout=30000)
    assert page.query_selector(".msg .resolved") is None  # nothing earlier to follow up on
    page.close()


def test_a_japanese_question_in_the_web_chat(browser, tmp_path, embedder):
    from helpers import Server, make_corpus, make_keys

    from ingest.pipeline import ingest
    from ingest.store import Store

    root = make_corpus(tmp_path, ["fda_acetaminophen_highlights_2025.pdf"])
    store = Store(tmp_path / "store", embedder)
    assert ingest([root], store=store, multilingual=True)[1] == 0
    store.close()
    keys = make_keys(tmp_path / "store")
    server = Server(tmp_path / "store", env={"MEDINFO_MULTILINGUAL": "1"})
    try:
        page = _open(browser, server.url + "/", keys["physician"])
        page.fill("#question", "アセトアミノフェンを飲むときのお酒についての注意は？")
        page.click("#ask-button")
        page.wait_for_selector(".msg .cite", timeout=60000)
        assert "answered" in page.inner_text(".msg .badge")
        assert "参考文献" in page.inner_text(".msg .refs") and "英語" in page.inner_text(".msg")
        page.click(".msg .cite >> nth=0")
        assert page.wait_for_selector("mark#hl", timeout=30000).inner_text().isascii()
        page.close()
    finally:
        server.stop()


def test_insights_page_renders_its_charts_for_reviewers_only(api, browser):
    server, keys = api
    for q in ("What is the recommended starting dose of warfarin?", "Can apixaban tablets be crushed?"):
        httpx.post(server.url + "/v1/ask", json={"question": q},
                   headers={"Authorization": f"Bearer {keys['physician']}"}, timeout=60)
    assert httpx.get(server.url + "/v1/insights", headers={"Authorization": f"Bearer {keys['physician']}"}
                     ).status_code == 403
    rep = httpx.get(server.url + "/v1/insights", headers={"Authorization": f"Bearer {keys['reviewer']}"},
                    timeout=120).json()
    assert rep["window"]["records"] >= 2 and rep["volumes"]["product"].get("warfarin", 0) >= 1
    assert any("apixaban" in g["representative"] for g in rep["content_gaps"])
    page = _open(browser, server.url + "/insights", keys["reviewer"])
    page.click("#load")
    page.wait_for_selector("#insights svg.chart rect.bar", timeout=120000)
    assert len(page.query_selector_all("#insights svg.chart")) >= 4
    box = page.query_selector("#insights svg.chart rect.bar").bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    _use_key(page, keys["physician"])
    page.click("#load")
    page.wait_for_selector("#insights .bad", timeout=30000)
    assert "403" in page.inner_text("#insights")
    page.close()


def test_a_reviewer_publishes_and_withdraws_a_standard_response_on_the_page(api, browser):
    server, keys = api
    a = httpx.post(server.url + "/v1/ask", json={"question": "Does lisinopril cause hyperkalemia?"},
                   headers={"Authorization": f"Bearer {keys['physician']}"}, timeout=60).json()
    assert a["status"] == "answered"
    page = _open(browser, server.url + "/review", keys["reviewer"], reload=True)
    page.wait_for_selector(f"tr.rec[data-trace='{a['trace_id']}']", timeout=30000)
    page.click(f"tr.rec[data-trace='{a['trace_id']}']")
    page.wait_for_selector("#publish-faq", timeout=30000)
    page.fill("#faq-owner", "MI renal")
    page.click("#publish-faq")
    page.wait_for_selector("#faq-status.ok", timeout=120000)
    row = page.wait_for_selector("tr.faq-row", timeout=30000)
    assert "MI renal" in row.inner_text() and "approved" in row.inner_text()
    page.click("tr.faq-row .withdraw-faq")
    page.wait_for_selector("tr.faq-row >> text=withdrawn", timeout=30000)
    page.close()


def test_the_insights_html_report_renders_its_charts(api, browser, tmp_path):
    from helpers import run_cli

    server, _ = api
    out = tmp_path / "report.html"
    code, _, err = run_cli("insights", "--format", "html", "--out", str(out), data_dir=server.data_dir)
    assert code == 0, err
    page = browser.new_page()
    page.route("**/*", lambda route: route.abort())  # the report stands alone: nothing to fetch
    page.set_content(out.read_text())
    assert len(page.query_selector_all("svg.chart")) >= 5 and page.query_selector_all("svg.chart rect.bar")
    box = page.query_selector("svg.chart rect.bar").bounding_box()
    assert box and box["width"] > 5
    page.close()
