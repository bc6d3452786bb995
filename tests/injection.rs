//! Client-supplied text is inert in every text output: summary.md gets no raw
//! HTML, no links, no broken tables and no injected headings; report.html is
//! HTML-escaped; the terminal never receives an escape sequence.

mod common;

use common::*;

const HOSTILE_SPEND: &str = "touchpoint,p,spend,objective\n\
\"<script>alert(1)</script>\",promotion,1000,retention\n\
\"[click](javascript:alert(1))\",promotion,500,acquisition\n\
\"a | b | c\",process,300,retention\n\
\"line one\n# Injected heading\",people,200,retention\n\
\"<img src=x onerror=alert(1)>\",product,100,both\n";

#[test]
fn client_text_is_escaped_everywhere() {
    let tmp = temp();
    let dir = tmp.path().join("client");
    write_files(
        &dir,
        &[
            ("customers.csv", CUSTOMERS_CSV),
            ("spend.csv", HOSTILE_SPEND),
            (
                "audit.yaml",
                "client: \"Evil\\e[31m <b>Corp</b> | x\"\nas_of: \"2026-06-30\"\n",
            ),
        ],
    );
    let out = tmp.path().join("out");
    let o = mixaudit(&[
        "audit",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        !o.stderr.contains(&0x1b),
        "no escape sequence on the terminal: {err:?}"
    );
    assert!(
        err.contains("Evil[31m"),
        "the rest of the name is kept: {err}"
    );

    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    for bad in ["<script", "<img", "<b>", "](javascript:", "\n# Injected"] {
        assert!(!md.contains(bad), "summary.md contains {bad:?}");
    }
    assert!(
        md.contains("&lt;b&gt;Corp&lt;/b&gt; \\| x"),
        "the client name is still shown, escaped"
    );
    // Every table row has as many unescaped cell separators as its header.
    let mut header_cells = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            header_cells = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        match header_cells {
            None => header_cells = Some(cells),
            Some(n) => assert_eq!(cells, n, "table row broken: {line}"),
        }
    }

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for bad in ["<script", "<img src=x", "<b>Corp"] {
        assert!(!html.contains(bad), "report.html contains {bad:?}");
    }
    assert!(
        html.contains("&lt;b&gt;Corp"),
        "the client name is shown, escaped"
    );
}
