//! Server functions for reports; each checks the session, and the SQL the user's data scope.
use leptos::prelude::*;

use super::home::Dashboard;
use super::model::{Choices, Report, ReportKind, ReportQuery};
use super::targets::{TargetInput, TargetsPage};
use crate::error::AppError;

/// One report with its filters; a malformed or out-of-reach filter is a field error.
#[server(prefix = "/api", endpoint = "report")]
pub async fn read_report(kind: ReportKind, query: ReportQuery) -> Result<Report, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    run(
        &auth::state()?.pool,
        &user,
        kind,
        &query,
        chrono::Utc::now(),
    )
    .await
}

/// Reads a report (also for its CSV download).
#[cfg(feature = "ssr")]
pub async fn run(
    pool: &sqlx::PgPool,
    user: &crate::users::model::CurrentUser,
    kind: ReportKind,
    query: &ReportQuery,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Report, AppError> {
    use super::db;
    let c = db::Ctx::resolve(pool, user, kind, query, now).await?;
    match kind {
        ReportKind::Funnel => db::funnel(pool, &c).await,
        ReportKind::Forecast => db::forecast(pool, &c).await,
        ReportKind::WinRate => db::win_rate(pool, &c).await,
        ReportKind::Cycle => db::cycle(pool, &c).await,
        ReportKind::Velocity => db::velocity(pool, &c).await,
        ReportKind::LostReasons => db::lost_reasons(pool, &c).await,
        ReportKind::Revenue => db::revenue(pool, &c).await,
        ReportKind::Activities => db::activities(pool, &c).await,
        ReportKind::NewCustomers => db::new_customers(pool, &c).await,
        ReportKind::Rankings => db::rankings(pool, &c).await,
        ReportKind::Targets => db::targets(pool, &c).await,
    }
}

/// What the filter bar offers the user.
#[server(prefix = "/api", endpoint = "report_choices")]
pub async fn report_choices() -> Result<Choices, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::choices(&auth::state()?.pool, &user).await
}

/// The home dashboard of the user's role.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn read_dashboard() -> Result<Dashboard, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    super::db::home::dashboard(&auth::state()?.pool, &user, chrono::Utc::now()).await
}

#[server(prefix = "/api", endpoint = "list_targets")]
pub async fn list_targets(year: i32) -> Result<TargetsPage, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    if !super::targets::may_set_targets(user.role) {
        return Err(AppError::Forbidden);
    }
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", crate::error::Invalid::Number));
    }
    super::db::targets::list(&auth::state()?.pool, year).await
}

/// Saves a target; `version` is the one shown (0 for a new target), a stale one a conflict.
#[server(prefix = "/api", endpoint = "save_target")]
pub async fn save_target(input: TargetInput, version: i32) -> Result<i32, AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    if !super::targets::may_set_targets(user.role) {
        return Err(AppError::Forbidden);
    }
    let target = input.parse()?;
    let mut tx = auth::state()?.pool.begin().await?;
    let v = super::db::targets::save(&mut tx, &user, &target, version).await?;
    tx.commit().await?;
    Ok(v)
}
