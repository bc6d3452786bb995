//! Valid inputs never fail at write time: texts longer than an Excel cell
//! are cut with a warning when the inputs load (so `check` says so too), and
//! lists joined into one cell are capped.

mod common;

use common::*;

#[test]
fn oversized_texts_and_lists_are_written_not_refused() {
    let tmp = temp();
    let dir = tmp.path().join("client");
    let long_name = "N".repeat(32_768);
    let mut spend = String::from("touchpoint,p,spend,objective\n");
    spend.push_str(&format!("{long_name},promotion,10,retention\n"));
    let mut names = Vec::new();
    for i in 0..2000 {
        let name = format!("Mailing number {i:04}");
        spend.push_str(&format!("{name},promotion,1,retention\n"));
        names.push(name);
    }
    let customers = format!(
        "customer_id,name,last_purchase,orders,revenue,touchpoints\nC1,Anna,2026-06-01,3,900,\"{}\"\nC2,Ben,2026-05-01,1,100,\n",
        names.join(";")
    );
    write_files(
        &dir,
        &[("customers.csv", &customers), ("spend.csv", &spend)],
    );
    let d = dir.to_str().unwrap();
    let check = mixaudit(&["check", d]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("longer than Excel's 32767 characters per cell were cut"),
        "{}",
        stderr(&check)
    );
    let out = tmp.path().join("out");
    let o = mixaudit(&[
        "audit",
        d,
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xlsx = out.join("audit.xlsx");
    let customers = sheet(&xlsx, "Customers");
    let reached = customers
        .rows()
        .flat_map(|r| r.iter())
        .map(|c| c.to_string())
        .find(|t| t.starts_with("Mailing number"))
        .expect("the reached touchpoints are listed");
    assert!(
        reached.ends_with("… and 1950 more"),
        "{}",
        &reached[reached.len() - 40..]
    );
    let tps = sheet(&xlsx, "Touchpoints");
    let longest = tps
        .rows()
        .flat_map(|r| r.iter())
        .map(|c| c.to_string().chars().count())
        .max()
        .unwrap();
    assert!(longest <= 32_767, "no cell over Excel's limit ({longest})");
}
