//! `/api/v1/companies`: the companies domain's code, as the UI's server functions call it.
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use app::companies::model::{Company, CompanyId, CompanyInput, CompanyRow};
use app::error::AppError;
use app::records::list::ListDef;
use app::records::model::{ListPage, ListQuery};
use app::tokens::model::Entity;
use app::users::model::CurrentUser;

pub struct Companies;

impl super::records::Kind for Companies {
    const ENTITY: Entity = Entity::Companies;
    const LIST: ListDef = app::companies::list::LIST_DEF;
    type Record = Company;
    type Row = CompanyRow;
    type Input = CompanyInput;

    fn version(r: &Company) -> i32 {
        r.version
    }

    fn input(r: &Company) -> CompanyInput {
        r.into()
    }

    async fn list(
        pool: &PgPool,
        user: &CurrentUser,
        q: &ListQuery,
    ) -> Result<ListPage<CompanyRow>, AppError> {
        app::companies::db::list(pool, user, q).await
    }

    async fn get(
        conn: &mut PgConnection,
        user: &CurrentUser,
        id: Uuid,
    ) -> Result<Company, AppError> {
        app::companies::db::get(conn, user, CompanyId(id)).await
    }

    async fn create(
        conn: &mut PgConnection,
        user: &CurrentUser,
        input: CompanyInput,
    ) -> Result<Uuid, AppError> {
        let draft = input.parse()?;
        app::companies::db::create(conn, user, &draft)
            .await
            .map(|id| id.0)
    }

    async fn update(
        conn: &mut PgConnection,
        user: &CurrentUser,
        id: Uuid,
        version: i32,
        input: CompanyInput,
    ) -> Result<i32, AppError> {
        let draft = input.parse()?;
        app::companies::db::update(conn, user, CompanyId(id), version, &draft).await
    }
}

record_routes!(
    Companies,
    "companies",
    "/companies",
    "/companies/{id}",
    Company,
    CompanyRow,
    CompanyInput
);
