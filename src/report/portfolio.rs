//! The portfolio roll-up's renderers: portfolio.json (`mixaudit.portfolio/1`),
//! portfolio.md, and (in `workbook::portfolio`) portfolio.xlsx, written together.

use serde_json::{Value, json};

use super::outputs::{OutLock, Staging};
use crate::audit::{PORTFOLIO_SCHEMA, Portfolio};
use crate::error::Result;
use crate::model::P;

/// The portfolio as JSON: clients ranked by score, P scores by key, failures.
pub fn to_value(v: &Portfolio) -> Value {
    let clients: Vec<Value> = v
        .clients
        .iter()
        .map(|c| {
            let ps: serde_json::Map<String, Value> =
                c.ps.iter().map(|p| (p.p.clone(), json!(p.score))).collect();
            json!({
                "key": c.key, "client": c.client, "period": c.period, "as_of": c.as_of,
                "score": c.score, "rating": c.rating, "ps": ps,
                "metrics": c.metrics,
                "findings": c.findings,
            })
        })
        .collect();
    json!({"schema": PORTFOLIO_SCHEMA, "clients": clients, "mean_score": v.mean_score, "failures": v.failures})
}

/// Writes portfolio.xlsx, portfolio.md and portfolio.json (last, the
/// marker) as one set into the folder `lock` holds.
pub fn write(lock: &OutLock, v: &Portfolio) -> Result<()> {
    let mut json_text = serde_json::to_string_pretty(&to_value(v)).unwrap_or_default();
    json_text.push('\n');
    let md = markdown(v);
    let mut set = Staging::begin(lock)?;
    let xlsx = set.path("portfolio.xlsx")?;
    super::workbook::portfolio::write(v, &xlsx)?;
    set.write("portfolio.md", md.as_bytes())?;
    set.write("portfolio.json", json_text.as_bytes())?;
    set.commit("portfolio.json")
}

fn cell(v: Option<f64>) -> String {
    v.map_or("—".into(), |s| format!("{s:.0}"))
}

/// portfolio.md: the ranking with every P, then the clients that failed.
fn markdown(v: &Portfolio) -> String {
    let mut s = String::from("# Portfolio retention audit\n\n");
    if let Some(m) = v.mean_score {
        s.push_str(&format!(
            "{} clients, mean score **{m:.1}**.\n\n",
            v.clients.len()
        ));
    }
    s.push_str("| # | Client | Score | Rating |");
    for p in P::ALL {
        s.push_str(&format!(" {} |", p.title()));
    }
    s.push_str("\n|---:|---|---:|---|");
    for _ in P::ALL {
        s.push_str("---:|");
    }
    s.push('\n');
    for (i, c) in v.clients.iter().enumerate() {
        s.push_str(&format!(
            "| {} | {} | {} | {} |",
            i + 1,
            c.client.as_deref().unwrap_or(""),
            cell(c.score),
            c.rating.as_deref().unwrap_or("")
        ));
        for p in P::ALL {
            let score = c.ps.iter().find(|q| q.p == p.key()).and_then(|q| q.score);
            s.push_str(&format!(" {} |", cell(score)));
        }
        s.push('\n');
    }
    if !v.failures.is_empty() {
        s.push_str("\n## Clients that could not be audited\n\n");
        for x in &v.failures {
            s.push_str(&format!(
                "- **{}**: {}\n",
                x.key,
                x.error.lines().next().unwrap_or("")
            ));
        }
    }
    s
}
