//! The handlers of one record kind, annotated for the OpenAPI document: each is a line that
//! hands the request to `records`, where the work is.

/// A write under `If-Match` (`patch` or `post`) of the record at `{id}`: its `utoipa::path`, with
/// the answers every such write may give (412 carries the record as it now is), on `$item`.
/// `if_match_path!(patch, "/tasks/{id}", "tasks", "update_tasks", TaskInput, TaskRow, fn …)`.
macro_rules! if_match_path {
    ($method:ident, $path:tt, $tag:tt, $op:expr, $input:ty, $record:ty, $item:item) => {
        #[utoipa::path($method, path = $path, tag = $tag, operation_id = $op, request_body = $input,
                    params(("id" = String, Path, description = "The record's id"),
                        ("If-Match" = String, Header, description = "The record's ETag")),
                    responses((status = 200, body = $record, headers(("ETag" = String))),
                        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
                        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                        (status = 412, body = $record), (status = 422, body = ErrorBody),
                        (status = 428, body = ErrorBody), (status = 429, body = ErrorBody)))]
        $item
    };
}

/// A move to the trash under `If-Match` of the record at `{id}`: its `utoipa::path` (204, or 412
/// with `$record` as it now is) on `$item`.
macro_rules! delete_path {
    ($path:tt, $tag:tt, $op:expr, $record:ty, $item:item) => {
        #[utoipa::path(delete, path = $path, tag = $tag, operation_id = $op,
                    params(("id" = String, Path, description = "The record's id"),
                        ("If-Match" = String, Header, description = "The record's ETag")),
                    responses((status = 204), (status = 401, body = ErrorBody),
                        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                        (status = 412, body = $record), (status = 422, body = ErrorBody),
                        (status = 428, body = ErrorBody), (status = 429, body = ErrorBody)))]
        $item
    };
}

/// `trash_route!(name, "/deals/{id}", "deals", "delete_deals", Deal, Entity::Deals, DealId,
/// |api, user, id, version| delete, current)`: a handler `name` that moves the record to the
/// trash in one transaction (`delete`, with `tx` the transaction) and answers 204, or, when
/// `version` is stale, `current` (412 with the record as it now is).
macro_rules! trash_route {
    ($name:ident, $path:tt, $tag:tt, $op:expr, $record:ty, $entity:expr, $id:path,
     |$api:ident, $user:ident, $rid:ident, $version:ident, $tx:ident| $delete:expr, $current:expr) => {
        delete_path!(
            $path,
            $tag,
            $op,
            $record,
            /// Moves the record to the trash, where it can be restored for 30 days; `If-Match`
            /// must name its current version.
            async fn $name(
                State($api): State<Api>,
                caller: Caller,
                Path(id): Path<String>,
                IfMatch($version): IfMatch,
            ) -> ApiResult<Response> {
                let $user = caller.may($entity, true)?;
                let $rid = $id(super::id_of(&id)?);
                let mut $tx = $api.pool.begin().await?;
                let done = $delete.await;
                super::records::trashed($tx, done, async || $current).await
            }
        );
    };
}

/// One record by id, its version as `ETag`: its `utoipa::path` on `$item`.
macro_rules! get_path {
    ($path:tt, $tag:tt, $op:expr, $record:ty, $item:item) => {
        #[utoipa::path(get, path = $path, tag = $tag, operation_id = $op,
                    params(("id" = String, Path, description = "The record's id")),
                    responses((status = 200, body = $record, headers(("ETag" = String))),
                        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
        $item
    };
}

/// A page of a list: its `utoipa::path` (the query's `$params`, a `Page` of `$row`) on `$item`.
macro_rules! page_path {
    ($path:tt, $tag:tt, $op:expr, $params:ty, $row:ty, $item:item) => {
        #[utoipa::path(get, path = $path, tag = $tag, operation_id = $op, params($params),
                    responses((status = 200, body = Page<$row>), (status = 400, body = ErrorBody),
                        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
        $item
    };
}

/// A record made from the body: its `utoipa::path` (201 with `$record` and its `ETag`) on `$item`.
macro_rules! create_path {
    ($path:tt, $tag:tt, $op:expr, $input:ty, $record:ty, $item:item) => {
        #[utoipa::path(post, path = $path, tag = $tag, operation_id = $op, request_body = $input,
                            responses((status = 201, body = $record, headers(("ETag" = String))),
                                (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
                                (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
                                (status = 429, body = ErrorBody)))]
        $item
    };
}

/// `record_routes!(Kind, "tag", "/path", "/path/{id}", Record, Row, Input)` defines `routes()`.
macro_rules! record_routes {
    ($kind:ty, $tag:tt, $path:tt, $item:tt, $record:ty, $row:ty, $input:ty) => {
        use axum::Json;
        use axum::extract::rejection::{JsonRejection, QueryRejection};
        use axum::extract::{Path, Query, State};
        use axum::response::Response;
        use utoipa_axum::router::OpenApiRouter;
        use utoipa_axum::routes;

        use super::records::{self, ListParams};
        use super::{Api, ApiResult, Caller, ErrorBody, IfMatch, Page};

        page_path!(
            $path,
            $tag,
            concat!("list_", $tag),
            ListParams,
            $row,
            /// A page of records, in the token's user's data scope.
            async fn list(
                State(api): State<Api>,
                caller: Caller,
                q: Result<Query<ListParams>, QueryRejection>,
            ) -> ApiResult<Json<Page<$row>>> {
                records::list::<$kind>(&api.pool, &caller, records::params(q)?).await
            }
        );

        get_path!(
            $item,
            $tag,
            concat!("get_", $tag),
            $record,
            /// One record; its `ETag` is its version.
            async fn get(
                State(api): State<Api>,
                caller: Caller,
                Path(id): Path<String>,
            ) -> ApiResult<Response> {
                records::get::<$kind>(&api.pool, &caller, &id).await
            }
        );

        create_path!(
            $path,
            $tag,
            concat!("create_", $tag),
            $input,
            $record,
            /// Creates a record owned by the token's user, validated as the form is.
            async fn create(
                State(api): State<Api>,
                caller: Caller,
                body: Result<Json<serde_json::Value>, JsonRejection>,
            ) -> ApiResult<Response> {
                records::create::<$kind>(&api.pool, &caller, body, <$input>::default()).await
            }
        );

        if_match_path!(
            patch,
            $item,
            $tag,
            concat!("update_", $tag),
            $input,
            $record,
            /// Changes the fields the body names (the others stay); `If-Match` must name the
            /// record's current version, or the answer is 412 with the record as it now is.
            async fn update(
                State(api): State<Api>,
                caller: Caller,
                Path(id): Path<String>,
                if_match: IfMatch,
                body: Result<Json<serde_json::Value>, JsonRejection>,
            ) -> ApiResult<Response> {
                records::update::<$kind>(&api.pool, &caller, &id, if_match, body).await
            }
        );

        delete_path!(
            $item,
            $tag,
            concat!("delete_", $tag),
            $record,
            /// Moves the record to the trash, where it can be restored for 30 days.
            async fn delete(
                State(api): State<Api>,
                caller: Caller,
                Path(id): Path<String>,
                if_match: IfMatch,
            ) -> ApiResult<Response> {
                records::delete::<$kind>(&api.pool, &caller, &id, if_match).await
            }
        );

        pub fn routes() -> OpenApiRouter<Api> {
            OpenApiRouter::new()
                .routes(routes!(list, create))
                .routes(routes!(get, update, delete))
        }
    };
}

/// `record_kind!(Name, Entity, module, Record, Id, Row, Input, |input| parse)`: a kind whose domain
/// module has `list`, `get`, `create` and `update` and whose list is `module::list::LIST_DEF`.
macro_rules! record_kind {
    ($name:ident, $entity:ident, $module:ident, $record:ty, $id:path, $row:ty, $input:ty,
     |$i:ident| $parse:expr) => {
        pub struct $name;

        impl super::records::Kind for $name {
            const ENTITY: app::tokens::model::Entity = app::tokens::model::Entity::$entity;
            const LIST: app::records::list::ListDef = app::$module::list::LIST_DEF;
            type Record = $record;
            type Row = $row;
            type Input = $input;

            fn version(r: &$record) -> i32 {
                r.version
            }

            fn input(r: &$record) -> $input {
                r.into()
            }

            async fn list(
                pool: &sqlx::PgPool,
                user: &app::users::model::CurrentUser,
                q: &app::records::model::ListQuery,
            ) -> Result<app::records::model::ListPage<$row>, app::error::AppError> {
                app::$module::db::list(pool, user, q).await
            }

            async fn get(
                conn: &mut sqlx::PgConnection,
                user: &app::users::model::CurrentUser,
                id: uuid::Uuid,
            ) -> Result<$record, app::error::AppError> {
                app::$module::db::get(conn, user, $id(id)).await
            }

            async fn create(
                conn: &mut sqlx::PgConnection,
                user: &app::users::model::CurrentUser,
                $i: $input,
            ) -> Result<uuid::Uuid, app::error::AppError> {
                let draft = $parse?;
                app::$module::db::create(conn, user, &draft)
                    .await
                    .map(|id| id.0)
            }

            async fn update(
                conn: &mut sqlx::PgConnection,
                user: &app::users::model::CurrentUser,
                id: uuid::Uuid,
                version: i32,
                $i: $input,
            ) -> Result<i32, app::error::AppError> {
                let draft = $parse?;
                app::$module::db::update(conn, user, $id(id), version, &draft).await
            }
        }
    };
}
