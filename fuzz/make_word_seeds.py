#!/usr/bin/env python3
"""Writes hand-made hostile seeds for the Word readers of Word's own
features (automatic numbering, footnotes, pictures, review comments) into
fuzz/corpus/comments/ and fuzz/corpus/docx/, next to the fixtures of
tests/fixtures/word (made by its make_word_fixtures.py, copied in as seeds).

Each seed is a small .docx that is wrong in one way a real or hostile file
can be: comment ranges that never close, end before they start, overlap or
cross a table; a comment that is nowhere in the body; numbering with a
start at the top of u32, an unknown format, a level text of placeholders,
a loop of styles based on each other; footnotes that refer to nothing.
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "tests" / "fixtures" / "word"))
import make_word_fixtures as fx  # noqa: E402

W = fx.W


def seed(name, body, comments=fx.COMMENTS, numbering=fx.NUMBERING, styles=fx.STYLES, footnotes=None):
    parts = fx.package(body, with_comments=True, with_footnotes=footnotes is not None)
    parts["word/comments.xml"] = comments
    parts["word/numbering.xml"] = numbering
    parts["word/styles.xml"] = styles
    if footnotes is not None:
        parts["word/footnotes.xml"] = footnotes
    for target in ("comments", "docx"):
        path = ROOT / "corpus" / target / f"seed-{name}.docx"
        fx.HERE = path.parent
        fx.write(path.name, parts)


start = lambda i: f'<w:commentRangeStart w:id="{i}"/>'
end = lambda i: f'<w:commentRangeEnd w:id="{i}"/>'
ref = lambda i: f'<w:r><w:commentReference w:id="{i}"/></w:r>'
p = fx.text_para

if __name__ == "__main__":
    seed("range-never-closed", start(0) + p("một") + p("hai"))
    seed("range-ends-before-it-starts", fx.para(end(0) + fx.run("một")) + fx.para(start(0) + fx.run("hai")))
    seed("ranges-overlap", fx.para(start(0) + fx.run("một ") + start(1) + fx.run("hai") + end(0) + fx.run(" ba") + end(1)))
    seed(
        "range-across-a-table",
        fx.para(start(0) + fx.run("trước"))
        + "<w:tbl><w:tr><w:tc>" + p("ô một") + "</w:tc><w:tc>" + fx.para(fx.run("ô hai") + end(0)) + "</w:tc></w:tr></w:tbl>",
    )
    seed("comment-nowhere-in-the-body", p("chỉ có chữ"))
    seed("a-thousand-open-ranges", "".join(start(i) for i in range(1000)) + p("chữ " * 200))
    seed("reference-only-in-an-empty-paragraph", fx.para(ref(2)) + p("sau"))
    seed("range-in-deleted-text", fx.para(start(0) + '<w:del w:id="9" w:author="x"><w:r><w:delText>xóa</w:delText></w:r></w:del>' + end(0) + fx.run("còn")))
    seed("comments-part-broken", p("chữ") + fx.para(start(0) + fx.run("a") + end(0)), comments=fx.DECLARATION + f'<w:comments xmlns:w="{W}"><w:comment w:id="0"><w:p>')
    seed(
        "numbering-at-the-top-of-u32",
        fx.text_para("a", "ListParagraph", (2, 0)) * 3 + fx.text_para("b", "Heading1") * 3,
        numbering=fx.DECLARATION + f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="20"><w:lvl w:ilvl="0"><w:start w:val="4294967295"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1%1%1%1%1%1%1%1%1)"/></w:lvl></w:abstractNum><w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num><w:num w:numId="1"><w:abstractNumId w:val="404"/></w:num></w:numbering>',
    )
    seed(
        "numbering-placeholders-past-the-levels",
        fx.text_para("a", "ListParagraph", (2, 8)) + fx.text_para("b", "ListParagraph", (2, 9)) + fx.text_para("c", "ListParagraph", (2, 255)),
        numbering=fx.DECLARATION + f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="20"><w:lvl w:ilvl="8"><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%0%9%10%%1%"/><w:lvlRestart w:val="200"/></w:lvl><w:lvl/></w:abstractNum><w:num w:numId="2"><w:abstractNumId w:val="20"/><w:lvlOverride w:ilvl="8"><w:startOverride w:val="-5"/><w:lvl w:ilvl="8"><w:start w:val="0"/></w:lvl></w:lvlOverride></w:num></w:numbering>',
    )
    seed(
        "styles-based-on-each-other",
        fx.text_para("a", "A") + fx.text_para("b", "B"),
        styles=fx.DECLARATION + f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/></w:style><w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="A"/></w:style></w:styles>',
    )
    seed(
        "footnotes-that-refer-to-nothing",
        fx.para(fx.run("a") + '<w:r><w:footnoteReference w:id="77"/></w:r><w:r><w:footnoteReference/></w:r><w:r><w:endnoteReference w:id="1"/></w:r>'),
        footnotes=fx.DECLARATION + f'<w:footnotes xmlns:w="{W}"><w:footnote w:id="77"><w:p><w:r><w:t>ghi chú</w:t></w:r></w:p></w:footnote><w:footnote w:id="77"/></w:footnotes>',
    )
    seed("drawing-never-closed", fx.para(fx.run("a") + "<w:r><w:drawing><wp:inline>") + "</w:body></w:document>")
