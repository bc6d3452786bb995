//! What a file really is, from its first bytes: a zip workbook, an old
//! Office (CFB) workbook, an encrypted workbook, delimited text, or
//! something else renamed (a PDF, an HTML page) — so each gets its own clear
//! message before any reader is started.

use std::path::Path;

use crate::error::{Code, Location, Problem};

pub(super) const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
pub(super) const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What [`classify`] found a file to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Content {
    /// Delimited text, read as CSV.
    Text,
    /// A workbook for calamine (its kind named by the extension).
    Workbook,
}

/// The UTF-16 encoding a byte-order mark at the start of `head` names.
pub(super) fn utf16_encoding(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if head.starts_with(&[0xFF, 0xFE]) {
        Some(encoding_rs::UTF_16LE)
    } else if head.starts_with(&[0xFE, 0xFF]) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether a file with extension `ext` and first bytes `head` is read as
/// text or as a workbook, or why it cannot be read: binary content named
/// `.csv`, an encrypted or non-zip `.xlsx`, a non-workbook `.xls` that is not
/// tab-separated text, an unknown extension.
pub(super) fn classify(
    path: &Path,
    ext: &str,
    head: &[u8],
    text_like: bool,
) -> Result<Content, Problem> {
    let loc = || Location::file(path);
    let is_zip = head.starts_with(ZIP_MAGIC);
    let is_cfb = head.starts_with(CFB_MAGIC);
    match ext {
        "csv" | "tsv" | "txt" => {
            if !text_like {
                return Err(Problem::new(
                    Code::NotSpreadsheet,
                    loc(),
                    "is not a text file (binary content)",
                    "comma, semicolon or tab separated text",
                ));
            }
            Ok(Content::Text)
        }
        "xlsx" | "xlsm" | "xlsb" | "ods" if is_cfb => Err(Problem::new(
            Code::PasswordProtected,
            loc(),
            "is password-protected (encrypted), so it cannot be read",
            "the workbook saved again without a password (File › Info › Protect Workbook › remove the password)",
        )),
        "xlsx" | "xlsm" | "xlsb" | "ods" if !is_zip => Err(Problem::new(
            Code::NotSpreadsheet,
            loc(),
            format!("is not a spreadsheet ({})", sniff(head)),
            format!("a real .{ext} workbook"),
        )),
        "xls" if !is_cfb => {
            if text_like && !sniff(head).contains("HTML") {
                // Old web exports write tab-separated text named .xls.
                return Ok(Content::Text);
            }
            Err(Problem::new(
                Code::NotSpreadsheet,
                loc(),
                format!("is not a spreadsheet ({})", sniff(head)),
                "a real .xls workbook (or save it as .xlsx or .csv)",
            ))
        }
        "xlsx" | "xlsm" | "xlsb" | "ods" | "xls" => Ok(Content::Workbook),
        _ => Err(Problem::new(
            Code::UnknownFileType,
            loc(),
            format!("has an unknown file type `.{ext}`"),
            "one of .xlsx, .xlsm, .xlsb, .xls, .ods, .csv",
        )),
    }
}

fn sniff(head: &[u8]) -> &'static str {
    let lower = String::from_utf8_lossy(&head[..head.len().min(200)]).to_lowercase();
    if head.starts_with(b"%PDF") {
        "it is a PDF document"
    } else if lower.contains("<html")
        || lower.contains("<!doctype html")
        || lower.contains("<table")
    {
        "it is an HTML page"
    } else if head.starts_with(ZIP_MAGIC) {
        "it is a zip archive of another kind"
    } else if head.starts_with(CFB_MAGIC) {
        "it is an old Office document of another kind"
    } else if head.starts_with(b"\x89PNG") || head.starts_with(b"\xFF\xD8\xFF") {
        "it is an image"
    } else if !head.contains(&0) {
        "it is plain text"
    } else {
        "unrecognised binary content"
    }
}

pub(super) fn describe_calamine(e: &calamine::Error) -> String {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        "is password-protected (encrypted), so it cannot be read".into()
    } else if lower.contains("zip")
        || lower.contains("invalid")
        || lower.contains("eof")
        || lower.contains("xml")
    {
        format!("is corrupt or truncated ({text})")
    } else {
        format!("could not be read ({text})")
    }
}
