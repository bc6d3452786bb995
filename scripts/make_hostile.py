#!/usr/bin/env python3
"""Writes the hostile input corpus under tests/fixtures/hostile/<case>/.

Each case is a small client folder built to exhaust memory, the stack or time
when read naively — xls files with forged DIMENSIONS records or cells moved to
row/column 65535, ods files whose repeat attributes expand to billions of
cells, zip parts that claim or decompress to huge sizes, shared-string counts
calamine would reserve, xlsb records with forged sizes, deeply nested YAML,
rules and templates — plus a `case.json`:

    {"args": [...], "file": "...", "expect": "..."}

`args` is the mixaudit command line, with `{dir}` (the case folder) and
`{out}` (a fresh output folder) filled in by the test; `file` is the file the
message must name; `expect` a fragment the message must contain.
`exit` is 1 but for the few well-formed files that must be read within the
memory bound (0). `tests/hostile_corpus.rs` runs every case with the real binary under a 4 GB
address-space limit and a timeout, and asserts exit code 1, the message, no
output written, inputs unchanged and peak memory under 1 GB.

Every file is small (the largest is a few tens of KB): the huge cases are
compressed or forged, never stored. Cases that cannot be committed (a FIFO, a
5 MB CSV line, a 2 MB YAML file) are made by the test itself.

Needs only Python 3.9+ (standard library). Run from anywhere:

    python3 scripts/make_hostile.py

Output is deterministic (fixed zip timestamps). The two xls cases are patched
copies of tests/fixtures/inputs/xls/customers.xls (see make_fixtures.py).
"""

from __future__ import annotations

import json
import shutil
import struct
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "hostile"
XLS = ROOT / "tests" / "fixtures" / "inputs" / "xls" / "customers.xls"
STAMP = (2026, 1, 2, 3, 4, 6)

CUSTOMERS_CSV = (
    "customer_id,name,last_purchase,orders,revenue\n"
    "C1,Anna,2026-06-01,3,900\n"
    "C2,Ben,2025-01-15,1,100\n"
)
SPEND_CSV = (
    "touchpoint,p,spend,objective,stage,channel,cadence_days,personalized,feedback_loop\n"
    "Loyalty newsletter,promotion,1000,retention,customer,email,30,yes,no\n"
)
AUDIT = ["audit", "{dir}", "--out", "{out}"]


def case(name: str, files: dict[str, bytes | str], args: list[str], file: str, expect: str,
         exit: int = 1) -> None:
    d = OUT / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for fname, body in files.items():
        data = body.encode() if isinstance(body, str) else body
        (d / fname).write_bytes(data)
    meta = {"args": args, "file": file, "expect": expect, "exit": exit}
    (d / "case.json").write_text(json.dumps(meta, indent=2) + "\n")


def zip_bytes(parts: list[tuple[str, bytes | str]], stored_first: bool = False) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i, (name, body) in enumerate(parts):
            info = zipfile.ZipInfo(name, STAMP)
            stored = stored_first and i == 0
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            z.writestr(info, body.encode() if isinstance(body, str) else body, compresslevel=9)
    return buf.getvalue()


# ---------------------------------------------------------------- xlsx parts
CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = (
    '<row r="1">'
    + inline("A1", "customer_id")
    + inline("B1", "last_purchase")
    + inline("C1", "orders")
    + inline("D1", "revenue")
    + "</row>"
)


def sheet_xml(rows: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{HEADER_ROW}{rows}</sheetData></worksheet>"
    )


def xlsx(sheet: str, sst: str) -> bytes:
    return zip_bytes(
        [
            ("[Content_Types].xml", CT),
            ("_rels/.rels", RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WB_RELS),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", sst),
        ]
    )


SST_OK = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>C1</t></si></sst>'
ROW_OK = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'


def forge_zip_size(data: bytes, part: str, size: int) -> bytes:
    """Sets the uncompressed size of `part` in its local header and in the
    central directory, leaving the compressed data alone."""
    b = bytearray(data)
    name = part.encode()
    local = b.find(b"PK\x03\x04" + b"")
    while local != -1:
        n = struct.unpack_from("<H", b, local + 26)[0]
        if bytes(b[local + 30 : local + 30 + n]) == name:
            struct.pack_into("<I", b, local + 22, size)
        local = b.find(b"PK\x03\x04", local + 4)
    cd = b.find(b"PK\x01\x02")
    while cd != -1:
        n = struct.unpack_from("<H", b, cd + 28)[0]
        if bytes(b[cd + 46 : cd + 46 + n]) == name:
            struct.pack_into("<I", b, cd + 24, size)
        cd = b.find(b"PK\x01\x02", cd + 4)
    return bytes(b)


# ---------------------------------------------------------------- ods
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)
ODS_HEADER = (
    "<table:table-row>"
    + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
        for h in ["customer_id", "last_purchase", "orders", "revenue"]
    )
    + "</table:table-row>"
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods(rows: str) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}><office:body><office:spreadsheet>'
        f'<table:table table:name="Customers">{ODS_HEADER}{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    return zip_bytes(
        [
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", MANIFEST),
            ("content.xml", content),
        ],
        stored_first=True,
    )


VALUE_CELL = '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'


# ---------------------------------------------------------------- xlsb
def varint(n: int, max_bytes: int) -> bytes:
    out = bytearray()
    for _ in range(max_bytes):
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            break
    return bytes(out)


def rec(typ: int, data: bytes, size: int | None = None) -> bytes:
    return varint(typ, 2) + varint(len(data) if size is None else size, 4) + data


def xlsb(sheet_records: bytes) -> bytes:
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        "</Types>"
    )
    rels = RELS.replace("xl/workbook.xml", "xl/workbook.bin")
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/>'
        "</Relationships>"
    )
    name = "Customers".encode("utf-16-le")
    bundle = struct.pack("<II", 0, 1) + struct.pack("<I", 3) + "rId1".encode("utf-16-le") + struct.pack("<I", 9) + name
    workbook = rec(0x0083, b"") + rec(0x008F, b"") + rec(0x009C, bundle) + rec(0x0090, b"") + rec(0x0084, b"")
    return zip_bytes(
        [
            ("[Content_Types].xml", ct),
            ("_rels/.rels", rels),
            ("xl/workbook.bin", workbook),
            ("xl/_rels/workbook.bin.rels", wb_rels),
            ("xl/worksheets/sheet1.bin", sheet_records),
        ]
    )


def row_hdr(r: int) -> bytes:
    return rec(0x0000, struct.pack("<I", r) + bytes(13))


def cell_real(col: int, v: float) -> bytes:
    return rec(0x0005, struct.pack("<I", col) + bytes(4) + struct.pack("<d", v))


# ---------------------------------------------------------------- xls
def xls_patched(kind: str) -> bytes:
    data = bytearray(XLS.read_bytes())
    if kind == "dimensions":
        at = data.find(b"\x00\x02\x0e\x00")
        assert at != -1 and data.find(b"\x00\x02\x0e\x00", at + 1) == -1
        struct.pack_into("<I", data, at + 4 + 4, 0xFFFFFFFF)  # rwMac
    else:
        at = data.rfind(b"\xfd\x00\x0a\x00")  # the last LabelSst record
        assert at != -1
        struct.pack_into("<HH", data, at + 4, 0xFFFF, 0xFFFF)  # row, col
    return bytes(data)


# ---------------------------------------------------------------- checklists
def checklist(pass_expr: str) -> str:
    return (
        "name: hostile\nversion: '1'\nratings: {green: 75, amber: 50}\nsections:\n"
        "  - p: promotion\n    weight: 1\n    items:\n"
        f"      - id: HOS-01\n        title: t\n        scope: portfolio\n        pass: \"{pass_expr}\"\n        weight: 1\n"
    )


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    good = {"spend.csv": SPEND_CSV}
    msg = "exceeds the limit of"

    # xls: calamine reserves DIMENSIONS rows × columns, and allocates the
    # dense range its cells span.
    case("xls_dimensions_4g_rows", {**good, "customers.xls": xls_patched("dimensions")}, AUDIT,
         "customers.xls", "the size its dimensions declare (55,834,574,835 cells) exceeds the limit of 4,000,000 cells per sheet")
    case("xls_cell_at_65535", {**good, "customers.xls": xls_patched("cell")}, AUDIT,
         "customers.xls", "the range its cells span (4,294,967,296 cells) exceeds the limit")

    # ods: repeat attributes expand rows and columns calamine never stored
    # (6,000 × 16,384 stays under calamine's own 100,000,000-cell cap and
    # asks it for 5.5 GB).
    case("ods_rows_repeated", {**good, "customers.ods": ods(
        f'<table:table-row table:number-rows-repeated="6000">{VALUE_CELL}</table:table-row>')},
        AUDIT, "customers.ods", "the range its rows span once repeats are expanded (98,320,384 cells)")
    case("ods_columns_repeated", {**good, "customers.ods": ods(
        f"<table:table-row>{VALUE_CELL}</table:table-row>" * 300)},
        AUDIT, "customers.ods", "(4,014,080 cells) exceeds the limit of 4,000,000 cells per sheet")

    string_row = ('<table:table-row><table:table-cell table:number-columns-repeated="16384" '
                  'office:value-type="string"><text:p>abcdefgh</text:p></table:table-cell></table:table-row>')
    two = ods(string_row * 243)  # one sheet of 3,981,312 cells, then a renamed copy
    import io
    src = zipfile.ZipFile(io.BytesIO(two))
    content = src.read("content.xml").decode()
    t0, t1 = content.index("<table:table "), content.index("</table:table>") + len("</table:table>")
    content = content[:t1] + content[t0:t1].replace('table:name="Customers"', 'table:name="Other"') + content[t1:]
    case("ods_two_sheets_at_the_sheet_limit", {**good, "customers.ods": zip_bytes(
        [("mimetype", src.read("mimetype")), ("META-INF/manifest.xml", src.read("META-INF/manifest.xml")),
         ("content.xml", content)], stored_first=True)},
        AUDIT, "customers.ods", "cells so far) exceeds the limit of 6,000,000 cells per workbook")

    # csv: 3,000 columns all named the same (naming the extra columns was
    # cubic in their number).
    case("csv_wide_header", {**good, "customers.csv": "customer_id,last_purchase,orders,revenue,"
                             + ",".join(["x"] * 3000) + "\nC1,2026-01-01,1,10," + ",".join(["1"] * 3000) + "\n"},
         AUDIT, "customers.csv", "the row's 3004 filled cells exceed the limit of 1024 columns per table")

    # xlsx / xlsm: shared strings calamine reserves or keeps, parts that
    # claim huge sizes, a text run that would sit whole in the XML buffer.
    case("xlsx_unique_count", {**good, "customers.xlsx": xlsx(sheet_xml(ROW_OK), SST_OK.replace(
        'uniqueCount="1"', 'uniqueCount="1000000000000"'))},
        AUDIT, "customers.xlsx", "the number of shared strings it declares (1,000,000,000,000) exceeds the limit")
    many = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "<si/>" * 4_000_001 + "</sst>"
    case("xlsx_shared_strings_count", {**good, "customers.xlsx": xlsx(sheet_xml(ROW_OK), many)},
         AUDIT, "customers.xlsx", "the number of its shared strings (at least 4,000,001) exceeds the limit of 4,000,000")
    big_text = sheet_xml('<row r="2">' + inline("A2", "x" * (5 << 20)) + "</row>")
    case("xlsx_long_cell_text", {**good, "customers.xlsx": xlsx(big_text, SST_OK)},
         AUDIT, "customers.xlsx", "one XML tag or text run exceeds the limit of 4 MiB")
    case("xlsm_long_cell_text", {**good, "customers.xlsm": xlsx(big_text, SST_OK)},
         AUDIT, "customers.xlsm", "one XML tag or text run exceeds the limit of 4 MiB")
    case("xlsx_part_claims_4gb", {**good, "customers.xlsx": forge_zip_size(
        xlsx(sheet_xml(ROW_OK), SST_OK), "xl/sharedStrings.xml", 0xFFFFFFF0)},
        AUDIT, "customers.xlsx", "declared uncompressed size of 4294967280 bytes exceeds the limit of 1 GiB per part")

    # Rows that make reused row buffers huge: 3,000 rows reaching column XFD
    # (read, but within bounds), and one row of 17.5 MiB of text (refused).
    wide = "".join(f'<row r="{r}">' + inline(f"A{r}", f"C{r}") + f'<c r="XFD{r}"><v>1</v></c></row>'
                   for r in range(2, 3002))
    case("xlsx_wide_rows_accepted", {**good, "customers.xlsx": xlsx(sheet_xml(wide), SST_OK)},
         ["check", "{dir}"], "", "", exit=0)
    heavy = '<row r="2">' + "".join(inline(f"{c}2", "y" * (7 << 19)) for c in "ABCDE") + "</row>"
    case("xlsx_row_text", {**good, "customers.xlsx": xlsx(sheet_xml(heavy), SST_OK)},
         AUDIT, "customers.xlsx", "the text of row 2 exceeds the limit of 16 MiB per row")

    # xlsb: a record header sizes calamine's buffer; cells far apart make
    # it allocate the range between them.
    sheet = rec(0x0081, b"") + rec(0x0094, bytes(16)) + rec(0x0091, b"") + row_hdr(0) + cell_real(0, 1.0) \
        + row_hdr(1_048_575) + cell_real(16_383, 2.0) + rec(0x0092, b"") + rec(0x0082, b"")
    case("xlsb_cells_far_apart", {**good, "customers.xlsb": xlsb(sheet)}, AUDIT,
         "customers.xlsb", "the range its cells span (17,179,869,184 cells) exceeds the limit")
    forged = rec(0x0081, b"") + rec(0x0091, b"") + varint(0x0005, 2) + varint(200 << 20, 4) + bytes(64)
    case("xlsb_record_size", {**good, "customers.xlsb": xlsb(forged)}, AUDIT,
         "customers.xlsb", "a record of 200 MiB exceeds the limit of 4 MiB")

    # YAML: a device named as checklist, deep flow and block nesting.
    case("config_checklist_dev_zero", {"customers.csv": CUSTOMERS_CSV, **good,
                                       "audit.yaml": "checklist: /dev/zero\n"},
         AUDIT, "zero", "is a device, not a regular file")
    case("checklist_deep_flow", {"customers.csv": CUSTOMERS_CSV, **good,
                                 "deep.yaml": "name: [" + "[" * 10_000 + "]" * 10_001 + "\n"},
         AUDIT + ["--checklist", "{dir}/deep.yaml"], "deep.yaml", "which exceeds the limit of 64")
    case("config_deep_sequence", {"customers.csv": CUSTOMERS_CSV, **good,
                                  "audit.yaml": "waivers:\n  " + "- " * 10_000 + "x\n"},
         AUDIT, "audit.yaml", "which exceeds the limit of 64")

    # Rules: unbracketed chains that overflow minijinja's parser stack.
    case("rule_not_chain", {"customers.csv": CUSTOMERS_CSV, **good,
                            "c.yaml": checklist("not " * 8000 + "true")},
         AUDIT + ["--checklist", "{dir}/c.yaml"], "c.yaml", "HOS-01")
    case("rule_not_run", {"customers.csv": CUSTOMERS_CSV, **good,
                          "c.yaml": checklist("not " * 40 + "true")},
         AUDIT + ["--checklist", "{dir}/c.yaml"], "c.yaml", "HOS-01: pass: the expression chains more than 32")
    case("rule_unary_minus", {"customers.csv": CUSTOMERS_CSV, **good,
                              "c.yaml": checklist("-" * 20000 + "1 > 0")},
         AUDIT + ["--checklist", "{dir}/c.yaml"], "c.yaml", "HOS-01")

    # Templates: deep chains, and a list doubled 60 times (beyond fuel).
    case("template_unary_chain", {"customers.csv": CUSTOMERS_CSV, **good,
                                  "t.j2": "Score\n{{ " + "-" * 20000 + "1 }}\n"},
         AUDIT + ["--template", "{dir}/t.j2"], "t.j2", "2: a template tag")
    case("template_list_doubling", {"customers.csv": CUSTOMERS_CSV, **good, "t.j2":
                                    "{% set ns = namespace(x=[1]) %}{% for i in range(60) %}"
                                    "{% set ns.x = ns.x + ns.x %}{% endfor %}{{ ns.x | length }}\n"},
         AUDIT + ["--template", "{dir}/t.j2"], "t.j2", "exceeds the limit of 5 s")
    print(f"wrote {len(list(OUT.iterdir()))} cases under {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
