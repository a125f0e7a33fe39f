"""Read a report published as a web page: a <table> of label and value cells, plus surrounding text.

The stdlib parser is used on purpose: it never fetches anything, tolerates the unclosed <td>/<tr> tags
common in generated government pages, and runs in time linear in the input. Tables are rebuilt here as
"cell | cell |" lines; colspan and rowspan need no work because a spanned cell appears once in the markup.
"""

from __future__ import annotations

from html.parser import HTMLParser

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
# Deeper nesting than this is not a report; beyond it, tables are read as plain text.
MAX_TABLE_DEPTH = 32


class _Buffer:
    """Text of one cell or one stretch of page text, as hard blocks (from <br>, <p>, …) of soft lines.

    A soft line ends at a line break in the HTML source. Inside a cell every break is joined by
    `join_lines` (a break between CJK characters is no space); outside tables each block is its own line.
    """

    def __init__(self) -> None:
        self.blocks: list[list[str]] = [[""]]

    def add(self, data: str, *, pre: bool = False) -> None:
        pieces = data.split("\n")
        self.blocks[-1][-1] += pieces[0]
        for piece in pieces[1:]:
            if pre:
                self.blocks.append([piece])
            else:
                self.blocks[-1].append(piece)

    def hard_break(self) -> None:
        if any(line.strip() for line in self.blocks[-1]):
            self.blocks.append([""])

    def as_cell(self) -> str:
        return clean_cell_paragraphs("\n".join(block) for block in self.blocks)

    def as_lines(self) -> list[str]:
        return [text for block in self.blocks if (text := join_lines(block))]


class _Table:
    """One open <table>: the row being filled and the cell being filled."""

    def __init__(self) -> None:
        self.row: list[str] | None = None
        self.cell: _Buffer | None = None
        self.cell_continues = False  # the open cell's first part was emitted before a nested table


class _ReportHTMLParser(HTMLParser):
    """Collects output lines in document order while tracking open tables, rows and cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.tables: list[_Table] = []
        self.table_count = 0
        self._dropped_depth = 0
        self._pre_depth = 0
        self._ignored_tables = 0  # tables nested deeper than MAX_TABLE_DEPTH, read as text
        self._text = _Buffer()  # page text outside any cell

    def _sink(self) -> _Buffer:
        table = self.tables[-1] if self.tables else None
        if table is not None and table.cell is not None:
            return table.cell
        return self._text

    def _flush_text(self) -> None:
        self.lines.extend(self._text.as_lines())
        self._text = _Buffer()

    # ---- table structure -------------------------------------------------------------------------
    def _open_cell(self, table: _Table) -> None:
        self._close_cell(table)
        if table.row is None:
            table.row = []
        table.cell = _Buffer()

    def _close_cell(self, table: _Table) -> None:
        if table.cell is not None and table.row is not None:
            text = table.cell.as_cell()
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
                text = outer.cell.as_cell()
                line = format_row([*outer.row, text] if text else outer.row)
                if line:
                    self.lines.append(line)
                outer.row = []
                outer.cell = _Buffer()
                outer.cell_continues = True
        else:
            self._flush_text()
        self.tables.append(_Table())

    def _close_table(self) -> None:
        self._close_row(self.tables.pop())
        if not self.tables:
            self._flush_text()  # stray text between rows, which browsers show next to the table

    # ---- HTMLParser callbacks --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropped_depth += 1
            return
        if self._dropped_depth:
            return
        if tag == "table":
            if len(self.tables) < MAX_TABLE_DEPTH:
                self._open_table()
            else:
                self._ignored_tables += 1
        elif tag == "tr" and self.tables:
            self._close_row(self.tables[-1])
            self.tables[-1].row = []
        elif tag in ("td", "th") and self.tables:
            self._open_cell(self.tables[-1])
        elif tag in _BLOCKS:
            if tag == "pre":
                self._pre_depth += 1
            self._sink().hard_break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS and not self._dropped_depth:
            self._sink().hard_break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped_depth = max(0, self._dropped_depth - 1)
            return
        if self._dropped_depth:
            return
        if tag == "table":
            if self._ignored_tables:
                self._ignored_tables -= 1
            elif self.tables:
                self._close_table()
        elif tag == "tr" and self.tables:
            self._close_row(self.tables[-1])
        elif tag in ("td", "th") and self.tables:
            self._close_cell(self.tables[-1])
        elif tag in _BLOCKS:
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            self._sink().hard_break()

    def handle_data(self, data: str) -> None:
        if not self._dropped_depth:
            self._sink().add(data, pre=self._pre_depth > 0)

    def close(self) -> None:
        super().close()
        while self.tables:
            self._close_table()
        self._flush_text()


def html_to_text(markup: str) -> tuple[str, int]:
    """The page as report text lines, and how many <table> elements it had."""
    parser = _ReportHTMLParser()
    parser.feed(markup)
    parser.close()
    return "\n".join(parser.lines), parser.table_count
