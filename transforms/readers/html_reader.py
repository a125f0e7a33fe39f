"""Read a report published as a web page: a <table> of label and value cells, plus surrounding text.

lxml's HTML parser (libxml2, in C) builds the page's tree and `_TreeReader` walks it in document order:
that costs less than a parser target, which libxml2 calls back for every tag and text run. A page the tree
cannot hold whole (see `_NotInTree`) is read from those callbacks instead, with the same result. The parser
never fetches anything (no network, no external entities), tolerates the unclosed <td>/<tr> tags common in
generated government pages and runs in time linear in the input. Tables are rebuilt here as "cell | cell |"
lines; colspan and rowspan need no work because a spanned cell appears once in the markup.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from lxml import etree

from transforms.readers.cells import clean_cell, clean_cell_paragraphs, format_row, join_lines

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
# libxml2 stops building a tree 256 elements deep, and every level of the tree walk takes a few Python frames:
# a page nested deeper than this (never a real report) is read from the parser's events instead.
_WALK_DEPTH = 100

# A text buffer is a list of text runs as they appear in the markup, with HARD_BREAK where a block element
# (<br>, <p>, <div>, …) starts or ends. A line break inside a run is soft: it ends a line of the HTML source.
HARD_BREAK = None
Buffer = list[str | None]


def _blocks(buffer: Buffer) -> list[str]:
    """The buffer's text between hard breaks; a block's soft line breaks are kept as "\\n"."""
    if HARD_BREAK not in buffer:  # most cells: one block, however many runs
        return ["".join(buffer)] if buffer else []
    blocks, block = [], []
    for run in buffer:
        if run is not HARD_BREAK:
            block.append(run)
        elif block:
            blocks.append("".join(block))
            block = []
    if block:
        blocks.append("".join(block))
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
    """Collects output lines in document order while tracking tables, rows and cells.

    As an lxml parser target it takes libxml2's events (start tag, text, end tag) one by one; `_TreeReader`
    feeds it the same events from a tree, faster.
    """

    def __init__(self) -> None:
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


# Elements inside a cell whose events do more than add text or a line break.
_NOT_SIMPLE = _DROPPED | _CELLS | {"tr", "table", "pre"}


def _simple_cell_text(cell: etree._Element) -> str | None:
    """The text of a cell holding only text, or text around one element that holds only text, as walking
    it would make it; None for any other cell. Most report cells are such: "<td>值</td>",
    "<td><span>值</span></td>", "<td><p>值</p></td>"."""
    count = len(cell)
    if not count:
        text = cell.text
        return clean_cell(text) if text else ""
    if count > 1:
        return None
    child = cell[0]
    tag = child.tag
    if len(child) or tag in _NOT_SIMPLE or not isinstance(tag, str):
        return None
    runs = [run for run in (cell.text, child.text, child.tail) if run]
    if tag in _BLOCKS:  # a line break before and after the child's text: each run is a paragraph
        return clean_cell_paragraphs(runs)
    return clean_cell("".join(runs)) if runs else ""


class _NotInTree(Exception):
    """The tree does not hold all the page says: it nests deeper than `_WALK_DEPTH`, or it has text after
    </html>, which becomes a second <html> element; the whitespace before that is in no tree."""


class _TreeReader(_ReportBuilder):
    """Walks the tree libxml2 built, giving the builder the events the parser would have given, in their order
    (start tag, text, children each followed by its tail, end tag). Simple cells (`_simple_cell_text`), most
    of a report, are read whole, without a walk.
    """

    def read(self, nodes: Iterable[etree._Element]) -> None:
        """The page from its top-level nodes, in order."""
        self._nodes(nodes, 0)
        self.close()

    def _nodes(self, nodes: Iterable[etree._Element], depth: int) -> None:
        """Sibling nodes, each followed by the text after it (its tail). Comments, processing instructions
        and dropped elements add only their tail."""
        for node in nodes:
            tag = node.tag
            if tag in _BLOCKS:
                self._block(node, depth, tag == "pre")
            elif tag in _CELLS and self.tables:
                self._cell(node, depth, self.tables[-1])
            elif tag == "tr" and self.tables:
                self._row(node, depth, self.tables[-1])
            elif tag == "table":
                self._table(node, depth)
            elif tag not in _DROPPED and isinstance(tag, str):
                self._content(node, depth)
            tail = node.tail  # each read of .text or .tail decodes a new string: read it once
            if tail:
                self.data(tail)

    def _content(self, element: etree._Element, depth: int) -> None:
        """What is inside the element: its text, then its children."""
        if depth >= _WALK_DEPTH:
            raise _NotInTree
        text = element.text
        if text:
            self.data(text)
        if len(element):
            self._nodes(element, depth + 1)

    def _block(self, element: etree._Element, depth: int, pre: bool) -> None:
        """A block element breaks the line where it starts and where it ends."""
        self._pre_depth += pre
        self._sink.append(HARD_BREAK)
        self._content(element, depth)
        self._pre_depth -= pre
        self._sink.append(HARD_BREAK)

    def _table(self, element: etree._Element, depth: int) -> None:
        """A table; one nested deeper than MAX_TABLE_DEPTH is read as text, its cells as the outer table's."""
        if len(self.tables) >= MAX_TABLE_DEPTH:
            self._content(element, depth)
            return
        self._open_table()
        self._update_sink()
        self._content(element, depth)
        self._close_table()
        self._update_sink()

    def _row(self, element: etree._Element, depth: int, table: _Table) -> None:
        """A row of the innermost table; text between its cells belongs to the page, not to a cell."""
        if table.row is not None or table.cell is not None:
            self._close_row(table)
        table.row = []
        self._sink = self._text
        self._content(element, depth)
        self._close_row(table)
        self._update_sink()

    def _cell(self, element: etree._Element, depth: int, table: _Table) -> None:
        """A cell of the innermost table. Most hold only text, or one element holding only text: no walk."""
        if table.cell is not None:  # a cell left open, e.g. by a <td> inside a <span> of the cell
            self._close_cell(table)
        if table.row is None:
            table.row = []
        text = None if self._pre_depth else _simple_cell_text(element)
        if text is not None:
            table.row.append(text)
            self._sink = self._text
            return
        table.cell = self._sink = []
        self._content(element, depth)
        self._close_cell(table)
        self._update_sink()


_local = threading.local()


def _tree_parser() -> etree.HTMLParser:
    """One parser per thread, reused: making a parser costs more than reading a small page."""
    if not hasattr(_local, "parser"):
        # The text is decoded already; UTF-8 is named so a <meta charset> in the page cannot override it.
        _local.parser = etree.HTMLParser(encoding="utf-8", no_network=True)
    return _local.parser


def _read_tree(data: bytes) -> _ReportBuilder:
    """The page read by walking its tree; raises _NotInTree if the tree cannot give it all."""
    parser = _tree_parser()
    try:
        parser.feed(data)
    finally:
        root = parser.close()
    if root is not None and any(isinstance(node.tag, str) for node in root.itersiblings()):
        raise _NotInTree
    reader = _TreeReader()
    reader.read([] if root is None else [root])  # comments beside the root add nothing: no text is beside it
    return reader


def _read_events(data: bytes) -> _ReportBuilder:
    """The page read from the parser's events, without a tree: no depth limit, but slower."""
    builder = _ReportBuilder()
    parser = etree.HTMLParser(target=builder, encoding="utf-8", no_network=True)
    try:
        parser.feed(data)
    finally:
        parser.close()
    return builder


def html_to_text(markup: str) -> tuple[str, int]:
    """The page as report text lines, and how many <table> elements it had."""
    data = markup.encode("utf-8")
    try:
        builder = _read_tree(data)
    except _NotInTree:
        builder = _read_events(data)
    return "\n".join(builder.lines), builder.table_count
