//! The ground truth of the reports on people and customers: new customers, activities per rep
//! and rankings, counted in Rust over the raw rows.
use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::truth::{A, Ask, C, D, U};
use crate::reports::model::Cell;

/// New companies, contacts and leads by month.
pub fn new_customers(a: &Ask<'_>) -> BTreeMap<NaiveDate, Vec<Cell>> {
    let mut by: BTreeMap<NaiveDate, [i64; 3]> =
        a.f.span.months().into_iter().map(|m| (m, [0; 3])).collect();
    for (i, rows) in [&a.raw.companies, &a.raw.contacts, &a.raw.leads]
        .into_iter()
        .enumerate()
    {
        for c in rows.iter().filter(|c| {
            !c.gone && a.in_span(c.created_at) && a.sees(c.owner_id) && a.owned(c.owner_id)
        }) {
            if a.f.source.is_none() || c.source == a.f.source {
                by.get_mut(&a.month(c.created_at)).unwrap()[i] += 1;
            }
        }
    }
    by.into_iter()
        .map(|(m, k)| (m, k.iter().map(|n| Cell::Count(*n)).collect()))
        .collect()
}

/// The colleagues a report lists, by name.
pub fn people<'a>(a: &Ask<'a>) -> Vec<&'a U> {
    a.raw
        .users
        .iter()
        .filter(|u| ["admin", "manager", "sales"].contains(&u.role.as_str()))
        .filter(|u| a.sees(Some(u.id)) && a.owned(Some(u.id)))
        .collect()
}

/// Activities per rep by name: calls, meetings, notes, emails, total, per week (tenths), quiet.
pub fn activities(a: &Ask<'_>, quiet_days: i64) -> BTreeMap<String, Vec<Cell>> {
    let cutoff = a.now - chrono::Duration::days(quiet_days);
    people(a)
        .into_iter()
        .map(|u| {
            let mine: Vec<&A> = a
                .raw
                .activities
                .iter()
                .filter(|x| x.author_id == Some(u.id) && a.in_span(x.occurred_at))
                .collect();
            let k = |kind: &str| mine.iter().filter(|x| x.kind == kind).count() as i64;
            let total = mine.len() as i64;
            let quiet = a
                .raw
                .companies
                .iter()
                .filter(|c| {
                    c.owner_id == Some(u.id)
                        && !c.gone
                        && c.last_contacted_at.is_none_or(|t| t < cutoff)
                })
                .count() as i64;
            let per_week = (total as f64 * 10.0 / a.f.span.weeks()).round() as i64;
            (
                u.display_name.clone(),
                vec![
                    Cell::Count(k("call")),
                    Cell::Count(k("meeting")),
                    Cell::Count(k("note")),
                    Cell::Count(k("email")),
                    Cell::Count(total),
                    Cell::Days(Some(per_week)),
                    Cell::Count(quiet),
                ],
            )
        })
        .collect()
}

/// Rankings by name: won amount, won, new customers, activities (the rank checked apart).
pub fn rankings(a: &Ask<'_>) -> BTreeMap<String, Vec<Cell>> {
    let ds = a.deals();
    people(a)
        .into_iter()
        .map(|u| {
            let won: Vec<&&D> = ds
                .iter()
                .filter(|d| {
                    d.owner_id == Some(u.id)
                        && d.status == "won"
                        && d.closed_at.is_some_and(|c| a.in_span(c))
                })
                .collect();
            let made = |rows: &Vec<C>| {
                rows.iter()
                    .filter(|c| c.owner_id == Some(u.id) && !c.gone && a.in_span(c.created_at))
                    .count() as i64
            };
            let acts = a
                .raw
                .activities
                .iter()
                .filter(|x| x.author_id == Some(u.id) && a.in_span(x.occurred_at))
                .count() as i64;
            (
                u.display_name.clone(),
                vec![
                    Cell::Money(won.iter().map(|d| d.value_minor).sum()),
                    Cell::Count(won.len() as i64),
                    Cell::Count(made(&a.raw.companies) + made(&a.raw.contacts)),
                    Cell::Count(acts),
                ],
            )
        })
        .collect()
}
