//! Changes to many records at once (owner, tags, lead status, delete): the records ticked or all
//! that match a view, in the user's scope, in one transaction with a history row for each change.
use chrono::NaiveDate;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::db::{ListSql, push_filters, push_scope, require_edit, search_mode};
use super::filter::ListFilter;
use super::model::{BulkAction, BulkOutcome, BulkTarget, ListKind};
use crate::error::{AppError, Invalid};
use crate::users::model::CurrentUser;

/// The list's SQL, its table, and the entity its history rows name.
pub fn list_sql(kind: ListKind) -> (&'static ListSql, &'static str, &'static str) {
    let sql = match kind {
        ListKind::Contacts => &crate::contacts::db::LIST,
        ListKind::Companies => &crate::companies::db::LIST,
        ListKind::Leads => &crate::leads::db::LIST,
    };
    (sql, kind.as_str(), kind.entity())
}

/// The checked value the action sets or looks for.
async fn value(
    conn: &mut PgConnection,
    user: &CurrentUser,
    kind: ListKind,
    action: &BulkAction,
) -> Result<String, AppError> {
    let tag = |t: &str| {
        let t = t.trim();
        if t.is_empty() {
            Err(AppError::invalid("tag", Invalid::Required))
        } else if t.chars().count() > 40 {
            Err(AppError::invalid("tag", Invalid::TooLong { max: 40 }))
        } else {
            Ok(t.to_string())
        }
    };
    match action {
        BulkAction::Owner(id) => {
            // Anyone for roles that see everything; sales hand records only within their team.
            let scope =
                crate::records::db::scope_sql(user, "u", "$2").replace("u.owner_id", "u.id");
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
        BulkAction::Status(s) if kind == ListKind::Leads => crate::leads::model::STATUSES
            .iter()
            .find(|x| **x == s.as_str())
            .map(|s| s.to_string())
            .ok_or_else(|| AppError::invalid("status", Invalid::Choice)),
        BulkAction::Status(_) => Err(AppError::invalid("status", Invalid::Choice)),
        BulkAction::Delete => Ok(String::new()),
    }
}

/// Applies `action` to `target`; returns how many records changed and how many already were as
/// asked. Each change bumps the record's version (an open edit of it becomes a conflict).
pub async fn apply(
    conn: &mut PgConnection,
    user: &CurrentUser,
    kind: ListKind,
    target: &BulkTarget,
    action: &BulkAction,
    today: NaiveDate,
) -> Result<BulkOutcome, AppError> {
    require_edit(user)?;
    let value = value(conn, user, kind, action).await?;
    let (sql, table, entity) = list_sql(kind);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::model::ListQuery;
    use crate::users::db::test_user as user;
    use crate::users::model::Role;
    use sqlx::PgPool;

    fn today() -> NaiveDate {
        chrono::Utc::now().date_naive()
    }

    async fn people(pool: &PgPool, prefix: &str, n: i32, owner: &CurrentUser) -> Vec<Uuid> {
        sqlx::query_scalar(
            "INSERT INTO contacts (full_name, owner_id) SELECT $1 || ' ' || i, $3 FROM generate_series(1, $2) i RETURNING id",
        )
        .bind(prefix)
        .bind(n)
        .bind(owner.id.0)
        .fetch_all(pool)
        .await
        .unwrap()
    }

    async fn owned_by(pool: &PgPool, owner: &CurrentUser) -> Vec<String> {
        let mut names: Vec<String> = sqlx::query_scalar(
            "SELECT full_name FROM contacts WHERE owner_id = $1 AND deleted_at IS NULL",
        )
        .bind(owner.id.0)
        .fetch_all(pool)
        .await
        .unwrap();
        names.sort();
        names
    }

    async fn bulk(
        pool: &PgPool,
        user: &CurrentUser,
        target: BulkTarget,
        action: BulkAction,
    ) -> Result<BulkOutcome, AppError> {
        let mut tx = pool.begin().await.unwrap();
        let r = apply(&mut tx, user, ListKind::Contacts, &target, &action, today()).await;
        tx.commit().await.unwrap();
        r
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn assigning_all_matching_changes_exactly_that_set_with_history(pool: PgPool) {
        let east = user(&pool, "e@t.test", Role::Sales, "East").await;
        let mate = user(&pool, "m@t.test", Role::Sales, "East").await;
        let west = user(&pool, "w@t.test", Role::Sales, "West").await;
        people(&pool, "Alpha", 60, &east).await;
        people(&pool, "Beta", 20, &east).await;
        people(&pool, "Alpha West", 5, &west).await;
        let alpha = ListQuery {
            q: "alpha".into(),
            after: "ignored".into(),
            ..Default::default()
        };
        let r = bulk(
            &pool,
            &east,
            BulkTarget::Matching(alpha.clone()),
            BulkAction::Owner(mate.id.0),
        )
        .await
        .unwrap();
        assert_eq!(
            (r.changed, r.unchanged),
            (60, 0),
            "more than a page, all of it"
        );
        let mine = owned_by(&pool, &mate).await;
        assert_eq!(mine.len(), 60);
        assert!(
            mine.iter()
                .all(|n| n.starts_with("Alpha ") && !n.contains("West"))
        );
        assert_eq!(owned_by(&pool, &east).await.len(), 20, "Beta stays");
        assert_eq!(
            owned_by(&pool, &west).await.len(),
            5,
            "another team's stays"
        );
        let history: Vec<serde_json::Value> = sqlx::query_scalar(
            "SELECT changes FROM audit_log WHERE entity = 'contact' AND action = 'update'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(history.len(), 60);
        assert_eq!(history[0]["owner"]["new"], "m@t.test");
        // Already theirs: nothing changes the second time.
        let again = bulk(
            &pool,
            &mate,
            BulkTarget::Matching(alpha),
            BulkAction::Owner(mate.id.0),
        )
        .await
        .unwrap();
        assert_eq!((again.changed, again.unchanged), (0, 60));
        // Sales hand records only within their team.
        let outside = bulk(
            &pool,
            &east,
            BulkTarget::Ids(vec![]),
            BulkAction::Owner(west.id.0),
        )
        .await;
        assert_eq!(outside.unwrap_err().field("owner"), Some(Invalid::Choice));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn tags_are_added_and_removed_once_and_deleted_records_leave_the_list(pool: PgPool) {
        let east = user(&pool, "e@t.test", Role::Sales, "East").await;
        let west = user(&pool, "w@t.test", Role::Sales, "West").await;
        let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
        let ids = people(&pool, "Gamma", 3, &east).await;
        let theirs = people(&pool, "Theirs", 1, &west).await;
        let picked = BulkTarget::Ids(vec![ids[0], ids[1], theirs[0]]);
        let add = BulkAction::AddTag(" vip ".into());
        let r = bulk(&pool, &east, picked.clone(), add.clone())
            .await
            .unwrap();
        assert_eq!(
            (r.changed, r.unchanged),
            (2, 0),
            "another team's record is not touched"
        );
        let r = bulk(&pool, &east, picked.clone(), add).await.unwrap();
        assert_eq!((r.changed, r.unchanged), (0, 2));
        let tagged: i64 =
            sqlx::query_scalar("SELECT count(*) FROM contacts WHERE tags = ARRAY['vip']")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(tagged, 2);
        let r = bulk(
            &pool,
            &east,
            picked.clone(),
            BulkAction::RemoveTag("vip".into()),
        )
        .await
        .unwrap();
        assert_eq!(r.changed, 2);
        assert_eq!(
            bulk(
                &pool,
                &east,
                picked.clone(),
                BulkAction::AddTag("  ".into())
            )
            .await
            .unwrap_err()
            .field("tag"),
            Some(Invalid::Required)
        );
        assert_eq!(
            bulk(
                &pool,
                &east,
                picked.clone(),
                BulkAction::Status("won".into())
            )
            .await
            .unwrap_err()
            .field("status"),
            Some(Invalid::Choice),
            "contacts have no status"
        );
        assert_eq!(
            bulk(&pool, &viewer, picked.clone(), BulkAction::Delete).await,
            Err(AppError::Forbidden)
        );

        let r = bulk(&pool, &east, picked, BulkAction::Delete)
            .await
            .unwrap();
        assert_eq!(r.changed, 2);
        let listed = crate::contacts::db::list(&pool, &east, &ListQuery::default())
            .await
            .unwrap();
        assert_eq!(listed.total, 1, "only Gamma 3 is left");
        let deleted: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'delete' AND entity = 'contact'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(deleted, 2);
    }
}
