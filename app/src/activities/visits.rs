//! Return visits (回访): a follow-up call a desk option's number of days after a ticket is resolved
//! or a deal won, put in the tasks of whoever handled it, and done by recording the call's outcome
//! and the customer's satisfaction.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{CallOutcome, TaskId};
use crate::error::{AppError, Invalid};

/// A return visit's form as typed: the call's outcome, and a satisfaction of 1 to 5 (or "" when
/// the customer was not reached).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VisitInput {
    pub outcome: String,
    pub satisfaction: String,
}

impl VisitInput {
    pub fn parse(&self) -> Result<(CallOutcome, Option<i16>), AppError> {
        let mut fields = std::collections::BTreeMap::new();
        let outcome = CallOutcome::parse(self.outcome.trim());
        if outcome.is_none() {
            fields.insert("outcome".to_string(), Invalid::Choice);
        }
        let satisfaction = match self.satisfaction.trim() {
            "" => None,
            s => match s.parse::<i16>() {
                Ok(n @ 1..=5) => Some(n),
                _ => {
                    fields.insert("satisfaction".to_string(), Invalid::Choice);
                    None
                }
            },
        };
        match (outcome, fields.is_empty()) {
            (Some(o), true) => Ok((o, satisfaction)),
            _ => Err(AppError::Validation { fields }),
        }
    }
}

/// Records a return visit: the task is done, with the call's outcome and the satisfaction.
#[server(prefix = "/api", endpoint = "record_visit")]
pub async fn record_visit(task: TaskId, input: VisitInput) -> Result<(), AppError> {
    use crate::users::auth;
    let user = auth::current_user()?;
    let (outcome, satisfaction) = input.parse()?;
    db::record(&auth::state()?.pool, &user, task, outcome, satisfaction).await
}

#[cfg(feature = "ssr")]
pub mod db {
    use chrono::{DateTime, Utc};
    use sqlx::{PgConnection, PgPool};
    use uuid::Uuid;

    use crate::activities::db::task_visible;
    use crate::activities::model::{CallOutcome, SubjectKind, TaskId};
    use crate::error::AppError;
    use crate::users::model::{CurrentUser, DataScope};

    /// The days from a resolution (or a won deal) to its return visit; 0 for none.
    pub async fn visit_days<'c>(conn: impl sqlx::PgExecutor<'c>) -> Result<i32, AppError> {
        Ok(
            sqlx::query_scalar("SELECT return_visit_days FROM desk_options")
                .fetch_optional(conn)
                .await?
                .unwrap_or(0),
        )
    }

    /// What a return visit is about: the record (its page decides who may see the task), the
    /// ticket it follows if any, its title ("#1042 Printer jam", a deal's title), and whose it is.
    pub struct Due<'a> {
        pub about: SubjectKind,
        pub record: Uuid,
        pub ticket: Option<Uuid>,
        pub title: &'a str,
        pub assignee: Uuid,
    }

    /// Schedules the return visit `visit_days` after `at`, unless the option is 0 or the ticket or
    /// deal has one open already.
    pub async fn schedule(
        conn: &mut PgConnection,
        due: Due<'_>,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let days = visit_days(&mut *conn).await?;
        if days == 0 {
            return Ok(());
        }
        let column = due.about.column();
        sqlx::query(&format!(
            "INSERT INTO tasks ({column}, ticket_id, kind, title, due_on, assignee_id) \
             VALUES ($1, $2, 'return_visit', left($3, 300), ($4::timestamptz + make_interval(days => $5))::date, $6) \
             ON CONFLICT DO NOTHING"
        ))
        .bind(due.record)
        .bind(due.ticket)
        .bind(due.title)
        .bind(at)
        .bind(days)
        .bind(due.assignee)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Records a return visit (its assignee, or a role that sees everything, on a record they may
    /// open; viewers may not): done, with the outcome and the satisfaction.
    pub async fn record(
        pool: &PgPool,
        user: &CurrentUser,
        task: TaskId,
        outcome: CallOutcome,
        satisfaction: Option<i16>,
    ) -> Result<(), AppError> {
        crate::records::db::require_edit(user)?;
        let all = user.role.data_scope() == DataScope::All;
        let r = sqlx::query(&format!(
            "UPDATE tasks t SET done_at = now(), outcome = $3, satisfaction = $4, version = version + 1
              WHERE t.id = $1 AND t.kind = 'return_visit' AND (t.assignee_id = $2 OR $5) AND {}",
            task_visible(user, "$2")
        ))
        .bind(task.0)
        .bind(user.id.0)
        .bind(outcome.as_str())
        .bind(satisfaction)
        .bind(all)
        .execute(pool)
        .await?;
        match r.rows_affected() {
            0 => Err(AppError::NotFound),
            _ => Ok(()),
        }
    }

    /// Sets the days to a return visit (administrators), if the options are still at `version`.
    pub async fn save_days(
        conn: &mut PgConnection,
        user: &CurrentUser,
        days: i32,
        version: i32,
    ) -> Result<i32, AppError> {
        if user.role != crate::users::model::Role::Admin {
            return Err(AppError::Forbidden);
        }
        sqlx::query_scalar(
            "UPDATE desk_options SET return_visit_days = $1, version = version + 1 WHERE version = $2 RETURNING version",
        )
        .bind(days)
        .bind(version)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::Conflict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_records_a_known_outcome_and_a_satisfaction_of_one_to_five() {
        let v = |o: &str, s: &str| {
            VisitInput {
                outcome: o.into(),
                satisfaction: s.into(),
            }
            .parse()
        };
        assert_eq!(v("connected", "4"), Ok((CallOutcome::Connected, Some(4))));
        assert_eq!(v("no_answer", ""), Ok((CallOutcome::NoAnswer, None)));
        let e = v("shouted", "9").unwrap_err();
        assert_eq!(e.field("outcome"), Some(Invalid::Choice));
        assert_eq!(e.field("satisfaction"), Some(Invalid::Choice));
    }
}
