"""Make a corpus of nasty files: everything a registration bureau's upload folder may hold that is not a
clean annual report, and some things made to hurt a parser.

    python tests/nasty/make_nasty.py [OUT_DIR]        # default: tests/nasty/generated/

`make_all(out_dir)` writes the corpus and returns [(path, Expect)], where `Expect` says what extraction
must give: a record (it is still a report), UnreadableFile (with a reason containing some words), or
either (damaged enough that both are honest answers). Whatever it is, extraction must never raise
anything else, never hang and never use unbounded memory: tests/test_reliability_parse.py checks that in a
subprocess with resource limits. The 200 MB text file is made separately by `make_huge_text` (slow to
write; only its own test asks for it).

Everything is derived from the real sample report and the fixtures of tests/fixtures/make_fixtures.py,
with fixed seeds, so the corpus is the same on every run.
"""

from __future__ import annotations

import importlib.util
import io
import random
import shutil
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_OUT = HERE / "generated"
HUGE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Expect:
    """What extracting a nasty file must give.

    outcome: "record" (a record satisfying the contract), "unreadable" (UnreadableFile whose reason
    contains `reason`), or "either". `min_activities` asks for at least that many activities once the
    activity extractor fills `activities` (ignored while it returns []).
    """

    outcome: str
    reason: str = ""
    what: str = ""
    min_activities: int = 0


RECORD = "record"
UNREADABLE = "unreadable"
EITHER = "either"


def _load_fixtures() -> ModuleType:
    name = "nianbao_make_fixtures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "fixtures" / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fixtures = _load_fixtures()


# ---- mutations -----------------------------------------------------------------------------------------
def flip_bytes(data: bytes, rng: random.Random, count: int) -> bytes:
    """`count` random bytes replaced by random values."""
    out = bytearray(data)
    for _ in range(count):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def delete_runs(data: bytes, rng: random.Random, count: int, max_run: int = 64) -> bytes:
    """`count` random runs of up to `max_run` bytes deleted."""
    out = bytearray(data)
    for _ in range(count):
        if not out:
            break
        start = rng.randrange(len(out))
        del out[start : start + rng.randint(1, max_run)]
    return bytes(out)


def _mid_multibyte(encoded: bytes, lead_test: Callable[[int], bool], fraction: float) -> int:
    """An offset near `fraction` of the data that falls just after the lead byte of a multi-byte char."""
    start = int(len(encoded) * fraction)
    for index in range(start, len(encoded)):
        if lead_test(encoded[index]):
            return index + 1
    raise ValueError("no multi-byte character after the offset")


# ---- hand-made containers -----------------------------------------------------------------------------
def _pdf(objects: list[bytes], *, root: int = 1, xref: bool = True) -> bytes:
    """A PDF with these objects (numbered from 1) and a correct xref table unless `xref` is False."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, start)
    return bytes(out)


def _pdf_stream(content: bytes, *, compress: bool = False, extra: bytes = b"") -> bytes:
    if compress:
        content = zlib.compress(content, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


_PAGE_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
]
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_page_loop() -> bytes:
    """A page tree whose /Kids point back at itself: a naive walker recurses forever."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
        ]
    )


def pdf_flate_bomb(expanded: int = 400 * 1024 * 1024) -> bytes:
    """One page whose content stream is ~400 KB deflated and `expanded` bytes inflated."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(compressor.compress(chunk) for _ in range(expanded >> 20)) + compressor.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    return _pdf([*_PAGE_OBJECTS, stream, _FONT])


def pdf_text_page(text: bytes) -> bytes:
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    return _pdf([*_PAGE_OBJECTS, _pdf_stream(content), _FONT])


def pdf_many_pages(count: int = 5000) -> bytes:
    """A PDF declaring thousands of (empty) pages: the reader must stop at its page limit."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        _pdf_stream(b"BT /F1 12 Tf 72 720 Td (x) Tj ET"),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>" for _ in range(count)
    ]
    return _pdf(objects)


def break_xref(pdf: bytes) -> bytes:
    """Every offset of the xref table shifted, and startxref pointing into the middle of an object."""
    start = pdf.rindex(b"xref\n")
    table = pdf[start:].replace(b" 00000 n ", b" 00009 n ")
    table = bytearray(table)
    for index in range(len(table)):
        if table[index : index + 1].isdigit() and rng_xref.random() < 0.3:
            table[index] = ord("7")
    fixed = pdf[:start] + bytes(table)
    tail = fixed.rindex(b"startxref\n") + len(b"startxref\n")
    return fixed[:tail] + b"%d\n%%%%EOF\n" % (len(pdf) // 3)


rng_xref = random.Random(11)


def _zip(members: dict[str, bytes], *, level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


_DOCX_CT = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    b'"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    b'document.main+xml"/></Types>'
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(body: bytes, prolog: bytes = b"") -> bytes:
    """A minimal .docx whose word/document.xml has this body XML."""
    document = (
        b'<?xml version="1.0" encoding="UTF-8"?>' + prolog + b"<w:document " + _W_NS + b"><w:body>" + body
    )
    document += b"</w:body></w:document>"
    return _zip({"[Content_Types].xml": _DOCX_CT, "_rels/.rels": _DOCX_RELS, "word/document.xml": document})


def _w_par(text: str) -> bytes:
    from xml.sax.saxutils import escape

    return b"<w:p><w:r><w:t>" + escape(text).encode() + b"</w:t></w:r></w:p>"


def docx_billion_laughs() -> bytes:
    """Entity expansion ("billion laughs") inside document.xml; a parser resolving entities blows up."""
    entities = b'<!ENTITY lol "lol">'
    for level in range(1, 10):
        refs = f"&lol{level - 1 if level > 1 else ''};".encode() * 10
        entities += b'<!ENTITY lol%d "%s">' % (level, refs)
    prolog = b"<!DOCTYPE w:document [" + entities + b"]>"
    body = b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>" + _w_par("单位名称：某某中心")
    return docx_with_body(body, prolog)


def docx_external_entity() -> bytes:
    """An external entity (XXE) naming /etc/passwd: the reader must not fetch it."""
    prolog = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    body = _w_par("单位名称：某某中心") + "<w:p><w:r><w:t>住所：&xxe;</w:t></w:r></w:p>".encode()
    return docx_with_body(body, prolog)


def docx_deep_tables(depth: int = 10_000) -> bytes:
    """Tables nested `depth` deep, a report row at the bottom."""
    inner = b"<w:tbl><w:tr><w:tc>" * depth + _w_par("单位名称：某某中心") + b"</w:tc></w:tr></w:tbl>" * depth
    return docx_with_body(inner)


def docx_lying_sizes(real: int = 300 * 1024 * 1024) -> bytes:
    """A zip bomb whose directory declares document.xml as 1 KB; it really inflates to `real` bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"<w:p/>" * (1 << 17)
    data = b"".join(compressor.compress(chunk) for _ in range(real // len(chunk))) + compressor.flush()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_CT)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_STORED
        archive.writestr(info, b"x" * len(data))  # placeholder of the right length, replaced below
    raw = bytearray(buf.getvalue())
    at = raw.index(b"x" * 64)
    raw[at : at + len(data)] = data
    # Patch the local header and the central directory: deflate method, 1 KB declared size.
    for signature, method_at, size_at in ((b"PK\x03\x04", 8, 22), (b"PK\x01\x02", 10, 24)):
        pos = -1
        while (pos := raw.find(signature, pos + 1)) != -1:
            name_len_at = 26 if signature == b"PK\x03\x04" else 28
            name_at = 30 if signature == b"PK\x03\x04" else 46
            name_len = int.from_bytes(raw[pos + name_len_at : pos + name_len_at + 2], "little")
            if bytes(raw[pos + name_at : pos + name_at + name_len]) == b"word/document.xml":
                raw[pos + method_at : pos + method_at + 2] = (8).to_bytes(2, "little")
                raw[pos + size_at : pos + size_at + 4] = (1024).to_bytes(4, "little")
    return bytes(raw)


def docx_many_parts(count: int = 2500) -> bytes:
    members = {"[Content_Types].xml": _DOCX_CT, "_rels/.rels": _DOCX_RELS}
    members["word/document.xml"] = (
        b"<w:document " + _W_NS + b"><w:body>" + _w_par("单位名称：某某") + b"</w:body>"
    )
    members["word/document.xml"] += b"</w:document>"
    members |= {f"word/media/p{i}.bin": b"" for i in range(count)}
    return _zip(members)


# ---- hand-made text and HTML --------------------------------------------------------------------------
def all_labels() -> list[str]:
    """Every label variant of the data file, as written there."""
    import yaml

    data = yaml.safe_load((ROOT / "transforms" / "data" / "labels.yaml").read_text("utf-8"))
    labels = [v for variants in data["fields"].values() for v in variants]
    labels += [v for variants in data["sections"].values() for v in variants]
    return labels + list(data["container"]) + list(data["groups"])


def five_hundred_activities(rows: list[list[str]]) -> str:
    """The sample report whose 开展的主要工作 lists 500 dated exchange activities, one sentence each (each
    with its own count: a sentence repeated word for word is one trip told twice)."""
    countries = ["日本", "韩国", "法国", "德国", "美国", "英国", "俄罗斯", "越南", "巴西", "摩洛哥"]
    sentences = []
    for i in range(500):
        country = countries[i % len(countries)]
        month = i % 12 + 1
        if i % 2:
            sentences.append(f"{month}月，接待{country}友好代表团{i + 2}人来访，开展文化交流。")
        else:
            sentences.append(f"{month}月，组织代表团{i + 3}人赴{country}开展教育交流访问。")
    out = []
    for row in rows:
        if row[0].startswith("二、"):
            row = [row[0], "".join(sentences)]
        out.append(row)
    return fixtures.as_table_text(out)


def nested_html(tag: str, depth: int, inner: str) -> str:
    return f"<html><body>{f'<{tag}>' * depth}{inner}{f'</{tag}>' * depth}</body></html>"


def huge_html(rows: list[list[str]], target: int = 15 * 1024 * 1024) -> bytes:
    """A valid report page padded with ~`target` bytes of table rows (under the 20 MB size limit)."""
    page = fixtures.render_html(rows)
    filler_row = "<tr><td>备注</td><td>" + "附表内容" * 40 + "</td></tr>\n"
    count = target // len(filler_row.encode())
    head, tail = page.split("</tbody>", 1)
    return (head + filler_row * count + "</tbody>" + tail).encode("utf-8")


def entity_flood_html(rows: list[list[str]]) -> bytes:
    """The sample page with huge runs of numeric entities, invalid ones (&#0; &#xD800; &#x110000;) too."""
    page = fixtures.render_html(rows)
    flood = ("&#0;&#xD800;&#x110000;&#99999999999;&amp;&lt;&nbsp;&#x4E2D;" * 20000) + "&" * 100000
    return page.replace("<body>", "<body><p>" + flood + "</p>", 1).encode("utf-8")


def make_huge_text(path: Path, size: int = HUGE_BYTES) -> Path:
    """A `size`-byte text file (the sample repeated), streamed to disk in 1 MB writes."""
    block = (fixtures.SAMPLE.read_text(encoding="utf-8") + "\n").encode("utf-8")
    block = block * max(1, (1 << 20) // len(block))
    with path.open("wb") as handle:
        written = 0
        while written < size:
            piece = block[: size - written]
            handle.write(piece)
            written += len(piece)
    return path


# ---- the corpus ---------------------------------------------------------------------------------------
def build(out_dir: Path) -> list[tuple[str, bytes, Expect]]:
    """(file name, content, expectation) of every nasty file."""
    text = fixtures.SAMPLE.read_text(encoding="utf-8")
    rows = fixtures.sample_rows(text)
    utf8 = text.encode("utf-8")
    gb = text.encode("gb18030")
    utf16 = text.encode("utf-16")
    page = fixtures.render_html(rows).encode("utf-8")
    pdf = fixtures.render_pdf(rows)
    docx = fixtures.render_docx(rows)
    items: list[tuple[str, bytes, Expect]] = []

    def add(name: str, data: bytes, expect: Expect) -> None:
        items.append((name, data, expect))

    # Random bytes of many sizes; random text that is valid but holds no report.
    rng = random.Random(2024)
    for size in (1, 2, 3, 7, 100, 4096, 65_536, 1_000_000):
        add(f"random_{size}.bin", rng.randbytes(size), Expect(EITHER, what="random bytes"))
    add("random_named.txt", rng.randbytes(5000), Expect(UNREADABLE, "binary", "random bytes named .txt"))
    add("random_named.docx", rng.randbytes(5000), Expect(UNREADABLE, "", "random bytes named .docx"))
    add("random_named.html", rng.randbytes(5000), Expect(UNREADABLE, "", "random bytes named .html"))
    cjk = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(20_000))
    add("random_cjk.txt", cjk.encode(), Expect(UNREADABLE, "no report field", "random Chinese characters"))
    printable = bytes(rng.randrange(32, 127) for _ in range(20_000))
    add("random_ascii.txt", printable, Expect(UNREADABLE, "no report field", "random printable ASCII"))
    add("nul_bytes.txt", b"\0" * 4096, Expect(UNREADABLE, "", "only NUL bytes"))
    add("bom_only.txt", b"\xef\xbb\xbf", Expect(UNREADABLE, "whitespace", "a UTF-8 BOM and nothing else"))
    add("utf16_bom_only.txt", b"\xff\xfe", Expect(UNREADABLE, "", "a UTF-16 BOM and nothing else"))
    add("pdf_magic_only.pdf", b"%PDF-", Expect(UNREADABLE, "PDF", "a PDF header and nothing else"))
    add("zip_magic_only.docx", b"PK\x03\x04", Expect(UNREADABLE, "Word", "a zip header and nothing else"))
    add("pdf_header_eof.pdf", b"%PDF-1.4\n%%EOF\n", Expect(UNREADABLE, "PDF", "a PDF with no objects"))

    # Mutations of the real sample and of every fixture format: byte flips and deleted runs.
    sources = {"txt": utf8, "gb18030": gb, "utf16": utf16, "html": page, "pdf": pdf, "docx": docx}
    suffix = {"txt": "txt", "gb18030": "txt", "utf16": "txt", "html": "html", "pdf": "pdf", "docx": "docx"}
    for kind, data in sources.items():
        for seed in range(4):
            mrng = random.Random(f"{kind}-{seed}")
            add(f"flip_{kind}_{seed}.{suffix[kind]}", flip_bytes(data, mrng, 1 + seed * 20), Expect(EITHER))
            add(
                f"delete_{kind}_{seed}.{suffix[kind]}", delete_runs(data, mrng, 1 + seed * 10), Expect(EITHER)
            )

    # Truncations at every kind of boundary.
    for fraction in (0.1, 0.5, 0.9):
        cut = _mid_multibyte(utf8, lambda b: b >= 0xE0, fraction)
        add(f"trunc_mid_utf8_{fraction}.txt", utf8[:cut], Expect(RECORD, what="cut inside a UTF-8 character"))
        cut = _mid_multibyte(gb, lambda b: b >= 0x81, fraction)
        add(f"trunc_mid_gb18030_{fraction}.txt", gb[:cut], Expect(RECORD, what="cut inside a GB18030 char"))
        cut = int(len(utf16) * fraction) | 1
        add(f"trunc_mid_utf16_{fraction}.txt", utf16[:cut], Expect(RECORD, what="cut inside a UTF-16 unit"))
    for marker in (b"<td", b"<td class='lab", b"<tr", b"&nbsp", b"<!--", b"<script"):
        at = page.find(marker, len(page) // 3)
        if at == -1:
            at = page.find(marker)
        add(
            f"trunc_html_{marker.decode()[1:].replace(' ', '_')}.html",
            page[: at + len(marker)],
            Expect(EITHER),
        )
    add("html_unclosed_comment.html", b"<!--" + page, Expect(EITHER, what="the whole page in a comment"))
    add("html_unclosed_script.html", page.replace(b"<body>", b"<body><script>", 1), Expect(EITHER))
    for marker in (b" obj", b"stream\n", b"endstream", b"xref", b"trailer", b"startxref"):
        at = pdf.find(marker, len(pdf) // 2)
        at = pdf.find(marker) if at == -1 else at
        cut = pdf[: at + len(marker) // 2]
        name = marker.decode().strip()
        add(f"trunc_pdf_{name}.pdf", cut, Expect(UNREADABLE, "truncated PDF", "PDF cut mid-object"))
        add(f"trunc_pdf_{name}_eof.pdf", cut + b"\n%%EOF\n", Expect(EITHER, what="cut PDF with %%EOF added"))
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        entry = archive.getinfo("word/document.xml")
    data_at = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra)
    for name, cut in (
        ("local_header", entry.header_offset + 10),
        ("entry_data", data_at + entry.compress_size // 2),
        ("central_directory", docx.rindex(b"PK\x01\x02") + 20),
        ("end_record", len(docx) - 5),
    ):
        add(f"trunc_docx_{name}.docx", docx[:cut], Expect(UNREADABLE, "Word", f"DOCX cut in its {name}"))
    for fraction in (0.01, 0.25, 0.75, 0.99):
        for kind, data in sources.items():
            cut = data[: max(1, int(len(data) * fraction))]
            add(f"trunc_{kind}_{int(fraction * 100)}.{suffix[kind]}", cut, Expect(EITHER))

    # HTML: deep nesting, huge pages, entity floods.
    report_row = "<table><tr><td>单位名称</td><td>某某中心</td></tr></table>"
    for tag in ("div", "table", "td", "span", "p"):
        add(f"nested_{tag}_10k.html", nested_html(tag, 10_000, report_row).encode(), Expect(EITHER))
    add("nested_tr_td_10k.html", nested_html("tr><td", 10_000, report_row).encode(), Expect(EITHER))
    add("nested_script_10k.html", nested_html("script", 10_000, report_row).encode(), Expect(EITHER))
    add("huge_15mb.html", huge_html(rows), Expect(RECORD, what="a valid page with 15 MB of extra rows"))
    add("entity_flood.html", entity_flood_html(rows), Expect(RECORD, what="invalid numeric entities"))
    long_attr = (
        b"<html><body><table><tr><td title='" + b"x" * 5_000_000 + "'>单位名称</td><td>某</td>".encode()
    )
    add("long_attribute.html", long_attr, Expect(EITHER))

    # Text: encodings mixed in one file, pathological lines, near the size limit.
    lines = text.splitlines(keepends=True)
    half = len(lines) // 2
    mixed = "".join(lines[:half]).encode("utf-8") + "".join(lines[half:]).encode("gb18030")
    add("mixed_utf8_gb18030.txt", mixed, Expect(RECORD, what="first half of the lines UTF-8, then GB18030"))
    mixed = "".join(lines[:half]).encode("gb18030") + "".join(lines[half:]).encode("utf-8")
    add("mixed_gb18030_utf8.txt", mixed, Expect(RECORD, what="first half of the lines GB18030, then UTF-8"))
    mixed = b"".join(line.encode("gb18030" if i % 2 else "utf-8") for i, line in enumerate(lines))
    add("mixed_alternating.txt", mixed, Expect(RECORD, what="lines alternately UTF-8 and GB18030"))
    half = len(text) // 2
    mixed = text[:half].encode("utf-8") + text[half:].encode("gb18030")
    add("mixed_mid_line.txt", mixed, Expect(EITHER, what="the encoding changes in the middle of a line"))
    mixed = text[:half].encode("utf-16-le") + text[half:].encode("utf-8")
    add("mixed_utf16_utf8.txt", mixed, Expect(EITHER))
    add("lone_surrogates.txt", b"\xff\xfe" + b"\x00\xd8" * 5000 + text.encode("utf-16-le"), Expect(EITHER))
    add("cr_only.txt", text.replace("\n", "\r").encode(), Expect(RECORD))
    add("one_line_10mb.txt", ("单位名称：某某中心 " + "住所 " * 2_000_000).encode(), Expect(EITHER))
    add("no_separators_10mb.txt", ("单位名称|" + "某" * 3_000_000).encode(), Expect(EITHER))
    add("pipes_only.txt", b"|" * 10_000_000, Expect(UNREADABLE, "", "ten million | and nothing else"))
    head = "单位名称 | 某 |\n二、开展的主要工作及取得主要效益"
    add("pipes_cells.txt", (head + " | " + "a|" * 3_000_000).encode(),
        Expect(UNREADABLE, "not an annual report", "a narrative in three million cells"))  # fmt: skip
    add("digits_lines.txt", (head + "\n" + "2024\n" * 1_000_000).encode(),
        Expect(UNREADABLE, "not an annual report", "a narrative of a million dates"))  # fmt: skip
    many = "单位名称 | " + "v | " * 200_000 + "\n" + "单位名称 | x |\n" * 200_000
    add(
        "label_repeated.txt",
        many.encode(),
        Expect(UNREADABLE, "not an annual report", "a label 200,000 times"),
    )
    narrative = "二、开展的主要工作及取得主要效益 | " + "a|" * 80_000 + "\n" + "1\n" * 80_000
    many = "单位名称 | " + "v | " * 5_000 + "\n" + "单位名称 | x |\n" * 5_000 + narrative
    add(
        "just_under_cell_limit.txt",
        many.encode(),
        Expect(RECORD, what="170,000 cells: slow paths stay linear"),
    )
    spaced = "".join(f"单{' ' * i}位名称\n" for i in range(1, 3000)) + "某某中心\n"
    add("labels_spaced_run.txt", spaced.encode(), Expect(RECORD, what="a run of 3,000 distinct labels"))
    add("near_limit_19mb.txt", (text + "\n").encode() * (19 * 2**20 // len(utf8)), Expect(RECORD))
    bad_numbers = text.replace("10.00", "9" * 5000).replace("2.17", "十十").replace("1.35", "百四十八")
    bad_numbers += "\n从业人数 | " + "9" * 5000 + " |\n从业人数 | 百四十八 |"
    add("absurd_numbers.txt", bad_numbers.encode(), Expect(RECORD, what="numbers no parser should trust"))

    # Labels without values, values without labels, each in several layouts.
    labels = all_labels()
    add("labels_only_table.txt", (" | ".join(labels) + " |").encode(), Expect(UNREADABLE, "no report field"))
    add("labels_only_lines.txt", "\n".join(labels).encode(), Expect(UNREADABLE, "no report field"))
    add("labels_only_colon.txt", "\n".join(f"{label}：" for label in labels).encode(), Expect(EITHER))
    values = [cell for row in rows for i, cell in enumerate(row) if i % 2 == 1]
    add("values_only_table.txt", (" | ".join(values) + " |").encode(), Expect(EITHER))
    add("values_only_lines.txt", "\n".join(values).encode(), Expect(EITHER))
    sample_labels = [cell for row in rows for i, cell in enumerate(row) if i % 2 == 0]
    add("sample_labels_only.txt", "\n".join(sample_labels).encode(), Expect(EITHER))
    add("labels_only.html", fixtures.render_html([[label, ""] for label in labels]).encode(), Expect(EITHER))

    # A report listing 500 activities in its narrative.
    add("activities_500.txt", five_hundred_activities(rows).encode(), Expect(RECORD, min_activities=100))

    # PDFs: broken xref, loops, bombs, page floods.
    add("pdf_broken_xref.pdf", break_xref(pdf), Expect(EITHER, what="xref offsets and startxref wrong"))
    add("pdf_no_xref.pdf", pdf[: pdf.rindex(b"xref\n")] + b"%%EOF\n", Expect(EITHER, what="no xref at all"))
    add("pdf_handmade_no_xref.pdf", _pdf([*_PAGE_OBJECTS, _pdf_stream(b"BT ET"), _FONT], xref=False),
        Expect(UNREADABLE, "PDF"))  # fmt: skip
    add("pdf_page_loop.pdf", pdf_page_loop(), Expect(UNREADABLE, "PDF", "a page tree that contains itself"))
    add(
        "pdf_flate_bomb.pdf", pdf_flate_bomb(), Expect(UNREADABLE, "decompression bomb", "inflates to 400 MB")
    )
    add("pdf_nested_arrays.pdf", pdf_text_page(b"[" * 300_000), Expect(UNREADABLE, "unclosed", "300,000 '['"))
    add("pdf_many_pages.pdf", pdf_many_pages(), Expect(UNREADABLE, "", "5,000 pages"))
    add("pdf_latin_text.pdf", pdf_text_page(b"Annual report"), Expect(UNREADABLE, "no report field"))
    add("pdf_unbalanced_parens.pdf", pdf_text_page(b"((((((((" * 100_000), Expect(UNREADABLE, "unclosed"))
    add("pdf_after_junk.txt", rng.randbytes(900) + pdf, Expect(EITHER, what="PDF after 900 junk bytes"))

    # DOCX: bombs, entity tricks, deep nesting, part floods.
    add(
        "docx_lying_sizes.docx",
        docx_lying_sizes(),
        Expect(UNREADABLE, "Word", "declared 1 KB, really 300 MB"),
    )
    add("docx_billion_laughs.docx", docx_billion_laughs(), Expect(EITHER, what="entity expansion bomb"))
    add("docx_external_entity.docx", docx_external_entity(), Expect(EITHER, what="XXE naming /etc/passwd"))
    add("docx_deep_tables.docx", docx_deep_tables(), Expect(EITHER, what="tables nested 10,000 deep"))
    add("docx_many_parts.docx", docx_many_parts(), Expect(UNREADABLE, "parts", "2,500 zip members"))
    add("docx_no_document.docx", _zip({"[Content_Types].xml": _DOCX_CT}), Expect(UNREADABLE, "document.xml"))
    garbage = {
        "[Content_Types].xml": _DOCX_CT,
        "_rels/.rels": _DOCX_RELS,
        "word/document.xml": rng.randbytes(4000),
    }
    add("docx_garbage_xml.docx", _zip(garbage), Expect(UNREADABLE, "Word"))
    add("docx_fixture_bomb.docx", fixtures._zip_bomb(), Expect(UNREADABLE, "zip bomb"))
    add("zip_not_docx.docx", _zip({"a.txt": b"hello"}), Expect(UNREADABLE, "not a Word"))

    names = [name for name, _, _ in items]
    assert len(names) == len(set(names)), "duplicate nasty file names"
    return items


def make_all(out_dir: Path) -> list[tuple[Path, Expect]]:
    """Write the corpus (all but the 200 MB file) into `out_dir`; return [(path, expectation)]."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for name, data, expect in build(out_dir):
        path = out_dir / name
        path.write_bytes(data)
        out.append((path, expect))
    return out


def main(argv: list[str]) -> None:
    out_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    if out_dir == DEFAULT_OUT and out_dir.exists():
        shutil.rmtree(out_dir)
    for path, expect in make_all(out_dir):
        print(f"{path.stat().st_size:>10} {expect.outcome:10} {path.name}")


if __name__ == "__main__":
    main(sys.argv)
