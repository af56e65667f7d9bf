//! Each way an upload can be wrong gives its own refusal, from a crafted
//! input, and none of them panics.

use std::io::{Cursor, Write};

use gopy_documents::{
    Detected, ImportError, ImportLimits, SourceFormat, import, import_markdown, sniff,
};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

fn limits() -> ImportLimits {
    ImportLimits::default()
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, options).expect("start");
        zip.write_all(content).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const MINIMAL_DOCUMENT: &str = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Xin chào</w:t></w:r></w:p></w:body></w:document>"#;

#[test]
fn a_file_over_the_size_limit_is_refused_with_both_sizes() {
    let limits = ImportLimits {
        max_file_bytes: 10,
        ..limits()
    };
    assert_eq!(
        import(b"# Mot hai ba bon", &limits),
        Err(ImportError::TooLarge {
            max: 10,
            actual: 16
        })
    );
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    assert_eq!(import(b"", &limits()), Err(ImportError::EmptyFile));
    assert_eq!(
        import(b"\xEF\xBB\xBF", &limits()),
        Err(ImportError::EmptyFile)
    );
}

#[test]
fn a_document_of_only_white_space_has_no_text() {
    assert_eq!(
        import(b" \n\t\r\n  \n", &limits()),
        Err(ImportError::NoText {
            format: SourceFormat::Markdown
        })
    );
    let empty_word = zip_of(&[(
        "word/document.xml",
        br#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p/><w:p><w:r><w:t> </w:t></w:r></w:p></w:body></w:document>"#,
    )]);
    assert_eq!(
        import(&empty_word, &limits()),
        Err(ImportError::NoText {
            format: SourceFormat::Docx
        })
    );
}

#[test]
fn a_pdf_is_named_as_a_pdf() {
    let refused = import(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj", &limits());
    assert_eq!(
        refused,
        Err(ImportError::UnsupportedFormat {
            detected: Detected::Pdf
        })
    );
}

#[test]
fn an_ole_file_is_named_as_word_97_2003() {
    let mut bytes = OLE.to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 512));
    bytes.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    let refused = import(&bytes, &limits());
    assert_eq!(
        refused,
        Err(ImportError::UnsupportedFormat {
            detected: Detected::LegacyWord
        })
    );
    assert_eq!(Detected::LegacyWord.to_string(), "doc (Word 97-2003)");
}

#[test]
fn an_ole_file_holding_an_encrypted_package_is_a_password_protected_word_file() {
    let mut bytes = OLE.to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 512));
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(
        import(&bytes, &limits()),
        Err(ImportError::PasswordProtected)
    );
}

#[test]
fn a_truncated_docx_is_corrupt() {
    let whole = zip_of(&[("word/document.xml", MINIMAL_DOCUMENT.as_bytes())]);
    assert!(import(&whole, &limits()).is_ok());
    for cut in [whole.len() / 2, whole.len() - 10, 40] {
        let refused = import(&whole[..cut], &limits());
        assert!(
            matches!(refused, Err(ImportError::CorruptDocx { .. })),
            "cut at {cut}: {refused:?}"
        );
    }
}

#[test]
fn a_docx_with_broken_xml_is_corrupt() {
    let broken = zip_of(&[(
        "word/document.xml",
        b"<w:document xmlns:w=\"x\"><w:body><w:p></w:body>",
    )]);
    assert!(matches!(
        import(&broken, &limits()),
        Err(ImportError::CorruptDocx { .. })
    ));
}

#[test]
fn a_zip_without_a_word_document_is_named_as_such() {
    let zip = zip_of(&[("readme.txt", b"hello")]);
    assert_eq!(
        import(&zip, &limits()),
        Err(ImportError::UnsupportedFormat {
            detected: Detected::ZipWithoutWordDocument
        })
    );
    let workbook = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
    assert_eq!(
        sniff(&workbook),
        Err(ImportError::UnsupportedFormat {
            detected: Detected::Spreadsheet
        })
    );
}

#[test]
fn a_zip_bomb_is_refused_by_its_declared_size_before_inflating() {
    let bomb = zip_of(&[("word/document.xml", &vec![0u8; 60 * 1024 * 1024])]);
    assert!(
        bomb.len() < 1024 * 1024,
        "the bomb is small: {}",
        bomb.len()
    );
    let started = std::time::Instant::now();
    assert_eq!(
        import(&bomb, &limits()),
        Err(ImportError::TooLargeUncompressed {
            max: 50 * 1024 * 1024
        })
    );
    // Inflating 60 MiB takes far longer than reading a directory; this is a
    // generous bound, not a benchmark.
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn a_zip_bomb_that_lies_about_its_size_is_caught_while_inflating() {
    let mut bomb = zip_of(&[("word/document.xml", &vec![b' '; 8 * 1024 * 1024])]);
    // Rewrite the declared uncompressed size (local header offset 22,
    // central directory offset 24) to claim 100 bytes.
    for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let at = bomb
            .windows(4)
            .position(|w| w == signature)
            .expect("header");
        bomb[at + offset..at + offset + 4].copy_from_slice(&100u32.to_le_bytes());
    }
    let limits = ImportLimits {
        max_uncompressed_bytes: 1024 * 1024,
        ..limits()
    };
    let refused = import(&bomb, &limits);
    assert!(
        matches!(
            refused,
            Err(ImportError::TooLargeUncompressed { .. } | ImportError::CorruptDocx { .. })
        ),
        "{refused:?}"
    );
}

#[test]
fn text_with_invalid_utf8_is_refused_with_the_line() {
    let refused = import(b"# Tieu de\n\nDong hai\nD\xF4ng ba\n", &limits());
    assert_eq!(refused, Err(ImportError::NotUtf8 { line: 4 }));
}

#[test]
fn binary_bytes_are_named_as_binary() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00";
    assert_eq!(
        import(png, &limits()),
        Err(ImportError::UnsupportedFormat {
            detected: Detected::Binary
        })
    );
}

#[test]
fn too_many_blocks_are_refused_with_the_limit() {
    let limits = ImportLimits {
        max_blocks: 3,
        ..limits()
    };
    let text = "a\n\nb\n\nc\n\nd\n";
    assert_eq!(
        import_markdown(text, &limits),
        Err(ImportError::TooManyBlocks { max: 3 })
    );
}

#[test]
fn a_bom_is_stripped_and_control_characters_are_removed() {
    let imported = import(
        b"\xEF\xBB\xBF# Ti\x07\xC3\xAAu \x0B\xC4\x91\xE1\xBB\x81\n",
        &limits(),
    )
    .expect("import");
    assert_eq!(
        imported.blocks,
        [gopy_domain::document::BlockContent::heading(1, "Tiêu đề")]
    );
}

#[test]
fn utf16_text_with_a_byte_order_mark_is_read() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("# Báo cáo\n".encode_utf16().flat_map(u16::to_le_bytes));
    let imported = import(&bytes, &limits()).expect("import");
    assert_eq!(
        imported.blocks,
        [gopy_domain::document::BlockContent::heading(1, "Báo cáo")]
    );
}

#[test]
fn garbage_never_panics() {
    let whole = zip_of(&[("word/document.xml", MINIMAL_DOCUMENT.as_bytes())]);
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..300 {
        let mut bytes = whole.clone();
        for _ in 0..(round % 8 + 1) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % bytes.len();
            bytes[at] = (seed >> 32) as u8;
        }
        let _ = import(&bytes, &limits());
        let _ = import(&bytes[..(seed as usize) % bytes.len()], &limits());
    }
}

#[test]
fn tracked_changes_are_read_as_accepted_and_headings_without_a_title_keep_their_number() {
    let document = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>I. Phần</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Giữ </w:t></w:r><w:del w:id="1"><w:r><w:delText>bỏ </w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:rPr><w:b/><w:rPrChange w:id="3"><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr><w:t>thêm</w:t></w:r></w:ins><w:r><w:rPr><w:i w:val="0"/></w:rPr><w:tab/><w:t>&amp; hết</w:t></w:r></w:p>
</w:body></w:document>"#;
    let docx = zip_of(&[("word/document.xml", document.as_bytes())]);
    let blocks = import(&docx, &limits()).expect("import").blocks;
    use gopy_domain::document::{BlockContent, RichText, Run};
    assert_eq!(
        blocks,
        [
            BlockContent::heading(1, "I. Phần"),
            BlockContent::Paragraph {
                text: RichText::new([
                    Run::plain("Giữ "),
                    Run {
                        text: "thêm".into(),
                        bold: true,
                        italic: false
                    },
                    Run::plain(" & hết")
                ])
            },
        ]
    );
}
