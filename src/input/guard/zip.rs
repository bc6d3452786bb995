//! The zip-based formats (xlsx/xlsm, xlsb, ods): the number of parts, every
//! part's declared size, and the parts calamine reads, decompressed and
//! counted — xlsx shared strings here, xlsb parts in [`super::xlsb`], ods
//! content in [`super::ods`], every other XML part metered for its size and
//! its longest tag or text run.
//!
//! Why: calamine decompresses parts without a limit, quick-xml buffers a
//! whole tag or text node, and `Xlsx::read_shared_strings` reserves
//! `uniqueCount` strings at open and then keeps every string.

use super::gate::{DEFER_BYTES, Deferred};
use super::*;
use quick_xml::events::Event;

/// Checks the zip directory and the parts of a zip-based workbook of `kind`;
/// a broken zip is left to calamine. Large xlsx worksheet parts are metered
/// beside the read ([`super::gate`]): they are returned for that.
pub(super) fn scan(file: &File, kind: Kind, name: &str) -> Result<Vec<Deferred>, Problem> {
    let mut deferred = Vec::new();
    let Ok(mut zip) = ::zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(deferred); // calamine reports a broken zip in its own words
    };
    if zip.len() > MAX_ZIP_PARTS {
        return Err(over_limit(
            name,
            None,
            format!("its {} zip parts", count(zip.len() as u64)),
            format!("{} parts", count(MAX_ZIP_PARTS as u64)),
        ));
    }
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else {
            continue;
        };
        let Ok(part) = f.name().map(|n| n.to_string()) else {
            continue;
        };
        if f.size() > MAX_ZIP_PART_BYTES {
            return Err(over_limit(
                name,
                Some(&part),
                format!("its declared uncompressed size of {}", bytes(f.size())),
                format!("{} per part", bytes(MAX_ZIP_PART_BYTES)),
            ));
        }
        let lower = part.to_ascii_lowercase();
        // A large xlsx worksheet is left to the meter beside the read: its
        // local header and compressed data, where the data starts being
        // known once the raw entry is open (else bounded by the header's
        // most: 30 bytes, name and extra field of up to 64 KiB each).
        let defer = (kind == Kind::Xlsx
            && lower.starts_with("xl/worksheets/")
            && (lower.ends_with(".xml") || lower.ends_with(".rels"))
            && f.size() >= DEFER_BYTES)
            .then(|| {
                let start = f.header_start();
                let data = f.data_start().unwrap_or(start + 30 + 2 * 0xFFFF);
                (start, data + f.compressed_size())
            });
        parts.push((i, part, defer));
    }
    let mut budget = CellBudget {
        file: name,
        book: 0,
    };
    let sheets = if kind == Kind::Xlsx {
        sheet_parts(&mut zip)
    } else {
        Vec::new()
    };
    for (i, raw, defer) in parts {
        let lower = raw.to_ascii_lowercase();
        // Messages name the sheet a user sees, not the zip part behind it.
        let part = sheets
            .iter()
            .find(|(p, _)| *p == raw)
            .map(|(_, sheet)| sheet.clone())
            .unwrap_or(raw);
        let xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        if let Some((start, end)) = defer {
            deferred.push(Deferred {
                index: i,
                start,
                end,
                part,
            });
            continue;
        }
        let Ok(f) = zip.by_index(i) else {
            continue;
        };
        if kind == Kind::Xlsx && lower.ends_with("sharedstrings.xml") {
            shared_strings(f, name, &part)?;
        } else if kind == Kind::Ods && lower == "content.xml" {
            super::ods::content(f, name, &part, &mut budget)?;
        } else if kind == Kind::Xlsb && lower.ends_with(".bin") {
            super::xlsb::part(f, name, &part, lower.starts_with("xl/worksheets/"), &lower)?;
        } else if xml {
            let mut m = Meter::new(f, MAX_ZIP_PART_BYTES, Some(MAX_TOKEN_BYTES));
            let _ = io::copy(&mut m, &mut io::sink());
            if let Some(p) = meter_problem(&m, name, &part, "decompressed size") {
                return Err(p);
            }
        }
    }
    Ok(deferred)
}

/// Largest workbook.xml or its relationships part read to name the sheets.
const MAX_INDEX_PART_BYTES: u64 = 4 << 20;

/// The worksheet parts of an xlsx and the sheet names they hold, from
/// xl/workbook.xml and its relationships (both read within a byte budget;
/// anything unreadable just leaves the part names as they are).
fn sheet_parts<R: Read + io::Seek>(zip: &mut ::zip::ZipArchive<R>) -> Vec<(String, String)> {
    let read = |zip: &mut ::zip::ZipArchive<R>, part: &str, tag: &str, keys: [&str; 2]| {
        let mut out = Vec::new();
        let Ok(f) = zip.by_name(part) else { return out };
        let m = Meter::new(f, MAX_INDEX_PART_BYTES, Some(MAX_TOKEN_BYTES));
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(m));
        let mut buf = Vec::new();
        while let Ok(ev) = xml.read_event_into(&mut buf) {
            match ev {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == tag => {
                    if let (Some(a), Some(b)) = (attr_str(&e, keys[0]), attr_str(&e, keys[1])) {
                        out.push((a, b));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        out
    };
    let names = read(zip, "xl/workbook.xml", "sheet", ["r:id", "name"]);
    let rels = read(
        zip,
        "xl/_rels/workbook.xml.rels",
        "Relationship",
        ["Id", "Target"],
    );
    names
        .into_iter()
        .filter_map(|(id, sheet)| {
            let target = &rels.iter().find(|(i, _)| *i == id)?.1;
            let part = match target.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("xl/{target}"),
            };
            Some((part, sheet))
        })
        .collect()
}

/// xlsx sharedStrings: `uniqueCount` (calamine reserves that many
/// strings), the number of `<si>` items and the decompressed bytes.
fn shared_strings(f: impl Read, name: &str, part: &str) -> Result<(), Problem> {
    let m = Meter::new(f, MAX_SHARED_STRINGS_BYTES, Some(MAX_TOKEN_BYTES));
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(m));
    let mut buf = Vec::new();
    let mut items = 0u64;
    let too_many = |n: u64, what: &str| {
        over_limit(
            name,
            Some(part),
            what.replace("{}", &count(n)),
            format!("{} shared strings", count(MAX_SHARED_STRINGS)),
        )
    };
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "sst" => {
                    // calamine reserves `uniqueCount` strings up front
                    if let Some(n) = attr_u64(&e, "uniqueCount")
                        && n > MAX_SHARED_STRINGS
                    {
                        return Err(too_many(n, "the number of shared strings it declares ({})"));
                    }
                }
                "si" => items += 1,
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(_) => {
                let m = xml.get_ref().get_ref();
                return match meter_problem(m, name, part, "decompressed size") {
                    Some(p) => Err(p),
                    None => Ok(()),
                };
            }
        }
        if items > 0 {
            break; // past the header: the items are only counted from here on
        }
    }
    // Counting `<si>` tags byte-wise is many times faster than events
    // (what matters in a debug build and on a 20 MB part).
    let mut r = xml.into_inner();
    let counted = count_tags(&mut r, b"si", |n| n > MAX_SHARED_STRINGS - items);
    match counted {
        Ok(n) if items + n > MAX_SHARED_STRINGS => Err(too_many(
            items + n,
            "the number of its shared strings (at least {})",
        )),
        Ok(_) => Ok(()),
        Err(_) => match meter_problem(r.get_ref(), name, part, "decompressed size") {
            Some(p) => Err(p),
            None => Ok(()),
        },
    }
}

/// Counts start or empty tags whose local name is `local`, until the end
/// of `r` or until `stop` says the count is enough.
pub(super) fn count_tags(
    r: &mut impl Read,
    local: &[u8],
    stop: impl Fn(u64) -> bool,
) -> io::Result<u64> {
    const NAME: usize = 64;
    let mut buf = vec![0u8; 64 * 1024];
    let mut data: Vec<u8> = Vec::with_capacity(buf.len() + NAME);
    let mut n = 0u64;
    loop {
        let got = r.read(&mut buf)?;
        if got == 0 {
            return Ok(n);
        }
        data.extend_from_slice(&buf[..got]);
        let mut pos = 0;
        let mut keep = data.len();
        while let Some(i) = data[pos..].iter().position(|&b| b == b'<') {
            let at = pos + i;
            let tail = &data[at + 1..];
            let end = tail
                .iter()
                .take(NAME)
                .position(|b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'));
            let Some(end) = end else {
                if tail.len() < NAME {
                    keep = at; // the name may continue in the next read
                    break;
                }
                pos = at + 1;
                continue;
            };
            let name = &tail[..end];
            if name.rsplit(|&b| b == b':').next() == Some(local) {
                n += 1;
                if stop(n) {
                    return Ok(n);
                }
            }
            pos = at + 1;
        }
        data.drain(..keep);
    }
}

#[cfg(test)]
mod sheet_name_tests {
    use super::*;
    use std::io::Write as _;

    /// Worksheet parts map to the sheet names a user sees, relative and
    /// absolute relationship targets alike.
    #[test]
    fn worksheet_parts_are_named_by_their_sheets() {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = ::zip::ZipWriter::new(&mut buf);
            let opts = ::zip::write::SimpleFileOptions::default();
            w.start_file("xl/workbook.xml", opts).unwrap();
            w.write_all(br#"<workbook xmlns:r="r"><sheets><sheet name="Kunder" sheetId="1" r:id="rId1"/><sheet name="Orders" sheetId="2" r:id="rId2"/></sheets></workbook>"#).unwrap();
            w.start_file("xl/_rels/workbook.xml.rels", opts).unwrap();
            w.write_all(br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#).unwrap();
            w.finish().unwrap();
        }
        let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(buf.into_inner())).unwrap();
        assert_eq!(
            sheet_parts(&mut zip),
            vec![
                ("xl/worksheets/sheet1.xml".to_string(), "Kunder".to_string()),
                ("xl/worksheets/sheet2.xml".to_string(), "Orders".to_string()),
            ]
        );
    }
}
