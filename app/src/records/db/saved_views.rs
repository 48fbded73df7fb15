//! The user's saved list views, and the users a list can be filtered by or handed to.
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::records::filter::ListFilter;
use crate::records::list::ListDef;
use crate::records::model::{ListKind, ListQuery, Owner, SavedView};
use crate::users::model::CurrentUser;

/// Active users, by name, for owner filters and pickers.
pub async fn owners(pool: &PgPool) -> Result<Vec<Owner>, AppError> {
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, display_name FROM users ORDER BY display_name")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Owner { id, name })
        .collect())
}

pub async fn saved_views(
    pool: &PgPool,
    user: &CurrentUser,
    list: ListKind,
) -> Result<Vec<SavedView>, AppError> {
    let rows: Vec<(Uuid, String, String)> = sqlx::query_as(
        "SELECT id, name, query FROM saved_views WHERE user_id = $1 AND list = $2 ORDER BY name",
    )
    .bind(user.id.0)
    .bind(list.as_str())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, query)| SavedView { id, name, query })
        .collect())
}

/// The `saved_views` columns' limits (migration 0005).
pub const SAVED_VIEW_NAME_MAX: u32 = 100;
const SAVED_VIEW_QUERY_MAX: usize = 2000;

/// Saves (or replaces, by name) one of the user's views of `list`.
pub async fn save_view(
    conn: &mut PgConnection,
    user: &CurrentUser,
    list: &ListDef,
    name: &str,
    query: &ListQuery,
) -> Result<Uuid, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", Invalid::Required));
    }
    if name.chars().count() > SAVED_VIEW_NAME_MAX as usize {
        return Err(AppError::invalid(
            "name",
            Invalid::TooLong {
                max: SAVED_VIEW_NAME_MAX,
            },
        ));
    }
    if name.contains('\0') {
        return Err(AppError::invalid("name", Invalid::Characters));
    }
    // Only a view the list can show is kept, and it must fit its column.
    let today = chrono::Utc::now().date_naive();
    ListFilter::parse(&query.first_page(), list.sql, today)?;
    let query = query.first_page().to_query_string();
    if query.len() > SAVED_VIEW_QUERY_MAX {
        return Err(AppError::invalid(
            "query",
            Invalid::TooLong {
                max: SAVED_VIEW_QUERY_MAX as u32,
            },
        ));
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO saved_views (user_id, list, name, query) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, list, name) DO UPDATE SET query = EXCLUDED.query RETURNING id",
    )
    .bind(user.id.0)
    .bind(list.kind.as_str())
    .bind(name)
    .bind(query)
    .fetch_one(conn)
    .await?)
}

pub async fn delete_view(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<(), AppError> {
    let r = sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.id.0)
        .execute(pool)
        .await?;
    if r.rows_affected() == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}
