//! Editing an .xlsx below the spreadsheet level: it is a zip of XML parts.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The text of part `name` (e.g. `xl/workbook.xml`).
pub fn read_part(xlsx: &Path, name: &str) -> String {
    let mut zip = ZipArchive::new(std::fs::File::open(xlsx).expect("xlsx opens")).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{}: no part {name}: {e}", xlsx.display()))
        .read_to_string(&mut text)
        .expect("UTF-8 XML");
    text
}

/// Copies `src` to `dst`, replacing the parts named in `parts` with new text;
/// every other part is copied byte for byte, in the original order.
pub fn replace_parts(src: &Path, dst: &Path, parts: &HashMap<String, String>) {
    let mut zin = ZipArchive::new(std::fs::File::open(src).expect("xlsx opens")).expect("a zip");
    let mut zout = ZipWriter::new(std::fs::File::create(dst).expect("output file"));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut replaced = 0;
    for i in 0..zin.len() {
        let file = zin.by_index_raw(i).expect("zip entry");
        let name = file.name().expect("entry name").to_string();
        match parts.get(&name) {
            Some(text) => {
                drop(file);
                zout.start_file(name, options).unwrap();
                zout.write_all(text.as_bytes()).unwrap();
                replaced += 1;
            }
            None => zout.raw_copy_file(file).unwrap(),
        }
    }
    zout.finish().unwrap();
    assert_eq!(
        replaced,
        parts.len(),
        "every part to replace exists in {}",
        src.display()
    );
}

/// Value of attribute `name` in the start tag `tag` (`<sheet name="…" …>`).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Start tags `<{element} …>` in `xml`.
fn tags<'a>(xml: &'a str, element: &str) -> Vec<&'a str> {
    let open = format!("<{element} ");
    xml.match_indices(&open)
        .filter_map(|(i, _)| {
            let end = xml[i..].find('>')?;
            Some(&xml[i..i + end + 1])
        })
        .collect()
}

/// Zip path of the worksheet XML of sheet `sheet` (via workbook.xml and its rels).
pub fn sheet_part(xlsx: &Path, sheet: &str) -> String {
    let workbook = read_part(xlsx, "xl/workbook.xml");
    let rid = tags(&workbook, "sheet")
        .into_iter()
        .find(|t| attr(t, "name") == Some(sheet))
        .and_then(|t| attr(t, "r:id"))
        .unwrap_or_else(|| panic!("{}: no sheet {sheet}", xlsx.display()))
        .to_string();
    let rels = read_part(xlsx, "xl/_rels/workbook.xml.rels");
    let target = tags(&rels, "Relationship")
        .into_iter()
        .find(|t| attr(t, "Id") == Some(rid.as_str()))
        .and_then(|t| attr(t, "Target"))
        .unwrap_or_else(|| panic!("{}: no relationship {rid}", xlsx.display()));
    match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    }
}

/// Sets the stored value (`<v>`) of cell `cell` (e.g. `E5`) to `value`.
/// The cell must exist and hold a value.
pub fn set_cell_value(xml: &str, cell: &str, value: &str) -> String {
    let open = format!("<c r=\"{cell}\"");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no cell {cell} in the sheet XML"));
    let end = start + xml[start..].find("</c>").expect("cell closes");
    let v = start + xml[start..end].find("<v>").expect("cell has a value") + 3;
    let v_end = v + xml[v..end].find("</v>").expect("value closes");
    format!("{}{value}{}", &xml[..v], &xml[v_end..])
}

/// Replaces the cached result of every formula cell with `sentinel`, so that
/// any value still there after a round trip was not recalculated. Returns the
/// new XML and how many cached results were replaced.
pub fn poison_formula_results(xml: &str, sentinel: &str) -> (String, usize) {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    let mut n = 0;
    while let Some(i) = rest.find("</f><v>") {
        let v = i + "</f><v>".len();
        let len = rest[v..].find("</v>").expect("value closes");
        out.push_str(&rest[..v]);
        out.push_str(sentinel);
        rest = &rest[v + len..];
        n += 1;
    }
    out.push_str(rest);
    (out, n)
}
