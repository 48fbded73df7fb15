//! Activities and tasks one at a time and a page at a time, as the public API serves them: a
//! record's logged interactions (history is appended, never rewritten), and the user's tasks.
//! Every row passes the rule opening its record would.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::error::{AppError, Invalid};
#[cfg(feature = "ssr")]
use crate::users::model::CurrentUser;

/// An interaction logged on a record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ActivityRow {
    pub id: Uuid,
    /// contact, company, lead or deal.
    pub record_type: String,
    pub record_id: Uuid,
    /// note, call, meeting or email.
    pub kind: String,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// A call's outcome: connected, no_answer, voicemail, busy or wrong_number.
    pub outcome: Option<String>,
    pub duration_minutes: Option<i32>,
    pub occurred_at: DateTime<Utc>,
    pub author_id: Option<Uuid>,
    pub author: Option<String>,
}

/// A task about a record, assigned to a user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct TaskRow {
    pub id: Uuid,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    /// contact, company, lead, deal or ticket.
    pub record_type: Option<String>,
    pub record_id: Option<Uuid>,
    pub assignee_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// A task as written through the API: its title and due date, and whether it is done.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskInput {
    pub title: String,
    /// YYYY-MM-DD, or empty for none.
    #[serde(default)]
    pub due_on: String,
    /// "true" or "false".
    #[serde(default)]
    pub done: String,
}

/// A parsed task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskDraft {
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
}

impl TaskInput {
    #[cfg(feature = "ssr")]
    pub fn parse(&self) -> Result<TaskDraft, AppError> {
        let mut fields = std::collections::BTreeMap::new();
        let title = self.title.trim();
        if title.is_empty() {
            fields.insert("title".to_string(), Invalid::Required);
        } else if title.chars().count() > super::model::FOLLOW_UP_MAX as usize {
            let max = super::model::FOLLOW_UP_MAX;
            fields.insert("title".to_string(), Invalid::TooLong { max });
        }
        let due_on = match self.due_on.trim() {
            "" => None,
            d => {
                let parsed = crate::dates::parse_date(d);
                if parsed.is_none() {
                    fields.insert("due_on".to_string(), Invalid::Date);
                }
                parsed
            }
        };
        let done = match self.done.trim() {
            "" | "false" => false,
            "true" => true,
            _ => {
                fields.insert("done".to_string(), Invalid::Choice);
                false
            }
        };
        if fields.is_empty() {
            Ok(TaskDraft {
                title: title.to_string(),
                due_on,
                done,
            })
        } else {
            Err(AppError::Validation { fields })
        }
    }
}

impl From<&TaskRow> for TaskInput {
    fn from(t: &TaskRow) -> Self {
        TaskInput {
            title: t.title.clone(),
            due_on: t.due_on.map(|d| d.to_string()).unwrap_or_default(),
            done: t.done.to_string(),
        }
    }
}

/// A keyset position: a time and an id, written `time~id`.
#[cfg(feature = "ssr")]
fn position(cursor: &str) -> Result<Option<(DateTime<Utc>, Uuid)>, AppError> {
    if cursor.is_empty() {
        return Ok(None);
    }
    let bad = || AppError::invalid("cursor", Invalid::Choice);
    let (at, id) = cursor.split_once('~').ok_or_else(bad)?;
    let at = DateTime::parse_from_rfc3339(at).map_err(|_| bad())?;
    Ok(Some((
        at.with_timezone(&Utc),
        id.parse().map_err(|_| bad())?,
    )))
}

#[cfg(feature = "ssr")]
fn next(last: Option<(DateTime<Utc>, Uuid)>, full: bool) -> Option<String> {
    last.filter(|_| full).map(|(at, id)| {
        format!(
            "{}~{id}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        )
    })
}

/// A page of `sql` (its one parameter `$1` = `param`) newest first by `(at, t.id)`, after
/// `cursor`, and the next page's cursor.
#[cfg(feature = "ssr")]
async fn keyset<R>(
    pool: &sqlx::PgPool,
    sql: &str,
    at: &str,
    param: Uuid,
    cursor: &str,
    limit: i64,
    key: fn(&R) -> (DateTime<Utc>, Uuid),
) -> Result<(Vec<R>, Option<String>), AppError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let after = position(cursor)?;
    let rows: Vec<R> = sqlx::query_as(&format!(
        "{sql} AND ($2::timestamptz IS NULL OR ({at}, t.id) < ($2, $3)) ORDER BY {at} DESC, t.id DESC LIMIT $4"
    ))
    .bind(param)
    .bind(after.map(|a| a.0))
    .bind(after.map(|a| a.1))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let next = next(rows.last().map(key), rows.len() as i64 == limit);
    Ok((rows, next))
}

#[cfg(feature = "ssr")]
const ACTIVITY: &str = "SELECT t.id, CASE WHEN t.contact_id IS NOT NULL THEN 'contact' WHEN t.company_id IS NOT NULL THEN 'company'
            WHEN t.lead_id IS NOT NULL THEN 'lead' ELSE 'deal' END AS record_type,
        coalesce(t.contact_id, t.company_id, t.lead_id, t.deal_id) AS record_id, t.kind, t.subject, t.body,
        t.call_outcome AS outcome, t.duration_minutes, t.occurred_at, t.author_id, u.display_name AS author
   FROM activities t LEFT JOIN users u ON u.id = t.author_id";

/// A page of what was logged on a record the user may open, newest first, and the next page's
/// cursor.
#[cfg(feature = "ssr")]
pub async fn activities(
    pool: &sqlx::PgPool,
    user: &CurrentUser,
    about: super::model::SubjectKind,
    id: Uuid,
    cursor: &str,
    limit: i64,
) -> Result<(Vec<ActivityRow>, Option<String>), AppError> {
    super::db::require_visible(pool, user, about, id).await?;
    let sql = format!("{ACTIVITY} WHERE t.{} = $1", about.column());
    keyset(
        pool,
        &sql,
        "t.occurred_at",
        id,
        cursor,
        limit,
        |r: &ActivityRow| (r.occurred_at, r.id),
    )
    .await
}

/// One logged interaction, if the user may open its record.
#[cfg(feature = "ssr")]
pub async fn activity(
    conn: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: Uuid,
) -> Result<ActivityRow, AppError> {
    sqlx::query_as(&format!(
        "{ACTIVITY} WHERE t.id = $1 AND {}",
        super::db::task_record_visible(user, "$2")
    ))
    .bind(id)
    .bind(user.id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

#[cfg(feature = "ssr")]
const TASK: &str = "SELECT t.id, t.title, t.due_on, t.done_at IS NOT NULL AS done, t.done_at,
        CASE WHEN t.ticket_id IS NOT NULL THEN 'ticket' WHEN t.contact_id IS NOT NULL THEN 'contact'
             WHEN t.company_id IS NOT NULL THEN 'company' WHEN t.lead_id IS NOT NULL THEN 'lead'
             WHEN t.deal_id IS NOT NULL THEN 'deal' END AS record_type,
        coalesce(t.ticket_id, t.contact_id, t.company_id, t.lead_id, t.deal_id) AS record_id,
        t.assignee_id, t.created_at, t.version
   FROM tasks t";

/// A page of the user's tasks (open, done or all), newest first, on records they may open.
#[cfg(feature = "ssr")]
pub async fn tasks(
    pool: &sqlx::PgPool,
    user: &CurrentUser,
    status: &str,
    cursor: &str,
    limit: i64,
) -> Result<(Vec<TaskRow>, Option<String>), AppError> {
    let done = match status {
        "" | "open" => "t.done_at IS NULL",
        "done" => "t.done_at IS NOT NULL",
        "all" => "true",
        _ => return Err(AppError::invalid("status", Invalid::Choice)),
    };
    let sql = format!(
        "{TASK} WHERE t.assignee_id = $1 AND {done} AND {}",
        super::db::task_record_visible(user, "$1")
    );
    keyset(
        pool,
        &sql,
        "t.created_at",
        user.id.0,
        cursor,
        limit,
        |r: &TaskRow| (r.created_at, r.id),
    )
    .await
}

/// One task: the assignee's, or any for roles that see everything, on a record the user may open.
#[cfg(feature = "ssr")]
pub async fn task(
    conn: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: Uuid,
) -> Result<TaskRow, AppError> {
    let all = user.role.data_scope() == crate::users::model::DataScope::All;
    sqlx::query_as(&format!(
        "{TASK} WHERE t.id = $1 AND (t.assignee_id = $2 OR $3) AND {}",
        super::db::task_record_visible(user, "$2")
    ))
    .bind(id)
    .bind(user.id.0)
    .bind(all)
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// A task about a record the user may open, assigned to them.
#[cfg(feature = "ssr")]
pub async fn create_task(
    conn: &mut sqlx::PgConnection,
    user: &CurrentUser,
    about: super::model::SubjectKind,
    record: Uuid,
    draft: &TaskDraft,
) -> Result<Uuid, AppError> {
    crate::records::db::require_edit(user)?;
    let visible = super::db::visible(&mut *conn, user, about, record).await?;
    if !visible {
        return Err(AppError::invalid("record_id", Invalid::Choice));
    }
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO tasks ({}, title, due_on, done_at, assignee_id, created_by)
         VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END, $5, $5) RETURNING id",
        about.column()
    ))
    .bind(record)
    .bind(&draft.title)
    .bind(draft.due_on)
    .bind(draft.done)
    .bind(user.id.0)
    .fetch_one(&mut *conn)
    .await?)
}

/// Changes a task at `version` (its assignee may, and roles that see everything); the new version.
#[cfg(feature = "ssr")]
pub async fn update_task(
    conn: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: Uuid,
    version: i32,
    draft: &TaskDraft,
) -> Result<i32, AppError> {
    crate::records::db::require_edit(user)?;
    task(&mut *conn, user, id).await?;
    sqlx::query_scalar(
        "UPDATE tasks SET title = $3, due_on = $4,
                done_at = CASE WHEN $5 THEN coalesce(done_at, now()) END, version = version + 1
          WHERE id = $1 AND version = $2 RETURNING version",
    )
    .bind(id)
    .bind(version)
    .bind(&draft.title)
    .bind(draft.due_on)
    .bind(draft.done)
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::Conflict)
}
