"""Read a report published as a web page: a <table> of label and value cells, plus surrounding text.

lxml's HTML parser (libxml2, in C) tokenizes the page and calls `_ReportBuilder` for every tag and text
run, without building a tree. It never fetches anything (no network, no external entities), tolerates the
unclosed <td>/<tr> tags common in generated government pages and runs in time linear in the input. Tables
are rebuilt here as "cell | cell |" lines; colspan and rowspan need no work because a spanned cell appears
once in the markup.
"""

from __future__ import annotations

import threading

from lxml import etree

from transforms.readers.cells import clean_cell_paragraphs, format_row, join_lines

# Content of these elements is never visible text.
_DROPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "select"})
# These start a new line of text (outside tables) or a new line inside a cell.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "title", "ul", "caption", "tbody", "thead", "tfoot",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
# Deeper nesting than this is not a report; beyond it, tables are read as plain text.
MAX_TABLE_DEPTH = 32

# A text buffer is a list of text runs as they appear in the markup, with HARD_BREAK where a block element
# (<br>, <p>, <div>, …) starts or ends. A line break inside a run is soft: it ends a line of the HTML source.
HARD_BREAK = None
Buffer = list[str | None]


def _blocks(buffer: Buffer) -> list[str]:
    """The buffer's text between hard breaks; a block's soft line breaks are kept as "\\n"."""
    blocks, block = [], []
    for run in [*buffer, HARD_BREAK]:
        if run is not HARD_BREAK:
            block.append(run)
        elif block:
            blocks.append("".join(block))
            block = []
    return blocks


def _cell_text(buffer: Buffer) -> str:
    """A cell's text: each hard block a paragraph (`clean_cell_paragraphs`), its soft lines joined."""
    return clean_cell_paragraphs(_blocks(buffer))


def _page_lines(buffer: Buffer) -> list[str]:
    """Text outside tables: one line per block; the soft breaks inside a block are joined."""
    return [text for block in _blocks(buffer) if (text := join_lines(block.split("\n")))]


class _Table:
    """One open <table>: the row being filled and the cell being filled."""

    __slots__ = ("cell", "cell_continues", "row")

    def __init__(self) -> None:
        self.row: list[str] | None = None
        self.cell: Buffer | None = None
        self.cell_continues = False  # the open cell's first part was emitted before a nested table


class _ReportBuilder:
    """lxml parser target: collects output lines in document order while tracking tables, rows and cells."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.lines: list[str] = []
        self.tables: list[_Table] = []
        self.table_count = 0
        self._dropped_depth = 0
        self._pre_depth = 0
        self._ignored_tables = 0  # tables nested deeper than MAX_TABLE_DEPTH, read as text
        self._text: Buffer = []  # page text outside any cell
        self._sink = self._text  # where text goes now: the open cell of the innermost table, or the page

    def _update_sink(self) -> None:
        cell = self.tables[-1].cell if self.tables else None
        self._sink = self._text if cell is None else cell

    def _flush_text(self) -> None:
        self.lines.extend(_page_lines(self._text))
        self._text = []
        self._update_sink()

    # ---- table structure -------------------------------------------------------------------------
    def _open_cell(self, table: _Table) -> None:
        self._close_cell(table)
        if table.row is None:
            table.row = []
        table.cell = []

    def _close_cell(self, table: _Table) -> None:
        if table.cell is not None and table.row is not None:
            text = _cell_text(table.cell)
            if text or not table.cell_continues:
                table.row.append(text)
        table.cell = None
        table.cell_continues = False

    def _close_row(self, table: _Table) -> None:
        self._close_cell(table)
        if table.row is not None:
            line = format_row(table.row)
            if line:
                self.lines.append(line)
        table.row = None

    def _open_table(self) -> None:
        self.table_count += 1
        if self.tables:
            # A table inside a cell (a layout table around the report, or a value that is itself a table):
            # what the outer row holds so far is emitted first, so the output keeps document order.
            outer = self.tables[-1]
            if outer.cell is not None and outer.row is not None:
                text = _cell_text(outer.cell)
                line = format_row([*outer.row, text] if text else outer.row)
                if line:
                    self.lines.append(line)
                outer.row = []
                outer.cell = []
                outer.cell_continues = True
        else:
            self._flush_text()
        self.tables.append(_Table())

    def _close_table(self) -> None:
        self._close_row(self.tables.pop())
        if not self.tables:
            self._flush_text()  # stray text between rows, which browsers show next to the table

    # ---- parser target callbacks -----------------------------------------------------------------
    def start(self, tag: str, attrib: object) -> None:
        if tag in _DROPPED:
            self._dropped_depth += 1
        elif self._dropped_depth:
            return
        elif tag in _BLOCKS:
            if tag == "pre":
                self._pre_depth += 1
            self._sink.append(HARD_BREAK)
            return
        elif not self.tables and tag != "table":
            return
        elif tag in _CELLS:
            self._open_cell(self.tables[-1])
        elif tag == "tr":
            self._close_row(self.tables[-1])
            self.tables[-1].row = []
        elif tag == "table":
            if len(self.tables) < MAX_TABLE_DEPTH:
                self._open_table()
            else:
                self._ignored_tables += 1
        else:
            return
        self._update_sink()

    def end(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped_depth = max(0, self._dropped_depth - 1)
        elif self._dropped_depth:
            return
        elif tag in _BLOCKS:
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            self._sink.append(HARD_BREAK)
            return
        elif not self.tables:
            return
        elif tag in _CELLS:
            self._close_cell(self.tables[-1])
        elif tag == "tr":
            self._close_row(self.tables[-1])
        elif tag == "table":
            if self._ignored_tables:
                self._ignored_tables -= 1
            else:
                self._close_table()
        else:
            return
        self._update_sink()

    def data(self, text: str) -> None:
        if self._dropped_depth:
            return
        if not self._pre_depth:
            self._sink.append(text)
            return
        first, *rest = text.split("\n")  # in <pre> every source line is a line of the page
        self._sink.append(first)
        for line in rest:
            self._sink += (HARD_BREAK, line)

    def close(self) -> None:
        while self.tables:
            self._close_table()
        self._flush_text()


_local = threading.local()


def _parser() -> tuple[etree.HTMLParser, _ReportBuilder]:
    """One parser and its target per thread, reused: making a target parser costs more than a small page."""
    if not hasattr(_local, "parser"):
        builder = _ReportBuilder()
        # The text is decoded already; UTF-8 is named so a <meta charset> in the page cannot override it.
        _local.parser = etree.HTMLParser(target=builder, encoding="utf-8", no_network=True), builder
    return _local.parser


def html_to_text(markup: str) -> tuple[str, int]:
    """The page as report text lines, and how many <table> elements it had."""
    parser, builder = _parser()
    builder.reset()
    try:
        parser.feed(markup.encode("utf-8"))
    finally:
        parser.close()
    return "\n".join(builder.lines), builder.table_count
