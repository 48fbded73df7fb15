//! Changes to many records of a list at once (owner, tags, status for a list that has one, delete):
//! the records ticked or all that match a view, in the user's scope, in one transaction with a
//! history row for each change.
use chrono::NaiveDate;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::db::{push_filters, push_scope, require_edit, scope_sql, search_mode};
use super::fields::TAG_MAX;
use super::filter::ListFilter;
use super::list::ListDef;
use super::model::{BulkAction, BulkOutcome, BulkTarget};
use crate::error::{AppError, Invalid};
use crate::users::model::CurrentUser;

/// The checked value the action sets or looks for.
async fn value(
    conn: &mut PgConnection,
    user: &CurrentUser,
    list: &ListDef,
    action: &BulkAction,
) -> Result<String, AppError> {
    let tag = |t: &str| {
        let t = t.trim();
        if t.is_empty() {
            Err(AppError::invalid("tag", Invalid::Required))
        } else if t.chars().count() > TAG_MAX as usize {
            Err(AppError::invalid("tag", Invalid::TooLong { max: TAG_MAX }))
        } else {
            Ok(t.to_string())
        }
    };
    match action {
        BulkAction::Owner(id) => {
            // Anyone for roles that see everything; sales hand records only within their team.
            let scope = scope_sql(user, "u", "$2").replace("u.owner_id", "u.id");
            let ok: bool = sqlx::query_scalar(&format!(
                "SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = $1{scope})"
            ))
            .bind(id)
            .bind(user.id.0)
            .fetch_one(conn)
            .await?;
            if ok {
                Ok(id.to_string())
            } else {
                Err(AppError::invalid("owner", Invalid::Choice))
            }
        }
        BulkAction::AddTag(t) | BulkAction::RemoveTag(t) => tag(t),
        // One of the list's own statuses (a list without a status column has none).
        BulkAction::Status(s) => list
            .sql
            .statuses
            .iter()
            .find(|x| **x == s.as_str())
            .map(|s| s.to_string())
            .ok_or_else(|| AppError::invalid("status", Invalid::Choice)),
        BulkAction::Delete => Ok(String::new()),
    }
}

/// Applies `action` to `target` in `list`; returns how many records changed and how many already
/// were as asked. Each change bumps the record's version (an open edit of it becomes a conflict).
pub async fn apply(
    conn: &mut PgConnection,
    user: &CurrentUser,
    list: &ListDef,
    target: &BulkTarget,
    action: &BulkAction,
    today: NaiveDate,
) -> Result<BulkOutcome, AppError> {
    require_edit(user)?;
    let value = value(conn, user, list, action).await?;
    let (sql, table, entity) = (list.sql, list.table(), list.entity());
    let mut qb = QueryBuilder::<Postgres>::new(format!("SELECT r.id FROM {}", sql.count_from));
    match target {
        BulkTarget::Ids(ids) => {
            qb.push(" WHERE r.deleted_at IS NULL AND r.id = ANY(")
                .push_bind(ids.clone())
                .push(")");
            push_scope(&mut qb, user, "r");
        }
        BulkTarget::Matching(query) => {
            let filter = ListFilter::parse(&query.first_page(), sql, today)?;
            let (how, _) = search_mode(conn, user, sql, &filter, 0).await?;
            push_filters(&mut qb, user, sql, &filter, how);
        }
    }
    qb.push(" FOR UPDATE OF r");
    let ids: Vec<Uuid> = qb.build_query_scalar().fetch_all(&mut *conn).await?;

    let (set, only, changes, verb) = match action {
        BulkAction::Owner(_) => (
            "owner_id = $2::uuid",
            "r.owner_id IS DISTINCT FROM $2::uuid",
            "jsonb_build_object('owner', jsonb_build_object('old', (SELECT display_name FROM users WHERE id = old.owner_id), \
             'new', (SELECT display_name FROM users WHERE id = $2::uuid)))",
            "update",
        ),
        BulkAction::AddTag(_) => (
            "tags = array_append(r.tags, $2::text)",
            "NOT r.tags @> ARRAY[$2::text]",
            "jsonb_build_object('tags', jsonb_build_object('old', to_jsonb(old.tags), 'new', to_jsonb(array_append(old.tags, $2::text))))",
            "update",
        ),
        BulkAction::RemoveTag(_) => (
            "tags = array_remove(r.tags, $2::text)",
            "r.tags @> ARRAY[$2::text]",
            "jsonb_build_object('tags', jsonb_build_object('old', to_jsonb(old.tags), 'new', to_jsonb(array_remove(old.tags, $2::text))))",
            "update",
        ),
        BulkAction::Status(_) => (
            "status = $2::text",
            "r.status IS DISTINCT FROM $2::text",
            "jsonb_build_object('status', jsonb_build_object('old', old.status, 'new', $2::text))",
            "update",
        ),
        BulkAction::Delete => (
            "deleted_at = now()",
            "$2::text = ''",
            "'{}'::jsonb",
            "delete",
        ),
    };
    let changed = sqlx::query(&format!(
        "WITH changed AS (
            UPDATE {table} r SET {set}, version = r.version + 1, updated_at = now(), updated_by = $3
              FROM {table} old
             WHERE old.id = r.id AND r.id = ANY($1) AND {only}
            RETURNING r.id, {changes} AS changes)
         INSERT INTO audit_log (entity, entity_id, actor_id, action, changes)
         SELECT $4, id, $3, '{verb}', changes FROM changed"
    ))
    .bind(&ids)
    .bind(value)
    .bind(user.id.0)
    .bind(entity)
    .execute(&mut *conn)
    .await?
    .rows_affected() as i64;
    Ok(BulkOutcome {
        changed,
        unchanged: ids.len() as i64 - changed,
    })
}
