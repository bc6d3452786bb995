//! RFM scoring and segments: recency, frequency and monetary quintile scores
//! (1–5, 5 best) over buyers, and a named segment per buyer from a rule table.
//!
//! Quintiles are by rank, so every score holds (nearly) a fifth of the
//! buyers even when many values tie: buyers are sorted by the value (for
//! recency, by days since the last purchase *descending*, so the most recent
//! sort last and score highest), ties by customer id (byte order, ascending),
//! and the buyer at 0-based rank k of n gets score 1 + ⌊5k / n⌋.
//!
//! The default segment table is the widely used 11-segment RFM grid
//! (Champions, Loyal customers, …, Lost) as popularised by RFM marketing
//! guides and the R `rfm` package's documentation; that package applies its
//! rules so the last match wins, so they are re-ordered and the ranges trimmed
//! here for "first match wins", with `other` as the catch-all. The table is
//! serde data so it can live in the checklist YAML.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One buyer's RFM inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfmBuyer<'a> {
    /// Customer id (breaks ties).
    pub id: &'a str,
    /// Days since the last purchase.
    pub recency_days: f64,
    /// Purchases (orders).
    pub frequency: u32,
    /// Revenue of the buyer.
    pub monetary: f64,
}

/// Quintile scores, 1–5 each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RfmScores {
    /// Recency score (5 = most recent).
    pub r: u8,
    /// Frequency score (5 = most purchases).
    pub f: u8,
    /// Monetary score (5 = most revenue).
    pub m: u8,
}

/// A segment rule: every score within its inclusive [lo, hi] range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRule {
    /// Segment name.
    pub name: String,
    /// Recency score range.
    pub r: [u8; 2],
    /// Frequency score range.
    pub f: [u8; 2],
    /// Monetary score range.
    pub m: [u8; 2],
}

impl SegmentRule {
    fn matches(&self, s: RfmScores) -> bool {
        let within = |v: u8, [lo, hi]: [u8; 2]| lo <= v && v <= hi;
        within(s.r, self.r) && within(s.f, self.f) && within(s.m, self.m)
    }
}

/// An ordered rule table: the first matching rule names the segment, else
/// `other`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmSegments {
    /// The rules, tried in order.
    pub rules: Vec<SegmentRule>,
    /// Segment of buyers no rule matches.
    #[serde(default = "other_name")]
    pub other: String,
}

fn other_name() -> String {
    "Others".into()
}

impl Default for RfmSegments {
    /// The 11-segment grid described in the module documentation.
    fn default() -> Self {
        let rule = |name: &str, r: [u8; 2], f: [u8; 2], m: [u8; 2]| SegmentRule {
            name: name.into(),
            r,
            f,
            m,
        };
        RfmSegments {
            rules: vec![
                rule("Champions", [4, 5], [4, 5], [4, 5]),
                rule("Can't lose them", [1, 1], [4, 5], [4, 5]),
                rule("At risk", [1, 2], [2, 5], [2, 5]),
                rule("Loyal customers", [2, 5], [3, 5], [3, 5]),
                rule("New customers", [4, 5], [1, 1], [1, 1]),
                rule("Promising", [3, 4], [1, 1], [1, 1]),
                rule("Need attention", [2, 3], [2, 3], [2, 3]),
                rule("About to sleep", [2, 3], [1, 2], [1, 2]),
                rule("Potential loyalists", [3, 5], [1, 3], [1, 3]),
                rule("Hibernating", [2, 2], [1, 5], [1, 5]),
                rule("Lost", [1, 1], [1, 5], [1, 5]),
            ],
            other: other_name(),
        }
    }
}

impl RfmSegments {
    /// Segment index of `s`: a rule's position, or `rules.len()` for `other`.
    pub fn classify(&self, s: RfmScores) -> usize {
        self.rules
            .iter()
            .position(|r| r.matches(s))
            .unwrap_or(self.rules.len())
    }

    /// Name of a segment index from [`Self::classify`].
    pub fn name(&self, index: usize) -> &str {
        self.rules
            .get(index)
            .map_or(self.other.as_str(), |r| r.name.as_str())
    }
}

/// Customers and revenue of one segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentTotals {
    /// Segment name.
    pub name: String,
    /// Buyers in it.
    pub customers: u64,
    /// Their revenue.
    pub revenue: f64,
}

/// Scores, segments and per-segment totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RfmResult {
    /// Per buyer, input order.
    pub scores: Vec<RfmScores>,
    /// Per buyer, index into the table ([`RfmSegments::name`]).
    pub segment: Vec<usize>,
    /// Per segment in table order, `other` last (empty segments included).
    pub totals: Vec<SegmentTotals>,
}

/// What RFM reads of the buyers, by position: the three values and the id
/// that breaks ties. A slice of [`RfmBuyer`] is one; the audit reads its
/// customers in place instead, so a million buyers are not copied first.
pub trait RfmSource: Sync {
    /// Number of buyers.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Buyer `k`'s id.
    fn id(&self, k: usize) -> &str;
    /// Days since buyer `k`'s last purchase.
    fn recency_days(&self, k: usize) -> f64;
    /// Buyer `k`'s purchases.
    fn frequency(&self, k: usize) -> u32;
    /// Buyer `k`'s revenue.
    fn monetary(&self, k: usize) -> f64;
}

impl RfmSource for [RfmBuyer<'_>] {
    fn len(&self) -> usize {
        <[RfmBuyer<'_>]>::len(self)
    }
    fn id(&self, k: usize) -> &str {
        self[k].id
    }
    fn recency_days(&self, k: usize) -> f64 {
        self[k].recency_days
    }
    fn frequency(&self, k: usize) -> u32 {
        self[k].frequency
    }
    fn monetary(&self, k: usize) -> f64 {
        self[k].monetary
    }
}

/// Every buyer's position in id order: the tie-break of all three scores,
/// computed once so the score sorts compare numbers, not strings.
fn id_ranks<S: RfmSource + ?Sized>(buyers: &S) -> Vec<u32> {
    let mut order: Vec<u32> = (0..buyers.len() as u32).collect();
    order.par_sort_unstable_by(|&i, &j| buyers.id(i as usize).cmp(buyers.id(j as usize)));
    let mut rank = vec![0u32; buyers.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

/// Rank-based quintile score of every item, by `key` ascending then id
/// (`id_rank`, from [`id_ranks`]).
fn quintiles<S: RfmSource + ?Sized>(
    buyers: &S,
    id_rank: &[u32],
    key: impl Fn(&S, usize) -> f64 + Sync,
) -> Vec<u8> {
    let n = buyers.len();
    // (key, id rank, index), sorted in place: no indirection while sorting.
    // + 0.0 turns −0.0 into 0.0 so the two compare equal.
    let mut order: Vec<(f64, u32, u32)> = id_rank
        .par_iter()
        .enumerate()
        .map(|(i, &r)| (key(buyers, i) + 0.0, r, i as u32))
        .collect();
    order.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut score = vec![0u8; n];
    for (rank, &(_, _, i)) in order.iter().enumerate() {
        score[i as usize] = (1 + 5 * rank / n) as u8;
    }
    score
}

/// Quintile scores of every buyer, in input order.
pub fn rfm_scores(buyers: &[RfmBuyer<'_>]) -> Vec<RfmScores> {
    scores_of(buyers)
}

/// Scores every buyer and assigns segments from `table`.
pub fn rfm_segments(buyers: &[RfmBuyer<'_>], table: &RfmSegments) -> RfmResult {
    segments_of(buyers, table)
}

/// [`rfm_scores`] over any [`RfmSource`].
pub fn scores_of<S: RfmSource + ?Sized>(buyers: &S) -> Vec<RfmScores> {
    let ids = id_ranks(buyers);
    let r = quintiles(buyers, &ids, |b, k| -b.recency_days(k));
    let f = quintiles(buyers, &ids, |b, k| b.frequency(k) as f64);
    let m = quintiles(buyers, &ids, |b, k| b.monetary(k));
    (0..buyers.len())
        .map(|i| RfmScores {
            r: r[i],
            f: f[i],
            m: m[i],
        })
        .collect()
}

/// [`rfm_segments`] over any [`RfmSource`].
pub fn segments_of<S: RfmSource + ?Sized>(buyers: &S, table: &RfmSegments) -> RfmResult {
    let scores = scores_of(buyers);
    let segment: Vec<usize> = scores.iter().map(|&s| table.classify(s)).collect();
    let mut totals: Vec<SegmentTotals> = (0..=table.rules.len())
        .map(|k| SegmentTotals {
            name: table.name(k).to_string(),
            customers: 0,
            revenue: 0.0,
        })
        .collect();
    for (b, &k) in segment.iter().enumerate() {
        totals[k].customers += 1;
        totals[k].revenue += buyers.monetary(b);
    }
    RfmResult {
        scores,
        segment,
        totals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buyer(id: &str, recency_days: f64, frequency: u32, monetary: f64) -> RfmBuyer<'_> {
        RfmBuyer {
            id,
            recency_days,
            frequency,
            monetary,
        }
    }

    #[test]
    fn quintiles_by_rank_with_ties_broken_by_id() {
        // Ten buyers, all the same frequency: by id, two per quintile.
        let ids: Vec<String> = (0..10).map(|i| format!("c{i}")).collect();
        let buyers: Vec<RfmBuyer<'_>> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| buyer(id, i as f64, 3, 100.0 - i as f64))
            .collect();
        let s = rfm_scores(&buyers);
        let f: Vec<u8> = s.iter().map(|s| s.f).collect();
        assert_eq!(f, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        // Recency: c0 bought most recently (0 days) and scores 5.
        assert_eq!(s[0].r, 5);
        assert_eq!(s[9].r, 1);
        // Monetary: c0 spent most.
        assert_eq!(s[0].m, 5);
    }

    #[test]
    fn first_match_wins_and_other_catches_the_rest() {
        let table = RfmSegments {
            rules: vec![
                SegmentRule {
                    name: "Top".into(),
                    r: [5, 5],
                    f: [1, 5],
                    m: [1, 5],
                },
                SegmentRule {
                    name: "Also top".into(),
                    r: [4, 5],
                    f: [1, 5],
                    m: [1, 5],
                },
            ],
            other: "Rest".into(),
        };
        assert_eq!(table.classify(RfmScores { r: 5, f: 1, m: 1 }), 0);
        assert_eq!(table.classify(RfmScores { r: 4, f: 1, m: 1 }), 1);
        assert_eq!(
            table.name(table.classify(RfmScores { r: 1, f: 1, m: 1 })),
            "Rest"
        );
    }

    #[test]
    fn default_table_round_trips_through_yaml() {
        let table = RfmSegments::default();
        let yaml = serde_yaml::to_string(&table).unwrap();
        let back: RfmSegments = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(back, table);
        let name = |r, f, m| {
            table
                .name(table.classify(RfmScores { r, f, m }))
                .to_string()
        };
        assert_eq!(name(5, 5, 5), "Champions");
        assert_eq!(name(1, 5, 5), "Can't lose them");
        assert_eq!(name(1, 1, 1), "Lost");
        assert_eq!(name(5, 1, 1), "New customers");
        assert_eq!(name(3, 4, 1), "Others");
    }

    #[test]
    fn totals_add_up() {
        let buyers = [
            buyer("a", 1.0, 5, 10.0),
            buyer("b", 300.0, 1, 2.0),
            buyer("c", 30.0, 2, 4.0),
        ];
        let res = rfm_segments(&buyers, &RfmSegments::default());
        let n: u64 = res.totals.iter().map(|t| t.customers).sum();
        let rev: f64 = res.totals.iter().map(|t| t.revenue).sum();
        assert_eq!(n, 3);
        assert_eq!(rev, 16.0);
    }
}
