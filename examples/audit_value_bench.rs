//! Times `analytics::analyse` — every retention figure, including the
//! customer-value step (histories, BG/NBD, Gamma-Gamma, CLV, cohorts, RFM) —
//! on a synthetic million-customer client with an Orders sheet, to keep the
//! value step's cost in view as the audit grows.
//!
//! ```sh
//! cargo run --release --example audit_value_bench -- [CUSTOMERS]
//! ```

use std::time::Instant;

use mixaudit::analytics::{self, Params, value::RfmSegments};
use mixaudit::model::{Customer, Dataset, Day, Order};

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let as_of = Day::from_ymd(2026, 6, 30).unwrap();
    let mut ds = Dataset::default();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut orders = Vec::new();
    for i in 0..n {
        ds.customers.push(Customer::with_id(format!("C{i}"), i));
        let first = as_of.plus(-((next() % 700) as i32) - 1);
        let lifetime = (next() % 800) as i32;
        let gap = 10 + (next() % 90) as i32;
        let mut d = first;
        while d <= as_of && d.since(first) <= lifetime {
            orders.push(Order {
                customer: i,
                day: d,
                amount: 10.0 + (next() % 90) as f64,
            });
            d = d.plus(gap + (next() % 20) as i32);
        }
    }
    // What the input stage does when an Orders sheet replaces the columns.
    for o in &orders {
        let c = &mut ds.customers[o.customer as usize];
        c.orders += 1;
        c.revenue += o.amount;
        c.first_purchase = Some(c.first_purchase.map_or(o.day, |d| d.min(o.day)));
        c.last_purchase = Some(c.last_purchase.map_or(o.day, |d| d.max(o.day)));
    }
    ds.orders = Some(orders);
    let table = RfmSegments::default();
    let t = Instant::now();
    let a = analytics::analyse(
        &ds,
        &Params::default(),
        &[],
        &table,
        Some((as_of, analytics::AsOfSource::CommandLine)),
    )
    .unwrap();
    println!(
        "{n} customers, {} orders: analyse {:.2} s; clv_total {:?}",
        ds.orders.as_ref().map_or(0, Vec::len),
        t.elapsed().as_secs_f64(),
        a.metrics.value.clv_total
    );
}
