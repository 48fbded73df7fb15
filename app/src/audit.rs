//! The audit trail: one row per change to a customer-facing record, in the change's transaction.
use serde_json::{Map, Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

/// Field-by-field differences between two JSON objects: `{"field": {"old": …, "new": …}}`.
pub fn diff(old: &Value, new: &Value) -> Map<String, Value> {
    let mut changes = Map::new();
    let empty = Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    for (field, new_value) in new {
        let old_value = old.get(field).unwrap_or(&Value::Null);
        if old_value != new_value {
            changes.insert(field.clone(), json!({ "old": old_value, "new": new_value }));
        }
    }
    changes
}

pub async fn record(
    conn: &mut PgConnection,
    entity: &str,
    entity_id: Uuid,
    actor: impl Into<Option<Uuid>>,
    action: &str,
    changes: Map<String, Value>,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO audit_log (entity, entity_id, actor_id, action, changes) VALUES ($1, $2, $3, $4, $5)")
        .bind(entity)
        .bind(entity_id)
        .bind(actor.into())
        .bind(action)
        .bind(Value::Object(changes))
        .execute(conn)
        .await?;
    Ok(())
}

/// The audit row of a record's creation: every field of `draft` as new.
pub async fn created<T: serde::Serialize>(
    conn: &mut PgConnection,
    entity: &str,
    id: Uuid,
    actor: Uuid,
    draft: &T,
) -> Result<(), AppError> {
    let new = serde_json::to_value(draft).map_err(AppError::internal)?;
    record(conn, entity, id, actor, "create", diff(&Value::Null, &new)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_recorded_with_old_and_new() {
        let d = diff(
            &json!({"name": "Wang", "title": "CEO"}),
            &json!({"name": "Wang Wei", "title": "CEO", "tags": ["vip"]}),
        );
        assert_eq!(
            Value::Object(d),
            json!({
                "name": {"old": "Wang", "new": "Wang Wei"},
                "tags": {"old": null, "new": ["vip"]}
            })
        );
    }
}
