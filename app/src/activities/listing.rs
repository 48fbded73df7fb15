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

/// The orders a list offers: the `sort` parameter's name, its SQL over the list's row `r`
/// (never NULL) and the SQL type.
#[cfg(feature = "ssr")]
type Orders = &'static [(&'static str, &'static str, &'static str)];

#[cfg(feature = "ssr")]
const ACTIVITY_ORDERS: Orders = &[("occurred_at", "r.occurred_at", "timestamptz")];

#[cfg(feature = "ssr")]
const TASK_ORDERS: Orders = &[
    ("created_at", "r.created_at", "timestamptz"),
    ("due_on", "coalesce(r.due_on, 'infinity'::date)", "date"),
];

/// The order `sort` names (`field` ascending, `-field` descending; empty: the first, descending).
#[cfg(feature = "ssr")]
fn order(orders: Orders, sort: &str) -> Result<(&'static str, &'static str, bool), AppError> {
    let (desc, name) = match sort.strip_prefix('-') {
        Some(name) => (true, name),
        None if sort.is_empty() => (true, orders[0].0),
        None => (false, sort),
    };
    orders
        .iter()
        .find(|o| o.0 == name)
        .map(|o| (o.1, o.2, desc))
        .ok_or_else(|| AppError::invalid("sort", Invalid::Choice))
}

/// A page of `sql` (its one parameter `$1` = `param`) in the order `sort` names, after `cursor`
/// (the shared keyset of the lists), and the next page's cursor.
#[cfg(feature = "ssr")]
async fn keyset<R>(
    pool: &sqlx::PgPool,
    sql: &str,
    param: Uuid,
    (orders, sort): (Orders, &str),
    cursor: &str,
    limit: i64,
) -> Result<(Vec<R>, Option<String>), AppError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    use crate::records::db::{Keyed, keyed_page, push_keyset};
    let (expr, ty, desc) = order(orders, sort)?;
    let mut qb = sqlx::QueryBuilder::new(format!(
        "SELECT r.*, ({expr})::text AS sort_key FROM ({sql}) r WHERE "
    ));
    // The first bind is the `$1` the inner query names.
    qb.push_bind(param).push("::uuid IS NOT NULL");
    push_keyset(&mut qb, expr, ty, desc, cursor, limit)?;
    let rows: Vec<Keyed<R>> = qb.build_query_as().fetch_all(pool).await?;
    Ok(keyed_page(rows, limit))
}

#[cfg(feature = "ssr")]
const ACTIVITY: &str = "SELECT t.id, CASE WHEN t.contact_id IS NOT NULL THEN 'contact' WHEN t.company_id IS NOT NULL THEN 'company'
            WHEN t.lead_id IS NOT NULL THEN 'lead' ELSE 'deal' END AS record_type,
        coalesce(t.contact_id, t.company_id, t.lead_id, t.deal_id) AS record_id, t.kind, t.subject, t.body,
        t.call_outcome AS outcome, t.duration_minutes, t.occurred_at, t.author_id, u.display_name AS author
   FROM activities t LEFT JOIN users u ON u.id = t.author_id";

/// A page of what was logged on a record the user may open (newest first unless `sort` asks
/// otherwise), and the next page's cursor.
#[cfg(feature = "ssr")]
pub async fn activities(
    pool: &sqlx::PgPool,
    user: &CurrentUser,
    about: super::model::SubjectKind,
    id: Uuid,
    (sort, cursor): (&str, &str),
    limit: i64,
) -> Result<(Vec<ActivityRow>, Option<String>), AppError> {
    super::db::require_visible(pool, user, about, id).await?;
    let sql = format!("{ACTIVITY} WHERE t.{} = $1", about.column());
    keyset(pool, &sql, id, (ACTIVITY_ORDERS, sort), cursor, limit).await
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

/// A page of the user's tasks (open, done or all), newest first unless `sort` asks otherwise, on
/// records they may open.
#[cfg(feature = "ssr")]
pub async fn tasks(
    pool: &sqlx::PgPool,
    user: &CurrentUser,
    status: &str,
    (sort, cursor): (&str, &str),
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
        super::db::task_visible(user, "$1")
    );
    keyset(pool, &sql, user.id.0, (TASK_ORDERS, sort), cursor, limit).await
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
        super::db::task_visible(user, "$2")
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

/// Moves a task to the trash if it is still at `version`: its assignee may, and roles that see
/// everything.
#[cfg(feature = "ssr")]
pub async fn delete_task(
    conn: &mut sqlx::PgConnection,
    user: &CurrentUser,
    id: Uuid,
    version: i32,
) -> Result<(), AppError> {
    crate::records::db::require_edit(user)?;
    task(&mut *conn, user, id).await?;
    let stored: i32 = sqlx::query_scalar("SELECT version FROM tasks WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    if stored != version {
        return Err(AppError::Conflict);
    }
    crate::records::db::set_deleted(conn, ("tasks", "task"), id, user.id.0, true).await?;
    Ok(())
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
