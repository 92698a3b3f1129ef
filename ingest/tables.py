"""Tables of a PDF page as rows a reader can quote: each body row on a line of its own, every cell after its column
header ("VKORC1: AG | CYP2C9 *1/*3: 3-4 mg"), the way the SPL loader writes an XML table (ingest/spl.py).

Plain text extraction reads a table cell by cell down the page, so a dose sits lines away from the genotype or the
infection it belongs to and no sentence holds both. pdfplumber finds the table from its ruling lines; the rows are
put into the page text in place of the cells as extracted (only lines the rows hold word for word are replaced), with
a blank line around each. Only pages that print a table caption ("Table 2. ...") or follow one that does, and that
hold a run of short lines (cells read one by one), are read this way: finding tables costs ~0.2 s a page.
"""
from __future__ import annotations

import io
import re

CAPTION = re.compile(r"(?m)^\s*Table\s+\d+[A-Za-z]?\s*[.:]?\s")  # a caption opens its line; "see Table 3" does not
# Structured product data printed at the end of SPL-derived labels (product information, packaging, marketing,
# ingredients): codes, not statements (assistant/answering/evidence.py keeps them out of evidence as well).
PRODUCT_DATA = re.compile(r"^(?:Product Information|Product Type|Packaging|Marketing Information|Marketing Category|"
                          r"Active Ingredient|Inactive Ingredients|Ingredient Name|Item Code|Product Characteristics|"
                          r"Route of Administration|Labeler)\b", re.I)
ROW_AFTER_CAPTION = "\u2014"  # "Table 2: Examples of ... \u2014 Enzyme: CYP2C9 | Inhibitors: ..."
MAX_ROW = 1200  # a longer "row" is a page box, not a table row


def wanted_pages(texts: list[str]) -> list[int]:
    """Indexes of the pages worth a table search: those with a table caption, and the page after each (a table
    continued over a page break)."""
    out: set[int] = set()
    for i, text in enumerate(texts):
        if CAPTION.search(text):
            out.update((i, i + 1))
    return sorted(i for i in out if i < len(texts) and _cell_run(texts[i]))


def _cell_run(text: str, short: int = 30, run: int = 6) -> bool:
    """Does the text hold `run` consecutive short lines (cells read one by one), as a table extracted as plain
    text does and prose does not?"""
    n = 0
    for line in text.split("\n"):
        n = n + 1 if 0 < len(line.strip()) <= short else 0
        if n >= run:
            return True
    return False


def rows_by_page(data: bytes, pages: list[int]) -> dict[int, list[list[str]]]:
    """{page index: rendered rows of each table on it}. A PDF pdfplumber cannot read gives {} (the plain text
    stands)."""
    if not pages:
        return {}
    try:
        import pdfplumber
    except ImportError:  # an install without it: plain text only
        return {}
    out: dict[int, list[list[str]]] = {}
    last: tuple[int, list[str], str] | None = None  # (page, header, last row's label) of the last table read: a
    # table may go on overleaf
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in pages:
                tables: list[list[str]] = []
                for table in pdf.pages[i].find_tables():
                    goes_on = last is not None and last[0] == i - 1 and not tables
                    overleaf, carried = (last[1], last[2]) if goes_on and last else (None, "")
                    # x_tolerance 1.5, not pdfplumber's 3: 3 glued narrow-spaced words ("such asinfluenza")
                    raw = table.extract(x_tolerance=1.5)
                    rows, header = render(raw, overleaf, carried, at_top=goes_on and _at_top(pdf.pages[i], table.bbox))
                    if rows:
                        tables.append(rows)
                        last = (i, header, next((_clean(r[0]) for r in reversed(raw) if r and _clean(r[0])), ""))
                if tables:
                    out[i] = tables
    except Exception:  # noqa: BLE001 - pdfminer raises many types on odd files; the plain text stands
        return out
    return out


def _clean(cell: str | None) -> str:
    return " ".join((cell or "").split())


def _data_like(row: list[str]) -> bool:
    """Most of its filled cells open with a number: a row of values, not of column names."""
    cells = [c for c in row if c]
    return bool(cells) and sum(c[0].isdigit() or c[0] in "<>±≤≥–-." for c in cells) >= 0.5 * len(cells)


def _at_top(page, bbox) -> bool:
    """Nothing but a running header (one line) is printed above the table: it opens the page."""
    above = page.crop((0, 0, page.width, max(1.0, bbox[1]))).extract_text() or ""
    return len([ln for ln in above.split("\n") if ln.strip()]) <= 1


def render(raw: list[list[str | None]], overleaf: list[str] | None = None, carried: str = "", at_top: bool = False
           ) -> tuple[list[str], list[str]]:
    """A table's body rows as "header: cell | header: cell" lines and its column headers, or no lines when it is
    not a table of facts (one column, a box around a heading, product data). In pdfplumber's grid None marks a
    position covered by a merged cell (a header spanning columns, a row label spanning rows) and "" an empty cell.
    overleaf: the headers of a table that ended the page before, taken when this one opens with values in as many
    columns, or at the top of the page (`at_top`) with a row whose label cell is empty and that is not the header
    printed again (the end of a row begun there): its header was printed there, and `carried` (the label of the last
    row there) labels that row."""
    grid = [row for row in raw if any(_clean(c) for c in row)]
    if len(grid) < 2 or max(len(r) for r in grid) < 2:
        return [], []
    cols = max(len(r) for r in grid)
    grid = [list(r) + [""] * (cols - len(r)) for r in grid]
    used = [j for j in range(cols) if any(_clean(r[j]) for r in grid)]
    if len(used) < 2 or any(PRODUCT_DATA.match(_clean(c)) for r in grid for c in r if c):
        return [], []
    first = [_clean(c) for c in grid[0]]
    ends_row = at_top and not first[0] and any(first[1:])  # the end of a row begun overleaf, or a header's corner
    if overleaf is not None and len(overleaf) == cols and (_data_like(first) or (
            ends_row and _names_columns(overleaf) and not _reprinted(first, overleaf))):
        header, body = overleaf, grid
        if not first[0] and carried:
            body = [[carried] + list(grid[0][1:])] + grid[1:]
    else:
        header, body = _header(grid)
    lines = []
    label = ""
    for raw_row in body:
        row = [_clean(c) for c in raw_row]
        if raw_row[0] is None and label:
            row[0] = label  # a row label spanning several rows (a strength over its bottle sizes)
        label = row[0]
        cells = [(header[j], row[j]) for j in used if row[j]]
        if len(cells) < 2 and not (cells and cells[0][0]):
            continue  # a lone cell without a header: a caption or a note inside the frame
        line = " | ".join(f"{h}: {c}" if h and h != c else c for h, c in cells)
        if len(line) <= MAX_ROW:
            lines.append(line)
    return lines, header


def _names_columns(header: list[str], longest: int = 80) -> bool:
    """Short names, not sentences: a header. A table printed without one took its first row for it (a drug and its
    "Clinical Impact:" text), and that row must not head the rows overleaf."""
    return all(len(h) <= longest and not h.endswith(".") for h in header)


def _reprinted(row: list[str], header: list[str]) -> bool:
    """Every filled cell of the row is (part of) the header's cell above it: the header printed again overleaf."""
    return all(cell in head for cell, head in zip(row, header, strict=True) if cell)


def _header(grid: list[list[str | None]]) -> tuple[list[str], list[list[str | None]]]:
    """The column headers and the body rows. The header is the first row, or the first two when a cell of the first
    spans columns ("CYP2C9" over "*1/*1", "*1/*2" ...): the spanning cell's text then goes before each cell it
    covers."""
    first = grid[0]
    if len(grid) < 3 or not any(c is None for c in first[1:]):
        return [_clean(c) for c in first], grid[1:]
    header, carried = [], ""
    for top, below in zip(first, grid[1], strict=True):
        carried = carried if top is None else _clean(top)
        header.append(" ".join(x for x in (carried, _clean(below)) if x))
    return header, grid[2:]


def insert_rows(text: str, tables: list[list[str]], previous: str = "") -> str:
    """The page text with each table's rows in place of its cells as extracted: the rows go where the cells begin
    (_cells_start), and the lines from there on that the rows hold word for word are dropped (the first line they do
    not hold ends the cells; a note the rows left out stays). A table whose cells cannot be found is put at the end of
    the page and the text is left whole. Each row opens with its table's caption when one is printed just above the
    cells, or ends the page before for a table that opens this one (`previous`)."""
    after = 0  # past the rows already placed: a later table's header must not be found inside them
    for rows in tables:
        held = " ".join(" ".join(r.split()) for r in rows)  # the rows' text, whitespace collapsed
        at = _cells_start(text, rows, held, after)
        caption = _caption(text[:at], previous, held) if at is not None else None
        block = "\n\n" + "\n\n".join(f"{caption} {ROW_AFTER_CAPTION} {r}" if caption else r for r in rows) + "\n\n"
        if at is None:
            text = text.rstrip() + block
            after = len(text)
            continue
        end = _cells_end(text, at, held)
        text = text[:at] + block + text[end:]
        after = at + len(block)
    return text


def _caption(before: str, previous: str, held: str, near: int = 6) -> str | None:
    """The caption ("Table 1: Range of Expected ...", with the lines it wraps onto) among the `near` lines above a
    table's cells (header lines the rows did not take sit between), never above another table's rows; for cells at
    the top of the page, the caption of the rows that end the page before (a table going on overleaf), else a caption
    among its last lines. None when there is none that close: a row is better without a title than with another
    table's."""
    lines = [ln.strip() for ln in before.split("\n") if ln.strip()]
    k = _caption_line(lines, near)
    if k is not None:
        return _title(lines[k:], held) if k >= 0 else None
    if len(lines) <= 1:
        last = [ln.strip() for ln in previous.split("\n") if ln.strip()]
        if last and CAPTION.match(last[-1]) and f" {ROW_AFTER_CAPTION} " in last[-1]:
            return last[-1].split(f" {ROW_AFTER_CAPTION} ", 1)[0]
        j = _caption_line(last, near)
        if j is not None and j >= 0:
            return _title(last[j:] + lines, held)
    return None


def _caption_line(lines: list[str], near: int) -> int | None:
    """The index of the caption among the last `near` lines, searching upwards; -1 when another table's row comes
    first, None when there is none."""
    for k in range(len(lines) - 1, max(-1, len(lines) - 1 - near), -1):
        if " | " in lines[k]:
            return -1
        if CAPTION.match(lines[k] + " "):
            return k
    return None


def _title(lines: list[str], held: str, longest: int = 240) -> str:
    """A caption and the lines it wraps onto, up to the first line that ends it or is a header cell (`held`: the
    rows' text)."""
    out = lines[0]
    for ln in lines[1:]:
        if len(out) + len(ln) > longest or (out.endswith((".", ")")) and ln[:1].isupper()) or ln in held:
            break
        out += " " + ln
    return out


def _cells_end(text: str, at: int, held: str) -> int:
    """Where the cells read as plain text end: past every line from `at` on that `held` (the rows) contains."""
    pos = at
    while pos < len(text):
        nl = text.find("\n", pos)
        stop = len(text) if nl < 0 else nl + 1
        line = " ".join(text[pos:stop].split())
        if line and line not in held:
            break
        pos = stop
    return pos


def _cells_start(text: str, rows: list[str], held: str, after: int, run: int = 3) -> int | None:
    """Where a table's cells begin in the plain text: the first of `run` lines in a row that the rows hold word for
    word (two of them with three letters or digits: not a cross-reference's "(", "1", ")"), else the first cell's
    first line standing alone on a line."""
    lines = []
    pos = after
    for raw in text[after:].split("\n"):
        lines.append((pos, " ".join(raw.split())))
        pos += len(raw) + 1
    filled = [(p, ln) for p, ln in lines if ln]
    for i in range(len(filled) - run + 1):
        window = [ln for _, ln in filled[i:i + run]]
        if all(ln in held for ln in window) and sum(len(re.sub(r"\W", "", ln)) >= 3 for ln in window) >= 2:
            return filled[i][0]
    first = rows[0].split(" | ")[0]
    head = first.split(": ", 1)[0] if ": " in first else first
    words = head.split()
    if not words:
        return None
    probe = re.compile(r"(?m)^[ \t]*" + r"\s+".join(re.escape(w) for w in words[:3]) + r"(?!\w)")
    m = probe.search(text, after)
    return m.start() if m else None
