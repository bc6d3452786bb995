use super::*;

#[test]
fn meter_stops_long_tokens_and_big_parts() {
    let text = format!("<a>{}</a>", "x".repeat(100));
    let mut m = Meter::new(text.as_bytes(), 1000, Some(50));
    assert!(io::copy(&mut m, &mut io::sink()).is_err());
    assert_eq!(m.over, Some(Over::Token));
    let mut m = Meter::new(text.as_bytes(), 10, Some(500));
    assert!(io::copy(&mut m, &mut io::sink()).is_err());
    assert_eq!(m.over, Some(Over::Bytes));
    let mut m = Meter::new(text.as_bytes(), 1000, Some(500));
    assert!(io::copy(&mut m, &mut io::sink()).is_ok());
}

#[test]
fn tags_are_counted_across_reads() {
    let text = format!(
        "<sst>{}<x:si>1</x:si><sib/>",
        "<si><t>a</t></si>".repeat(10_000)
    );
    // a reader handing out 7 bytes at a time splits names across reads
    struct Slow<'a>(&'a [u8]);
    impl Read for Slow<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(7).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let n = super::zip::count_tags(&mut Slow(text.as_bytes()), b"si", |_| false).unwrap();
    assert_eq!(n, 10_001);
}

#[test]
fn csv_meter_counts_quoted_lines_as_one_record() {
    let long = format!("a,\"{}\"\n", "x\n".repeat(MAX_CELL_BYTES as usize));
    let mut m = CsvMeter::new(long.as_bytes(), b',', u64::MAX);
    assert!(io::copy(&mut m, &mut io::sink()).is_err());
    assert!(m.over.unwrap().contains("per field"));
    let fine = "a,b\n".repeat(100_000);
    let mut m = CsvMeter::new(fine.as_bytes(), b',', u64::MAX);
    assert!(io::copy(&mut m, &mut io::sink()).is_ok());
}

#[test]
fn xls_dimensions_are_checked_as_calamine_reads_them() {
    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }
    let mut s = rec(0x0809, &[0, 6, 0x10, 0]);
    let sheet_at = s.len() + 14 + 4;
    let mut bs = (sheet_at as u32).to_le_bytes().to_vec();
    bs.extend([0, 0, 2, 0, b'S', b'1']);
    s.extend(rec(0x0085, &bs));
    s.extend(rec(0x000A, &[]));
    assert_eq!(s.len(), sheet_at);
    s.extend(rec(0x0809, &[0, 6, 0x10, 0]));
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend(u32::MAX.to_le_bytes());
    dims.extend([0, 0, 0, 1, 0, 0]);
    s.extend(rec(0x0200, &dims));
    s.extend(rec(0x000A, &[]));
    let e = xls::scan_stream(&s, "c.xls").unwrap_err().to_string();
    assert!(
        e.starts_with("c.xls › S1: the size its dimensions declare (1,099,511,627,520 cells) exceeds the limit of 4,000,000 cells per sheet"),
        "{e}"
    );
}
