//! What every record kind of the API shares: list with filters and a keyset cursor, get, create,
//! partial update and delete (to the trash), each through the kind's own domain code, in one
//! transaction, under the token's grants and its user's role and data scope.
use std::future::Future;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use utoipa::IntoParams;
use uuid::Uuid;

use super::{ApiError, ApiResult, Caller, IfMatch, stale, tagged};
use app::error::{AppError, Invalid};
use app::records::list::ListDef;
use app::records::model::{BulkAction, BulkTarget, ListPage, ListQuery, MAX_PAGE_SIZE};
use app::tokens::model::Entity;
use app::users::model::CurrentUser;

/// A kind of record the API serves, told by its domain's code.
pub trait Kind: Send + Sync + 'static {
    const ENTITY: Entity;
    const LIST: ListDef;
    type Record: Serialize + Send;
    type Row: Serialize + Send;
    /// The form as the UI types it: the API's body has the same fields.
    type Input: Serialize + DeserializeOwned + Send;

    fn version(r: &Self::Record) -> i32;
    fn input(r: &Self::Record) -> Self::Input;
    fn list(
        pool: &PgPool,
        user: &CurrentUser,
        q: &ListQuery,
    ) -> impl Future<Output = Result<ListPage<Self::Row>, AppError>> + Send;
    fn get(
        conn: &mut PgConnection,
        user: &CurrentUser,
        id: Uuid,
    ) -> impl Future<Output = Result<Self::Record, AppError>> + Send;
    fn create(
        conn: &mut PgConnection,
        user: &CurrentUser,
        input: Self::Input,
    ) -> impl Future<Output = Result<Uuid, AppError>> + Send;
    fn update(
        conn: &mut PgConnection,
        user: &CurrentUser,
        id: Uuid,
        version: i32,
        input: Self::Input,
    ) -> impl Future<Output = Result<i32, AppError>> + Send;
}

/// A list's filters, as the list page's URL carries them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Search text (name, email, phone …).
    q: String,
    /// `me`, or an owner's user id.
    owner: String,
    tag: String,
    source: String,
    /// For lists with a status (leads).
    status: String,
    /// Created within: `0d` (today), `7d`, `30d`, `90d`.
    created: String,
    /// Created on or after (YYYY-MM-DD).
    from: String,
    /// Created on or before (YYYY-MM-DD).
    to: String,
    /// A column key; empty for the list's default order.
    sort: String,
    desc: bool,
    /// The `next_cursor` of the previous page.
    cursor: String,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<u32>,
}

impl ListParams {
    pub(super) fn query(self) -> ApiResult<ListQuery> {
        limit(self.limit)?;
        Ok(ListQuery {
            q: self.q,
            owner: self.owner,
            tag: self.tag,
            source: self.source,
            status: self.status,
            created: self.created,
            from: self.from,
            to: self.to,
            sort: self.sort,
            desc: self.desc,
            after: self.cursor,
            cols: vec![],
            limit: self.limit,
        })
    }
}

/// A page size asked for (`limit`): 1 to `MAX_PAGE_SIZE`, or none for the lists' default.
pub fn limit(l: Option<u32>) -> ApiResult<Option<u32>> {
    match l {
        Some(n) if n == 0 || n > MAX_PAGE_SIZE => {
            Err(ApiError(AppError::invalid("limit", Invalid::Number)))
        }
        n => Ok(n),
    }
}

/// A query string that does not parse is a bad request in the API's own error body.
pub fn params<T>(q: Result<axum::extract::Query<T>, QueryRejection>) -> ApiResult<T> {
    q.map(|q| q.0).map_err(|_| ApiError(AppError::BadRequest))
}

pub fn body(b: Result<Json<Value>, JsonRejection>) -> ApiResult<serde_json::Map<String, Value>> {
    match b {
        Ok(Json(Value::Object(m))) => Ok(m),
        _ => Err(ApiError(AppError::BadRequest)),
    }
}

/// The fields of `base` replaced by those `patch` names: text as it is, a list of texts joined
/// as the form takes them (one per line), a number as written, null as empty. A field the form
/// does not have is refused by name.
pub fn merge<I: Serialize + DeserializeOwned>(
    base: &I,
    patch: serde_json::Map<String, Value>,
) -> ApiResult<I> {
    let mut fields = match serde_json::to_value(base) {
        Ok(Value::Object(m)) => m,
        _ => return Err(ApiError(AppError::internal("a form is not an object"))),
    };
    let mut refused = std::collections::BTreeMap::new();
    for (key, value) in patch {
        if !fields.contains_key(&key) {
            refused.insert(key, Invalid::Choice);
            continue;
        }
        let text = match value {
            Value::Null => String::new(),
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(items) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
            _ => {
                refused.insert(key, Invalid::Choice);
                continue;
            }
        };
        fields.insert(key, Value::String(text));
    }
    if !refused.is_empty() {
        return Err(ApiError(AppError::Validation { fields: refused }));
    }
    serde_json::from_value(Value::Object(fields)).map_err(|_| ApiError(AppError::BadRequest))
}

pub async fn list<K: Kind>(
    pool: &PgPool,
    caller: &Caller,
    p: ListParams,
) -> ApiResult<Json<super::Page<K::Row>>> {
    let user = caller.may(K::ENTITY, false)?;
    let page = K::list(pool, user, &p.query()?).await?;
    Ok(Json(super::Page {
        data: page.rows,
        next_cursor: page.next,
    }))
}

pub async fn get<K: Kind>(pool: &PgPool, caller: &Caller, id: &str) -> ApiResult<Response> {
    let user = caller.may(K::ENTITY, false)?;
    let id = super::id_of(id)?;
    let mut conn = pool.acquire().await?;
    let r = K::get(&mut conn, user, id).await?;
    Ok(tagged(StatusCode::OK, K::version(&r), &r))
}

pub async fn create<K: Kind>(
    pool: &PgPool,
    caller: &Caller,
    b: Result<Json<Value>, JsonRejection>,
    empty: K::Input,
) -> ApiResult<Response> {
    let user = caller.may(K::ENTITY, true)?;
    let input = merge(&empty, body(b)?)?;
    let mut tx = pool.begin().await?;
    let id = K::create(&mut tx, user, input).await?;
    let r = K::get(&mut tx, user, id).await?;
    tx.commit().await?;
    Ok(tagged(StatusCode::CREATED, K::version(&r), &r))
}

pub async fn update<K: Kind>(
    pool: &PgPool,
    caller: &Caller,
    id: &str,
    IfMatch(version): IfMatch,
    b: Result<Json<Value>, JsonRejection>,
) -> ApiResult<Response> {
    let user = caller.may(K::ENTITY, true)?;
    let id = super::id_of(id)?;
    let patch = body(b)?;
    let mut tx = pool.begin().await?;
    let current = K::get(&mut tx, user, id).await?;
    if K::version(&current) != version {
        return Ok(stale(K::version(&current), &current));
    }
    let input = merge(&K::input(&current), patch)?;
    match K::update(&mut tx, user, id, version, input).await {
        Ok(_) => {}
        Err(AppError::Conflict) => {
            drop(tx);
            return current_after_conflict::<K>(pool, user, id).await;
        }
        Err(e) => return Err(e.into()),
    }
    let r = K::get(&mut tx, user, id).await?;
    tx.commit().await?;
    Ok(tagged(StatusCode::OK, K::version(&r), &r))
}

/// Someone saved the record between the read and the write: 412 with it as it now is.
async fn current_after_conflict<K: Kind>(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<Response> {
    let mut conn = pool.acquire().await?;
    let r = K::get(&mut conn, user, id).await?;
    Ok(stale(K::version(&r), &r))
}

/// The answer to a move to the trash made in `tx`: 204 once committed; when the version was stale
/// (`Conflict`), nothing moved and `current` answers (412 with the record as it now is).
pub async fn trashed(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    done: Result<(), AppError>,
    current: impl AsyncFnOnce() -> ApiResult<Response>,
) -> ApiResult<Response> {
    match done {
        Ok(()) => {
            tx.commit().await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Err(AppError::Conflict) => {
            drop(tx);
            current().await
        }
        Err(e) => Err(e.into()),
    }
}

/// Moves the record to the trash (restorable there for its retention time).
pub async fn delete<K: Kind>(
    pool: &PgPool,
    caller: &Caller,
    id: &str,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    let user = caller.may(K::ENTITY, true)?;
    let id = super::id_of(id)?;
    let mut tx = pool.begin().await?;
    // Locked first, then read through the user's scope: the version compared is the one deleted.
    sqlx::query(&format!(
        "SELECT 1 FROM {} WHERE id = $1 FOR UPDATE",
        K::LIST.table()
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let current = K::get(&mut tx, user, id).await?;
    if K::version(&current) != version {
        return Ok(stale(K::version(&current), &current));
    }
    app::records::bulk::apply(
        &mut tx,
        user,
        &K::LIST,
        &BulkTarget::Ids(vec![id]),
        &BulkAction::Delete,
        chrono::Utc::now().date_naive(),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
