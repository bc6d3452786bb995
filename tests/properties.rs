//! Properties of the analytics and scores on random small clients: rates are
//! fractions, counts partition the customers, scores stay in 0–100, and the
//! order of rows (and columns) in the input files changes nothing.
//!
//! Each case writes CSV files into a temporary folder and runs the library's
//! [`mixaudit::audit::run`], the same path as `mixaudit audit`.

use std::collections::BTreeMap;
use std::path::Path;

use mixaudit::audit::{AuditOptions, run};
use mixaudit::input::InputPaths;
use mixaudit::model::Day;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

const PS: &[&str] = &[
    "product",
    "price",
    "place",
    "promotion",
    "people",
    "process",
    "physical_evidence",
];
const STAGES: &[&str] = &["prospect", "customer", "client", "supporter", "advocate"];
const OBJECTIVES: &[&str] = &["acquisition", "retention", "both"];
const STATUSES: &[&str] = &["active", "churned", "lost", "inactive", "closed", "paused"];
const REASONS: &[&str] = &[
    "too expensive",
    "complaint never resolved",
    "switched to a competitor",
    "nobody followed up",
    "moved abroad",
    "competitor was cheaper",
];
const CHANNELS: &[&str] = &["email", "events", "paid search", "phone"];

/// Optional customer columns, in the order of `Cust::optional`.
const CUSTOMER_OPTIONAL: &[&str] = &[
    "first_purchase",
    "last_contact",
    "open_complaints",
    "satisfaction",
    "referrals",
    "status",
    "churn_reason",
    "touchpoints",
];
/// Optional spend columns, in the order of `Tp::optional`.
const SPEND_OPTIONAL: &[&str] = &[
    "objective",
    "stage",
    "channel",
    "cadence_days",
    "personalized",
    "feedback_loop",
];

fn as_of() -> Day {
    Day::from_ymd(2026, 6, 30).unwrap()
}

/// A day `back` days before the audit date, as ISO text.
fn day(back: i32) -> String {
    as_of().plus(-back).iso()
}

#[derive(Debug, Clone)]
struct Cust {
    orders: u32,
    revenue_cents: u32,
    last_back: i32,
    first_extra: Option<i32>,
    contact_back: Option<i32>,
    complaints: Option<u32>,
    satisfaction: Option<u32>,
    referrals: Option<u32>,
    status: Option<&'static str>,
    reason: Option<&'static str>,
    touch: Vec<usize>,
}

impl Cust {
    fn optional(&self) -> [String; 8] {
        let opt = |v: Option<String>| v.unwrap_or_default();
        let bought = self.orders > 0;
        [
            opt(self
                .first_extra
                .filter(|_| bought)
                .map(|x| day(self.last_back + x))),
            opt(self.contact_back.map(day)),
            opt(self.complaints.map(|v| v.to_string())),
            opt(self.satisfaction.map(|v| v.to_string())),
            opt(self.referrals.map(|v| v.to_string())),
            opt(self.status.map(str::to_string)),
            opt(self.reason.map(str::to_string)),
            self.touch
                .iter()
                .map(|t| format!("TP{t}"))
                .collect::<Vec<_>>()
                .join("; "),
        ]
    }
}

#[derive(Debug, Clone)]
struct Tp {
    p: &'static str,
    spend_cents: u32,
    objective: Option<&'static str>,
    stages: Vec<&'static str>,
    channel: Option<&'static str>,
    cadence: Option<u32>,
    personalized: Option<bool>,
    feedback: Option<bool>,
}

impl Tp {
    fn optional(&self) -> [String; 6] {
        let yn = |b: Option<bool>| b.map(|b| if b { "yes" } else { "no" }.to_string());
        [
            self.objective.unwrap_or_default().to_string(),
            self.stages.join(";"),
            self.channel.unwrap_or_default().to_string(),
            self.cadence.map(|c| c.to_string()).unwrap_or_default(),
            yn(self.personalized).unwrap_or_default(),
            yn(self.feedback).unwrap_or_default(),
        ]
    }
}

/// One order: customer index (== customers.len() for an id not in the list), days back, amount.
type OrderRow = (usize, i32, u32);

#[derive(Debug, Clone)]
struct Client {
    customers: Vec<Cust>,
    touchpoints: Vec<Tp>,
    /// Some: an orders.csv (possibly header only).
    orders: Option<Vec<OrderRow>>,
    customer_cols: Vec<bool>,
    spend_cols: Vec<bool>,
    params: BTreeMap<String, f64>,
}

fn cust(touchpoints: usize) -> impl Strategy<Value = Cust> {
    (
        (
            0u32..5,
            0u32..200_000,
            -10i32..900,
            prop::option::of(0i32..400),
        ),
        (
            prop::option::of(-10i32..400),
            prop::option::of(0u32..3),
            prop::option::of(0u32..=10),
            prop::option::of(0u32..3),
        ),
        (
            prop::option::of(select(STATUSES)),
            prop::option::of(select(REASONS)),
            prop::collection::vec(0..touchpoints, 0..3),
        ),
    )
        .prop_map(
            |(
                (orders, revenue_cents, last_back, first_extra),
                (contact_back, complaints, satisfaction, referrals),
                (status, reason, mut touch),
            )| {
                touch.sort_unstable();
                touch.dedup();
                Cust {
                    orders,
                    revenue_cents: if orders == 0 { 0 } else { revenue_cents },
                    last_back,
                    first_extra,
                    contact_back,
                    complaints,
                    satisfaction,
                    referrals,
                    status,
                    reason,
                    touch,
                }
            },
        )
}

fn touchpoint() -> impl Strategy<Value = Tp> {
    (
        select(PS),
        prop_oneof![Just(0u32), 0u32..5_000_000],
        prop::option::of(select(OBJECTIVES)),
        subsequence(STAGES, 0..=3),
        prop::option::of(select(CHANNELS)),
        prop::option::of(1u32..200),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(p, spend_cents, objective, stages, channel, cadence, personalized, feedback)| Tp {
                p,
                spend_cents,
                objective,
                stages,
                channel,
                cadence,
                personalized,
                feedback,
            },
        )
}

fn params() -> impl Strategy<Value = BTreeMap<String, f64>> {
    (
        prop::option::of(0u32..800),
        prop::option::of(1u32..200),
        prop::option::of(0u32..200),
        prop::option::of(0u32..400),
        prop::option::of(0u32..=10),
        prop::option::of(0u32..=10),
        prop::option::of(0u32..=100),
        prop::option::of(0u32..=100),
    )
        .prop_map(|(a, w, g, r, pmin, dmax, hi, med)| {
            let mut m = BTreeMap::new();
            let mut put = |k: &str, v: Option<f64>| {
                if let Some(v) = v {
                    m.insert(k.to_string(), v);
                }
            };
            put("active_days", a.map(f64::from));
            put("period_days", w.map(f64::from));
            put("max_contact_gap_days", g.map(f64::from));
            put("risk_recency_days", r.map(f64::from));
            put("promoter_min", pmin.map(f64::from));
            put("detractor_max", dmax.map(f64::from));
            put("value_high_share", hi.map(|v| f64::from(v) / 100.0));
            put("value_medium_share", med.map(|v| f64::from(v) / 100.0));
            m
        })
}

fn client() -> impl Strategy<Value = Client> {
    (1usize..25, 1usize..7).prop_flat_map(|(n, t)| {
        (
            prop::collection::vec(cust(t), n),
            prop::collection::vec(touchpoint(), t),
            prop::option::of(prop::collection::vec(
                (0..=n, -10i32..900, 0u32..500),
                0..50,
            )),
            prop::collection::vec(any::<bool>(), CUSTOMER_OPTIONAL.len()),
            prop::collection::vec(any::<bool>(), SPEND_OPTIONAL.len()),
            params(),
        )
            .prop_map(
                |(customers, touchpoints, orders, customer_cols, spend_cols, params)| Client {
                    customers,
                    touchpoints,
                    orders,
                    customer_cols,
                    spend_cols,
                    params,
                },
            )
    })
}

/// A table as header + rows.
type Table = Vec<Vec<String>>;

fn tables(c: &Client) -> (Table, Table, Option<Table>) {
    let mut header: Vec<String> = ["customer_id", "last_purchase", "orders", "revenue"]
        .map(String::from)
        .to_vec();
    for (k, name) in CUSTOMER_OPTIONAL.iter().enumerate() {
        if c.customer_cols[k] {
            header.push(name.to_string());
        }
    }
    let mut customers = vec![header];
    for (i, cu) in c.customers.iter().enumerate() {
        let mut row = vec![
            format!("C{i}"),
            if cu.orders > 0 {
                day(cu.last_back)
            } else {
                String::new()
            },
            cu.orders.to_string(),
            format!("{}.{:02}", cu.revenue_cents / 100, cu.revenue_cents % 100),
        ];
        for (k, v) in cu.optional().into_iter().enumerate() {
            if c.customer_cols[k] {
                row.push(v);
            }
        }
        customers.push(row);
    }

    let mut header: Vec<String> = ["touchpoint", "p", "spend"].map(String::from).to_vec();
    for (k, name) in SPEND_OPTIONAL.iter().enumerate() {
        if c.spend_cols[k] {
            header.push(name.to_string());
        }
    }
    let mut spend = vec![header];
    for (i, t) in c.touchpoints.iter().enumerate() {
        let mut row = vec![
            format!("TP{i}"),
            t.p.to_string(),
            format!("{}.{:02}", t.spend_cents / 100, t.spend_cents % 100),
        ];
        for (k, v) in t.optional().into_iter().enumerate() {
            if c.spend_cols[k] {
                row.push(v);
            }
        }
        spend.push(row);
    }

    let orders = c.orders.as_ref().map(|os| {
        let mut t = vec![["customer_id", "date", "amount"].map(String::from).to_vec()];
        for (k, back, amount) in os {
            let id = if *k == c.customers.len() {
                "X1".to_string()
            } else {
                format!("C{k}")
            };
            t.push(vec![id, day(*back), amount.to_string()]);
        }
        t
    });
    (customers, spend, orders)
}

/// Shuffles the data rows and the columns of a table.
fn shuffle(t: &Table, rng: &mut ChaCha8Rng) -> Table {
    let mut cols: Vec<usize> = (0..t[0].len()).collect();
    cols.shuffle(rng);
    let mut rows: Vec<&Vec<String>> = t[1..].iter().collect();
    rows.shuffle(rng);
    std::iter::once(&t[0])
        .chain(rows)
        .map(|r| cols.iter().map(|c| r[*c].clone()).collect())
        .collect()
}

fn write_csv(path: &Path, t: &Table) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in t {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// What the properties look at: metrics and scores, as JSON, with everything
/// whose order follows the input rows put in a canonical order.
struct Outcome {
    metrics: Value,
    touchpoint_metrics: BTreeMap<String, Value>,
    scores: Value,
}

fn audit(dir: &Path, tables: &(Table, Table, Option<Table>), c: &Client) -> Outcome {
    std::fs::create_dir_all(dir).unwrap();
    write_csv(&dir.join("customers.csv"), &tables.0);
    write_csv(&dir.join("spend.csv"), &tables.1);
    if let Some(o) = &tables.2 {
        write_csv(&dir.join("orders.csv"), o);
    }
    let opts = AuditOptions {
        paths: InputPaths {
            dir: Some(dir.to_path_buf()),
            ..Default::default()
        },
        as_of: Some(as_of()),
        params: c.params.clone(),
        ..Default::default()
    };
    let a = run(&opts).unwrap_or_else(|e| panic!("audit failed: {e}\n{tables:?}"));
    let metrics = serde_json::to_value(&a.analysis.metrics).unwrap();
    let touchpoint_metrics = a
        .dataset
        .touchpoints
        .iter()
        .zip(&a.analysis.touchpoints)
        .map(|(t, f)| (t.name.clone(), serde_json::to_value(f).unwrap()))
        .collect();
    let mut scores = serde_json::to_value(&a.scores).unwrap();
    // Notes are prose that quote metric values; a map such as spend_by_stage is
    // quoted with full float precision, so sums taken in another row order can
    // read 26179.179999999997 instead of 26179.18. Statuses, weights and
    // scores are compared; the prose is not.
    strip_notes(&mut scores);
    let by = |k: &'static str| move |a: &Value, b: &Value| a[k].to_string().cmp(&b[k].to_string());
    if let Some(tps) = scores["touchpoints"].as_array_mut() {
        tps.sort_by(by("name"));
    }
    if let Some(fs) = scores["findings"].as_array_mut() {
        for f in fs.iter_mut() {
            if let Some(names) = f["touchpoints"].as_array_mut() {
                names.sort_by_key(|n| n.to_string());
            }
        }
        fs.sort_by_key(|f| f.to_string());
    }
    Outcome {
        metrics,
        touchpoint_metrics,
        scores,
    }
}

fn strip_notes(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("note");
            m.values_mut().for_each(strip_notes);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_notes),
        _ => {}
    }
}

/// Equal up to floating-point rounding (sums taken in another order).
fn same(path: &str, a: &Value, b: &Value) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0) {
                Ok(())
            } else {
                Err(format!("{path}: {x} vs {y}"))
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(i, (x, y))| same(&format!("{path}[{i}]"), x, y)),
        (Value::Object(x), Value::Object(y))
            if x.keys().collect::<Vec<_>>() == y.keys().collect::<Vec<_>>() =>
        {
            x.iter()
                .try_for_each(|(k, v)| same(&format!("{path}.{k}"), v, &y[k]))
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a} vs {b}")),
    }
}

fn count(v: &Value, k: &str) -> u64 {
    v[k].as_u64()
        .unwrap_or_else(|| panic!("{k} is a count: {}", v[k]))
}

fn sum_counts(v: &Value) -> u64 {
    v.as_object()
        .unwrap()
        .values()
        .map(|x| x.as_u64().unwrap())
        .sum()
}

fn sum_money(v: &Value) -> f64 {
    v.as_object()
        .unwrap()
        .values()
        .map(|x| x.as_f64().unwrap())
        .sum()
}

fn in_unit(what: &str, v: &Value) -> Result<(), TestCaseError> {
    if let Some(x) = v.as_f64() {
        prop_assert!(
            (0.0..=1.0).contains(&x),
            "{what} = {x} is not a fraction 0–1"
        );
    } else {
        prop_assert!(v.is_null(), "{what} = {v} is neither a number nor null");
    }
    Ok(())
}

fn score_ok(what: &str, v: &Value) -> Result<(), TestCaseError> {
    if let Some(x) = v.as_f64() {
        prop_assert!((0.0..=100.0).contains(&x), "{what} = {x} is not 0–100");
    } else {
        prop_assert!(v.is_null(), "{what} = {v} is neither a score nor null");
    }
    Ok(())
}

const RATES: &[&str] = &[
    "active_rate",
    "churn_rate",
    "repeat_rate",
    "retention_rate",
    "overdue_contact_rate",
    "complaint_rate",
    "indifference_share",
    "retention_spend_share",
    "personalized_share",
    "feedback_share",
];

const TOUCHPOINT_RATES: &[&str] = &[
    "spend_share",
    "reached_share",
    "active_rate_reached",
    "active_rate_not_reached",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn analytics_and_scores_hold_their_invariants(c in client(), seed in any::<u64>()) {
        let dir = tempfile::tempdir().unwrap();
        let t = tables(&c);
        let a = audit(&dir.path().join("a"), &t, &c);
        let m = &a.metrics;

        // Rates are fractions.
        for k in RATES {
            in_unit(&format!("metrics.{k}"), &m[*k])?;
        }
        for (name, f) in &a.touchpoint_metrics {
            for k in TOUCHPOINT_RATES {
                in_unit(&format!("{name}.{k}"), &f[*k])?;
            }
        }
        if let Some(nps) = m["nps"].as_f64() {
            prop_assert!((-100.0..=100.0).contains(&nps), "nps {nps}");
        }

        // Counts partition the customers and the buyers.
        let customers = count(m, "customers");
        let buyers = count(m, "buyers");
        let active = count(m, "active_customers");
        prop_assert_eq!(buyers + count(m, "prospects"), customers);
        prop_assert_eq!(active + count(m, "lost_customers"), buyers);
        prop_assert_eq!(sum_counts(&m["ladder"]), customers, "ladder {}", m["ladder"]);
        prop_assert_eq!(count(&m["ladder"], "prospect"), count(m, "prospects"));
        prop_assert_eq!(sum_counts(&m["value_tiers"]), buyers, "value tiers {}", m["value_tiers"]);
        let risk = &m["risk"];
        prop_assert_eq!(sum_counts(risk), buyers, "risk {}", risk);
        prop_assert_eq!(count(risk, "lost"), count(m, "lost_customers"));
        prop_assert_eq!(
            count(risk, "low") + count(risk, "medium") + count(risk, "high"),
            active
        );
        let value_risk: u64 = m["value_risk"].as_object().unwrap().values().map(sum_counts).sum();
        prop_assert_eq!(value_risk, buyers);
        prop_assert!(count(m, "repeat_buyers") <= buyers);
        prop_assert!(count(m, "high_value_at_risk") <= count(m, "high_value_customers"));
        if let Some(o) = m["overdue_contact"].as_u64() {
            prop_assert!(o <= active);
        }
        if let (Some(b), Some(r)) = (m["retention_base"].as_u64(), m["retention_rate"].as_f64()) {
            // a share of a whole number of buyers
            let kept = r * b as f64;
            prop_assert!(b > 0 && (kept - kept.round()).abs() < 1e-9, "retention {} of {}", r, b);
        }

        // Spend splits add up to the total.
        let total = m["spend_total"].as_f64().unwrap();
        for k in ["spend_by_p", "spend_by_stage", "spend_by_objective"] {
            let s = sum_money(&m[k]);
            prop_assert!((s - total).abs() <= 1e-6 * total.max(1.0), "{} sums to {} of {}", k, s, total);
        }

        // Scores are 0–100 or null.
        let s = &a.scores;
        score_ok("overall", &s["score"])?;
        for p in s["ps"].as_array().unwrap() {
            score_ok(&format!("P {}", p["p"]), &p["score"])?;
        }
        for tp in s["touchpoints"].as_array().unwrap() {
            score_ok(&format!("touchpoint {}", tp["name"]), &tp["score"])?;
        }

        // Reordering rows and columns of every input changes no figure.
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let shuffled = (
            shuffle(&t.0, &mut rng),
            shuffle(&t.1, &mut rng),
            t.2.as_ref().map(|o| shuffle(o, &mut rng)),
        );
        let b = audit(&dir.path().join("b"), &shuffled, &c);
        if let Err(e) = same("metrics", &a.metrics, &b.metrics) {
            return Err(TestCaseError::fail(format!("reordering changed {e}")));
        }
        for (name, f) in &a.touchpoint_metrics {
            if let Err(e) = same(name, f, &b.touchpoint_metrics[name]) {
                return Err(TestCaseError::fail(format!("reordering changed {e}")));
            }
        }
        if let Err(e) = same("scores", &a.scores, &b.scores) {
            return Err(TestCaseError::fail(format!("reordering changed {e}")));
        }
    }
}
