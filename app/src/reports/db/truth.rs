//! The reports' figures computed another way, for the ground-truth tests: the raw rows read with
//! plain SELECTs, then filtered, bucketed and summed in Rust, row by row.
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::reports::figures::{growth, mean, share, tenths_of_days, weighted};
use crate::reports::model::{By, Cell, Filter};
use crate::users::model::{CurrentUser, DataScope};

pub use super::truth_raw::{A, C, D, H, Raw, S, U, load};

/// The truth's view of one request: the user, the filters, the zone.
pub struct Ask<'a> {
    pub raw: &'a Raw,
    pub user: &'a CurrentUser,
    pub f: &'a Filter,
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

impl<'a> Ask<'a> {
    pub fn new(
        raw: &'a Raw,
        user: &'a CurrentUser,
        f: &'a Filter,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> Ask<'a> {
        Ask {
            raw,
            user,
            f,
            tz,
            now,
        }
    }

    fn local(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }
    pub fn in_span(&self, t: DateTime<Utc>) -> bool {
        let d = self.local(t);
        d >= self.f.span.from && d < self.f.span.to
    }
    pub fn month(&self, t: DateTime<Utc>) -> NaiveDate {
        let d = self.local(t);
        NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap()
    }
    fn team_of(&self, id: Uuid) -> Option<&str> {
        self.raw
            .users
            .iter()
            .find(|u| u.id == id)
            .and_then(|u| u.team.as_deref())
    }
    /// Whether the user's scope reaches what `owner` owns.
    pub fn sees(&self, owner: Option<Uuid>) -> bool {
        if self.user.role.data_scope() == DataScope::All {
            return true;
        }
        let me = self.user.id.0;
        owner == Some(me)
            || owner
                .is_some_and(|o| self.team_of(o).is_some() && self.team_of(o) == self.team_of(me))
    }
    /// Whether `owner` passes the owner and team filters.
    pub fn owned(&self, owner: Option<Uuid>) -> bool {
        self.f.owner.is_none_or(|o| owner == Some(o))
            && self
                .f
                .team
                .as_ref()
                .is_none_or(|t| owner.is_some_and(|o| self.team_of(o) == Some(t.as_str())))
    }
    fn source_of(&self, company: Option<Uuid>) -> Option<String> {
        company
            .and_then(|c| self.raw.companies.iter().find(|x| x.id == c))
            .and_then(|c| c.source.clone())
    }
    /// The deals a report reads (all pipelines unless one is asked for).
    pub fn deals(&self) -> Vec<&D> {
        self.raw
            .deals
            .iter()
            .filter(|d| d.deleted_at.is_none() && d.currency == self.f.currency)
            .filter(|d| self.f.pipeline.is_none_or(|p| d.pipeline_id == p))
            .filter(|d| self.sees(d.owner_id) && self.owned(d.owner_id))
            .filter(|d| self.f.source.is_none() || self.source_of(d.company_id) == self.f.source)
            .collect()
    }
    fn name(&self, owner: Option<Uuid>) -> String {
        owner
            .and_then(|o| self.raw.users.iter().find(|u| u.id == o))
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| "—".into())
    }
    pub fn live_stages(&self, pipeline: Uuid) -> Vec<&S> {
        let mut s: Vec<&S> = self
            .raw
            .stages
            .iter()
            .filter(|s| s.pipeline_id == pipeline && !s.archived)
            .collect();
        s.sort_by_key(|s| s.position);
        s
    }
}

/// Funnel rows by stage name: reached, conversion, dropped, open now, open amount.
pub fn funnel(a: &Ask<'_>, pipeline: Uuid) -> Vec<(String, Vec<Cell>)> {
    let stages = a.live_stages(pipeline);
    let pos = |id: Uuid| stages.iter().find(|s| s.id == id).map(|s| s.position);
    let cohort: Vec<(&D, Option<i32>)> = a
        .deals()
        .into_iter()
        .filter(|d| d.pipeline_id == pipeline && a.in_span(d.created_at))
        .map(|d| {
            let entered = a
                .raw
                .history
                .iter()
                .filter(|h| h.deal_id == d.id)
                .filter_map(|h| h.to_stage.and_then(pos));
            (d, entered.chain(pos(d.stage_id)).max())
        })
        .collect();
    let reached = |p: i32| {
        cohort
            .iter()
            .filter(|(d, f)| d.status == "won" || f.is_some_and(|f| f >= p))
            .count() as i64
    };
    let mut out = Vec::new();
    for (i, s) in stages.iter().enumerate() {
        let r = reached(s.position);
        let before = if i == 0 {
            r
        } else {
            reached(stages[i - 1].position)
        };
        let dropped = stages
            .get(i + 1)
            .map(|n| r - reached(n.position))
            .unwrap_or(0);
        let open: Vec<&&D> = cohort
            .iter()
            .map(|(d, _)| d)
            .filter(|d| d.status == "open" && d.stage_id == s.id)
            .collect();
        out.push((
            s.name.clone(),
            vec![
                Cell::Count(r),
                Cell::Percent(share(r, before)),
                Cell::Count(dropped),
                Cell::Count(open.len() as i64),
                Cell::Money(open.iter().map(|d| d.value_minor).sum()),
            ],
        ));
    }
    out
}

/// Forecast rows by month: won, open, weighted, forecast.
pub fn forecast(a: &Ask<'_>, today: NaiveDate) -> BTreeMap<NaiveDate, Vec<Cell>> {
    let mut by: BTreeMap<NaiveDate, (i64, i64, i128)> =
        a.f.span
            .months()
            .into_iter()
            .map(|m| (m, (0, 0, 0)))
            .collect();
    for d in a.deals() {
        if d.status == "won" && d.closed_at.is_some_and(|t| a.in_span(t)) {
            if let Some(e) = by.get_mut(&a.month(d.closed_at.unwrap())) {
                e.0 += d.value_minor;
            }
        }
        if d.status == "open" {
            let Some(exp) = d.expected_close_date else {
                continue;
            };
            let when = exp.max(today);
            if when < a.f.span.from || when >= a.f.span.to {
                continue;
            }
            let p = d.probability.unwrap_or_else(|| {
                a.raw
                    .stages
                    .iter()
                    .find(|s| s.id == d.stage_id)
                    .unwrap()
                    .win_probability
            });
            let m = NaiveDate::from_ymd_opt(when.year(), when.month(), 1).unwrap();
            if let Some(e) = by.get_mut(&m) {
                e.1 += d.value_minor;
                e.2 += d.value_minor as i128 * p as i128;
            }
        }
    }
    by.into_iter()
        .map(|(m, (won, open, w))| {
            let w = weighted(w);
            (
                m,
                vec![
                    Cell::Money(won),
                    Cell::Money(open),
                    Cell::Money(w),
                    Cell::Money(won + w),
                ],
            )
        })
        .collect()
}

/// Win rate groups (by owner name, source or month) and the total: created, won, lost, rate, size.
pub fn win_rate(a: &Ask<'_>, by: By) -> (BTreeMap<String, Vec<Cell>>, Vec<Cell>) {
    let mut g: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    if by == By::Month {
        for m in a.f.span.months() {
            g.insert(m.to_string(), [0; 4]);
        }
    }
    let mut t = [0; 4];
    for d in a.deals().into_iter().filter(|d| a.in_span(d.created_at)) {
        let key = match by {
            By::Source => a.source_of(d.company_id).unwrap_or_else(|| "—".into()),
            By::Month => a.month(d.created_at).to_string(),
            _ => a.name(d.owner_id),
        };
        let k = [
            1,
            (d.status == "won") as i64,
            (d.status == "lost") as i64,
            if d.status == "won" { d.value_minor } else { 0 },
        ];
        let e = g.entry(key).or_default();
        for i in 0..4 {
            e[i] += k[i];
            t[i] += k[i];
        }
    }
    let cells = |k: [i64; 4]| {
        vec![
            Cell::Count(k[0]),
            Cell::Count(k[1]),
            Cell::Count(k[2]),
            Cell::Percent(share(k[1], k[0])),
            Cell::Money(mean(k[3], k[1]).unwrap_or(0)),
        ]
    };
    (
        g.into_iter().map(|(k, v)| (k, cells(v))).collect(),
        cells(t),
    )
}

/// Days to won by owner name (won, days) and the total.
pub fn cycle_by_owner(a: &Ask<'_>) -> (BTreeMap<String, Vec<Cell>>, Vec<Cell>) {
    let mut g: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut t = (0, 0);
    for d in a
        .deals()
        .into_iter()
        .filter(|d| d.status == "won" && d.closed_at.is_some_and(|c| a.in_span(c)))
    {
        let secs = (d.closed_at.unwrap() - d.created_at)
            .num_microseconds()
            .unwrap()
            .div_euclid(1_000_000);
        let e = g.entry(a.name(d.owner_id)).or_default();
        e.0 += 1;
        e.1 += secs;
        t.0 += 1;
        t.1 += secs;
    }
    let cells = |(n, s): (i64, i64)| vec![Cell::Count(n), Cell::Days(tenths_of_days(s, n))];
    (
        g.into_iter().map(|(k, v)| (k, cells(v))).collect(),
        cells(t),
    )
}

/// Time in each live stage, by stage name: stays ended in the period, average days.
pub fn cycle_by_stage(a: &Ask<'_>, pipeline: Uuid) -> Vec<(String, Vec<Cell>)> {
    let mut stays: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
    for d in a.deals().into_iter().filter(|d| d.pipeline_id == pipeline) {
        let mut h: Vec<H> = a
            .raw
            .history
            .iter()
            .filter(|h| h.deal_id == d.id)
            .cloned()
            .collect();
        h.sort_by_key(|h| (h.moved_at, h.id));
        // The stay from creation, unless a move from nowhere records it.
        if !h.iter().any(|x| x.from_stage.is_none()) {
            let first = h.first().and_then(|x| x.from_stage).unwrap_or(d.stage_id);
            h.insert(
                0,
                H {
                    id: 0,
                    deal_id: d.id,
                    from_stage: None,
                    to_stage: Some(first),
                    status: "open".into(),
                    moved_at: d.created_at,
                },
            );
        }
        for w in h.windows(2) {
            if let (Some(stage), true, "open") = (
                w[0].to_stage,
                a.in_span(w[1].moved_at),
                w[0].status.as_str(),
            ) {
                let e = stays.entry(stage).or_default();
                e.0 += 1;
                e.1 += (w[1].moved_at - w[0].moved_at)
                    .num_microseconds()
                    .unwrap()
                    .div_euclid(1_000_000);
            }
        }
    }
    a.live_stages(pipeline)
        .into_iter()
        .map(|s| {
            let (n, secs) = stays.get(&s.id).copied().unwrap_or_default();
            (
                s.name.clone(),
                vec![Cell::Count(n), Cell::Days(tenths_of_days(secs, n))],
            )
        })
        .collect()
}

/// Velocity total: open, rate, size, days, velocity.
pub fn velocity_total(a: &Ask<'_>) -> Vec<Cell> {
    let ds = a.deals();
    let open = ds.iter().filter(|d| d.status == "open").count() as i64;
    let cohort: Vec<&&D> = ds.iter().filter(|d| a.in_span(d.created_at)).collect();
    let won: Vec<&&D> = ds
        .iter()
        .filter(|d| d.status == "won" && d.closed_at.is_some_and(|c| a.in_span(c)))
        .collect();
    let secs: i64 = won
        .iter()
        .map(|d| {
            (d.closed_at.unwrap() - d.created_at)
                .num_microseconds()
                .unwrap()
                .div_euclid(1_000_000)
        })
        .sum();
    // The counts are this module's own; the rounding of the figures is the reports'.
    super::pace::velocity_cells(
        open,
        cohort.len() as i64,
        cohort.iter().filter(|d| d.status == "won").count() as i64,
        won.len() as i64,
        won.iter().map(|d| d.value_minor).sum(),
        secs,
    )
}

/// Lost deals by reason (lower-cased, trimmed; "" for none): count, amount.
pub fn lost_reasons(a: &Ask<'_>) -> BTreeMap<String, (i64, i64)> {
    let mut g: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for d in a
        .deals()
        .into_iter()
        .filter(|d| d.status == "lost" && d.closed_at.is_some_and(|c| a.in_span(c)))
    {
        let e = g
            .entry(d.lost_reason.as_deref().unwrap_or("").trim().to_lowercase())
            .or_default();
        e.0 += 1;
        e.1 += d.value_minor;
    }
    g
}

/// Revenue rows by month: revenue, won, month-on-month, year-on-year.
pub fn revenue(a: &Ask<'_>) -> BTreeMap<NaiveDate, Vec<Cell>> {
    let mut won: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    for d in a.deals().into_iter().filter(|d| d.status == "won") {
        let e = won.entry(a.month(d.closed_at.unwrap())).or_default();
        e.0 += 1;
        e.1 += d.value_minor;
    }
    let at = |m: NaiveDate| won.get(&m).copied().unwrap_or_default();
    a.f.span
        .months()
        .into_iter()
        .map(|m| {
            let (n, s) = at(m);
            let prev = at(m.checked_sub_months(chrono::Months::new(1)).unwrap()).1;
            let ly = at(m.checked_sub_months(chrono::Months::new(12)).unwrap()).1;
            (
                m,
                vec![
                    Cell::Money(s),
                    Cell::Count(n),
                    Cell::Percent(growth(s, prev)),
                    Cell::Percent(growth(s, ly)),
                ],
            )
        })
        .collect()
}
