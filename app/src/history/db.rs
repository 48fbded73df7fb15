//! SQL for the audit log: newest first, keyset by id, administrators only.
use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{AUDIT_PAGE, AuditEntry, AuditFilter, AuditPage};
use crate::error::AppError;
use crate::users::model::{CurrentUser, Role};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: DateTime<Utc>,
    actor: Option<String>,
    entity: String,
    entity_id: Uuid,
    record: Option<String>,
    action: String,
    changes: Option<serde_json::Value>,
}

pub async fn page(
    pool: &PgPool,
    user: &CurrentUser,
    filter: &AuditFilter,
) -> Result<AuditPage, AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let q = filter.parse()?;
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT l.id, l.at, u.display_name AS actor, l.entity, l.entity_id,
                CASE l.entity
                  WHEN 'contact' THEN (SELECT full_name FROM contacts WHERE id = l.entity_id)
                  WHEN 'company' THEN (SELECT name FROM companies WHERE id = l.entity_id)
                  WHEN 'lead' THEN (SELECT full_name FROM leads WHERE id = l.entity_id)
                  WHEN 'deal' THEN (SELECT title FROM deals WHERE id = l.entity_id)
                  WHEN 'ticket' THEN (SELECT '#' || number || ' ' || subject FROM tickets WHERE id = l.entity_id)
                  WHEN 'task' THEN (SELECT title FROM tasks WHERE id = l.entity_id)
                END AS record,
                l.action, l.changes
           FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id WHERE true",
    );
    if let Some(a) = q.actor {
        qb.push(" AND l.actor_id = ").push_bind(a);
    }
    if let Some(e) = q.entity {
        qb.push(" AND l.entity = ").push_bind(e);
    }
    if let Some(d) = q.from {
        qb.push(" AND l.at >= ").push_bind(d).push("::date");
    }
    if let Some(d) = q.to {
        qb.push(" AND l.at < ").push_bind(d).push("::date + 1");
    }
    if let Some(b) = q.before {
        qb.push(" AND l.id < ").push_bind(b);
    }
    qb.push(" ORDER BY l.id DESC LIMIT ")
        .push_bind(AUDIT_PAGE + 1);
    let mut rows: Vec<Row> = qb.build_query_as().fetch_all(pool).await?;
    let next = if rows.len() as i64 > AUDIT_PAGE {
        rows.truncate(AUDIT_PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let entries = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            actor: r.actor,
            entity: r.entity,
            entity_id: r.entity_id,
            record: r.record,
            action: r.action,
            changes: crate::activities::db::field_changes(r.changes),
        })
        .collect();
    Ok(AuditPage { entries, next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Invalid;
    use crate::users::db::test_user as user;

    #[sqlx::test(migrations = "../migrations")]
    async fn the_log_filters_by_who_what_and_when_pages_and_is_for_administrators(pool: PgPool) {
        let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let manager = user(&pool, "m@t.test", Role::Manager, "East").await;
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "INSERT INTO contacts (full_name, owner_id) SELECT 'P' || i, $1 FROM generate_series(1, 60) i RETURNING id",
        )
        .bind(sales.id.0)
        .fetch_all(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (entity, entity_id, actor_id, action, changes, at)
             SELECT 'contact', id, $2, 'update', '{\"title\": {\"old\": null, \"new\": \"CEO\"}}', '2026-11-20'
               FROM unnest($1::uuid[]) id",
        )
        .bind(&ids)
        .bind(sales.id.0)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (entity, entity_id, actor_id, action, at) VALUES ('company', $1, $2, 'delete', '2026-11-25')",
        )
        .bind(Uuid::new_v4())
        .bind(manager.id.0)
        .execute(&pool)
        .await
        .unwrap();

        let all = page(&pool, &admin, &AuditFilter::default()).await.unwrap();
        assert_eq!(all.entries.len(), 50);
        assert_eq!(
            (
                all.entries[0].entity.as_str(),
                all.entries[0].action.as_str()
            ),
            ("company", "delete"),
            "newest first"
        );
        let older = page(
            &pool,
            &admin,
            &AuditFilter {
                before: all.next.unwrap().to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((older.entries.len(), older.next), (11, None));

        let theirs = page(
            &pool,
            &admin,
            &AuditFilter {
                actor: sales.id.0.to_string(),
                entity: "contact".into(),
                to: "2026-11-21".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(theirs.entries.len(), 50);
        let first = &theirs.entries[0];
        assert!(first.record.as_deref().unwrap().starts_with('P'));
        assert_eq!(first.actor.as_deref(), Some("s@t.test"));
        assert_eq!(
            (
                first.changes[0].field.as_str(),
                first.changes[0].new.as_str()
            ),
            ("title", "CEO")
        );
        let later = page(
            &pool,
            &admin,
            &AuditFilter {
                from: "2026-11-21".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(later.entries.len(), 1);

        assert_eq!(
            page(&pool, &manager, &AuditFilter::default()).await,
            Err(AppError::Forbidden)
        );
        assert_eq!(
            page(
                &pool,
                &admin,
                &AuditFilter {
                    from: "soon".into(),
                    ..Default::default()
                }
            )
            .await
            .unwrap_err()
            .field("from"),
            Some(Invalid::Date)
        );
    }
}
