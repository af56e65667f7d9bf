#!/usr/bin/env python3
"""Writes the hand-made seeds of the fuzz corpus into fuzz/corpus/<target>/.

The seeds are the report fixtures (../shared/fixtures/reports) and hostile
files made here: zip bombs, zips whose headers lie, truncated zips, an XML
entity bomb, deep nesting, decomposed (NFD) Vietnamese, huge lines, UTF-16,
control characters and the magic numbers of the formats that are refused.
Run once before a first fuzzing run; `cargo fuzz cmin` then keeps only those
that add coverage (see README.md).
"""

import io
import pathlib
import shutil
import struct
import sys
import unicodedata
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent
FIXTURES = ROOT.parent.parent / "shared" / "fixtures" / "reports"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def document(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>'.encode()


def para(text: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def zip_of(parts, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, content in parts:
            z.writestr(name, content)
    return buffer.getvalue()


def lying_sizes(data: bytes) -> bytes:
    """Rewrites every declared uncompressed size in a zip to 1 byte."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := out.find(signature, start)) != -1:
            out[at + offset : at + offset + 4] = struct.pack("<I", 1)
            start = at + 4
    return bytes(out)


def markdown_seeds():
    vi = "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội đảng bộ tỉnh lần thứ XI"
    yield "nfd.md", ("# " + unicodedata.normalize("NFD", vi) + "\n\n" + unicodedata.normalize("NFD", vi) + "\n").encode()
    yield "huge-line.md", ("Đoạn văn rất dài " * 4000).encode()
    yield "huge-heading.md", ("# " + "tiêu đề " * 3000 + "\n").encode()
    yield "deep-list.md", "".join("  " * i + "- mục\n" for i in range(60)).encode()
    yield "deep-quote.md", (">" * 500 + " trích dẫn\n").encode()
    yield "deep-emphasis.md", ("*" * 300 + "nhấn" + "*" * 300 + "\n").encode()
    yield "ragged-table.md", b"| a | b |\n|---|---|\n| 1 | 2 | 3 | 4 |\n| |\n|x\n"
    yield "html-and-images.md", b"<script>alert(1)</script>\n\n![anh](x.png) [lien ket](http://x) `ma`\n\n<div>\n\n**dam _nghieng_**\n</div>\n"
    yield "controls.md", b"# Ti\x01\x02eu de\x0b\x0c\n\nDoan\x1b[31m do\x7f\n"
    yield "crlf-bom.md", b"\xef\xbb\xbf# Tieu de\r\n\r\n1. mot\r\n2. hai\r\n"
    yield "footnotes-and-setext.md", b"Tieu de\n=======\n\nDoan[^1]\n\n[^1]: chu thich\n\n---\n\n    ma khoi\n"
    yield "many-blocks.md", ("doan\n\n" * 3000).encode()
    yield "only-space.md", b" \n\t\r\n  \n"


def docx_seeds():
    body = para("Báo cáo", "Title") + para("I. Tình hình", "Heading1") + para("Nội dung")
    yield "minimal.docx", zip_of([("word/document.xml", document(body))])
    yield "stored.docx", zip_of([("word/document.xml", document(body))], zipfile.ZIP_STORED)
    # 60 MB of spaces inside the paragraph: over the 50 MB the importer inflates.
    bomb = document("<w:p><w:r><w:t>" + " " * (60 * 1024 * 1024) + "</w:t></w:r></w:p>")
    yield "zip-bomb.docx", zip_of([("word/document.xml", bomb)])
    # 2 MB, but every header says 1 byte: the bytes inflated are what count.
    yield "lying-sizes.docx", lying_sizes(zip_of([("word/document.xml", document(para("x" * 2_000_000)))]))
    fixture = (FIXTURES / "so-ket-giua-nhiem-ky.v1.docx").read_bytes()
    yield "truncated.docx", fixture[: len(fixture) // 2]
    yield "truncated-directory.docx", fixture[:-10]
    yield "entity-bomb.docx", zip_of([("word/document.xml", (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        f'<w:document {W}><w:body><w:p><w:r><w:t>&c;&c;&c;&#x1F600;&#0;&#xD800;&amp;</w:t></w:r></w:p></w:body></w:document>'
    ).encode())])
    yield "deep-nesting.docx", zip_of([("word/document.xml", document("<w:tbl><w:tr><w:tc>" * 300 + para("sâu") + "</w:tc></w:tr></w:tbl>" * 300))])
    yield "not-utf8.docx", zip_of([("word/document.xml", b"<w:document \xff\xfe>")])
    yield "unclosed.docx", zip_of([("word/document.xml", document(para("a"))[:-30])])
    styles = (f'<w:styles {W}><w:style w:type="paragraph" w:styleId="H"><w:name w:val="heading 99"/><w:basedOn w:val="H"/></w:style></w:styles>').encode()
    numbering = (f'<w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="99"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num></w:numbering>').encode()
    list_item = '<w:p><w:pPr><w:pStyle w:val="H"/><w:numPr><w:ilvl w:val="4294967295"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>mục</w:t></w:r></w:p>'
    yield "odd-styles-and-numbering.docx", zip_of([
        ("word/document.xml", document(list_item + '<w:p><w:ins><w:r><w:t>them</w:t></w:r></w:ins><w:del><w:r><w:delText>bo</w:delText></w:r></w:del></w:p>')),
        ("word/styles.xml", styles),
        ("word/numbering.xml", numbering),
    ])
    yield "no-document.docx", zip_of([("xl/workbook.xml", b"<workbook/>")])
    yield "empty-zip.docx", zip_of([])


def refused_seeds():
    yield "pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    yield "ole", bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + "EncryptedPackage".encode("utf-16-le")
    yield "rtf", b"{\\rtf1\\ansi Xin chao}"
    yield "utf16le.md", "\ufeff# Tiêu đề\n\nNội dung\n".encode("utf-16-le")
    yield "utf16be-odd.md", b"\xfe\xff\x00#\x00 \xd8"
    yield "binary", bytes(range(256))
    yield "not-utf8.md", b"# Tieu de\n\nNoi dung \xc3\x28\n"


def main():
    for target in ("import", "markdown", "docx"):
        (ROOT / "corpus" / target).mkdir(parents=True, exist_ok=True)
    for fixture in sorted(FIXTURES.iterdir()):
        kind = "docx" if fixture.suffix == ".docx" else "markdown"
        for target in (kind, "import"):
            shutil.copyfile(fixture, ROOT / "corpus" / target / f"fixture-{fixture.name}")
    for name, data in markdown_seeds():
        for target in ("markdown", "import"):
            (ROOT / "corpus" / target / name).write_bytes(data)
    for name, data in docx_seeds():
        for target in ("docx", "import"):
            (ROOT / "corpus" / target / name).write_bytes(data)
    for name, data in refused_seeds():
        (ROOT / "corpus" / "import" / name).write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
