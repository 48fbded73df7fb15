//! The reports' SQL. `Ctx::resolve` checks a report's filters against what the user may reach and
//! turns its period into instants in the user's time zone; each report then reads its figures
//! with one or two grouped queries over the base tables, limited to the user's data scope.
//!
//! Their grouped queries run as unnamed statements (`persistent(false)`), planned for the values
//! bound each time: a cached statement turns to Postgres's generic plan after five runs, which
//! cannot see how many rows a period holds and chose a nested loop over a year's stage moves
//! (600 ms instead of 150 ms).
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{Cell, Filter, Label, Line, ReportKind, ReportQuery};
use crate::error::{AppError, Invalid};
use crate::records::db::push_scope;
use crate::users::model::{CurrentUser, DataScope};

mod closed;
mod deals;
pub mod home;
mod pace;
pub mod people;
pub mod targets;
#[cfg(test)]
mod test_world;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod truth;
#[cfg(test)]
mod truth_people;
#[cfg(test)]
mod truth_raw;

pub use closed::{lost_reasons, revenue};
pub use deals::{forecast, funnel, win_rate};
pub use pace::{cycle, velocity};
pub use people::{activities, new_customers, rankings, targets};

/// A report's request, resolved: the user, the parsed filters, the zone and the period's instants.
#[derive(Clone)]
pub struct Ctx<'a> {
    pub user: &'a CurrentUser,
    pub f: Filter,
    pub zone: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

/// The instant a local date begins in `tz` (a midnight skipped by a clock change is the first
/// instant after it).
pub fn midnight(tz: Tz, d: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let mut t = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..4 {
        match tz.from_local_datetime(&t) {
            chrono::LocalResult::Single(x) | chrono::LocalResult::Ambiguous(x, _) => {
                return x.with_timezone(&Utc);
            }
            chrono::LocalResult::None => t += chrono::Duration::minutes(30),
        }
    }
    t.and_utc()
}

/// The user's time zone, as saved (UTC if it no longer parses).
pub async fn zone_of(pool: &PgPool, user: &CurrentUser) -> Result<Tz, AppError> {
    let z = crate::users::db::time_zone(pool, user.id).await?;
    Ok(z.parse().unwrap_or(Tz::UTC))
}

impl<'a> Ctx<'a> {
    pub async fn resolve(
        pool: &PgPool,
        user: &'a CurrentUser,
        kind: ReportKind,
        q: &ReportQuery,
        now: DateTime<Utc>,
    ) -> Result<Ctx<'a>, AppError> {
        let tz = zone_of(pool, user).await?;
        let today = now.with_timezone(&tz).date_naive();
        let f = Filter::parse(kind, q, today, crate::money::DEFAULT_CURRENCY)?;
        check_reach(pool, user, &f).await?;
        Ok(Ctx {
            user,
            from: midnight(tz, f.span.from),
            to: midnight(tz, f.span.to),
            f,
            zone: tz.name().to_string(),
            now,
            today,
        })
    }

    /// Deals of the report: not deleted, in its currency, pipeline, owner or team and source, and
    /// in the user's scope; `d` is the deals alias. Starts with `WHERE`.
    pub fn push_deals(&self, qb: &mut QueryBuilder<'_, Postgres>) {
        // Compared as the column's own type: as text, the planner cannot estimate the rows.
        qb.push(" WHERE d.deleted_at IS NULL AND d.currency = ")
            .push_bind(self.f.currency.clone())
            .push("::char(3)");
        if let Some(p) = self.f.pipeline {
            qb.push(" AND d.pipeline_id = ").push_bind(p);
        }
        self.push_owners(qb, "d.owner_id");
        if let Some(s) = &self.f.source {
            qb.push(" AND d.company_id IN (SELECT id FROM companies WHERE source = ")
                .push_bind(s.clone())
                .push(")");
        }
        push_scope(qb, self.user, "d");
    }

    /// The owner or team filter on a column naming a user.
    pub fn push_owners(&self, qb: &mut QueryBuilder<'_, Postgres>, column: &str) {
        if let Some(o) = self.f.owner {
            qb.push(format!(" AND {column} = ")).push_bind(o);
        }
        if let Some(t) = &self.f.team {
            qb.push(format!(
                " AND {column} IN (SELECT id FROM users WHERE team = "
            ))
            .push_bind(t.clone())
            .push(")");
        }
    }

    /// `column` (a timestamptz) within the period.
    pub fn push_period(&self, qb: &mut QueryBuilder<'_, Postgres>, column: &str) {
        qb.push(format!(" AND {column} >= "))
            .push_bind(self.from)
            .push(format!(" AND {column} < "))
            .push_bind(self.to);
    }

    /// The local month of `column` in the user's zone, as a date.
    pub fn push_month(&self, qb: &mut QueryBuilder<'_, Postgres>, column: &str) {
        qb.push(format!("date_trunc('month', {column} AT TIME ZONE "))
            .push_bind(self.zone.clone())
            .push(")::date");
    }

    /// The pipeline a report by stage reads: the one asked for, else the first.
    pub async fn pipeline(&self, pool: &PgPool) -> Result<Option<Uuid>, AppError> {
        if self.f.pipeline.is_some() {
            return Ok(self.f.pipeline);
        }
        Ok(sqlx::query_scalar(
            "SELECT id FROM pipelines WHERE archived_at IS NULL ORDER BY position, name LIMIT 1",
        )
        .fetch_optional(pool)
        .await?)
    }
}

/// Refuses an owner, team or pipeline that does not exist or that the user may not report on
/// (sales report on themselves and their team).
async fn check_reach(pool: &PgPool, user: &CurrentUser, f: &Filter) -> Result<(), AppError> {
    let team_only = user.role.data_scope() == DataScope::Team;
    if let Some(o) = f.owner {
        let ok: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users u, users me WHERE u.id = $1 AND me.id = $2
               AND (NOT $3 OR u.id = me.id OR (u.team IS NOT NULL AND u.team = me.team)))",
        )
        .bind(o)
        .bind(user.id.0)
        .bind(team_only)
        .fetch_one(pool)
        .await?;
        if !ok {
            return Err(AppError::invalid("owner", Invalid::Choice));
        }
    }
    if let Some(t) = &f.team {
        let ok: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users u, users me WHERE u.team = $1 AND me.id = $2
               AND (NOT $3 OR u.team = me.team))",
        )
        .bind(t)
        .bind(user.id.0)
        .bind(team_only)
        .fetch_one(pool)
        .await?;
        if !ok {
            return Err(AppError::invalid("team", Invalid::Choice));
        }
    }
    if let Some(p) = f.pipeline {
        let ok: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pipelines WHERE id = $1)")
            .bind(p)
            .fetch_one(pool)
            .await?;
        if !ok {
            return Err(AppError::invalid("pipeline", Invalid::Choice));
        }
    }
    Ok(())
}

/// The filter bar's choices: pipelines, the colleagues and teams the user may report on, and the
/// customers' sources.
pub async fn choices(pool: &PgPool, user: &CurrentUser) -> Result<super::model::Choices, AppError> {
    let team_only = user.role.data_scope() == DataScope::Team;
    let (pipelines, owners, teams, sources) = tokio::try_join!(
        sqlx::query_as::<_, (Uuid, String)>(
            "SELECT id, name FROM pipelines WHERE archived_at IS NULL ORDER BY position, name"
        )
        .fetch_all(pool),
        sqlx::query_as::<_, (Uuid, String)>(
            "SELECT u.id, u.display_name FROM users u, users me WHERE me.id = $1 AND u.active
               AND u.role IN ('admin', 'manager', 'sales')
               AND (NOT $2 OR u.id = me.id OR (u.team IS NOT NULL AND u.team = me.team))
             ORDER BY u.display_name LIMIT 500"
        )
        .bind(user.id.0)
        .bind(team_only)
        .fetch_all(pool),
        sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT u.team FROM users u, users me WHERE me.id = $1 AND u.team IS NOT NULL
               AND (NOT $2 OR u.team = me.team) ORDER BY 1 LIMIT 100"
        )
        .bind(user.id.0)
        .bind(team_only)
        .fetch_all(pool),
        // The sources in use, most used first (an index-backed sample keeps this cheap at scale).
        sqlx::query_scalar::<_, String>(
            "SELECT source FROM (SELECT source FROM companies WHERE deleted_at IS NULL AND source IS NOT NULL LIMIT 50000) s
             GROUP BY source ORDER BY count(*) DESC, source LIMIT 50"
        )
        .fetch_all(pool),
    )?;
    Ok(super::model::Choices {
        pipelines,
        owners,
        teams,
        sources,
        currency: crate::money::DEFAULT_CURRENCY.to_string(),
    })
}

/// One row per month of the period, the months without data filled by `empty`.
fn fill_months(c: &Ctx<'_>, rows: Vec<Line>, empty: impl Fn(NaiveDate) -> Vec<Cell>) -> Vec<Line> {
    c.f.span
        .months()
        .into_iter()
        .map(|m| {
            rows.iter()
                .find(|l| l.label == Label::Month(m))
                .cloned()
                .unwrap_or_else(|| deals::line(Label::Month(m), empty(m)))
        })
        .collect()
}
