//! `/api/v1/contacts`: the contacts domain's code, as the UI's server functions call it.
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use app::contacts::model::{Contact, ContactId, ContactInput, ContactRow};
use app::error::AppError;
use app::records::list::ListDef;
use app::records::model::{ListPage, ListQuery};
use app::tokens::model::Entity;
use app::users::model::CurrentUser;

pub struct Contacts;

impl super::records::Kind for Contacts {
    const ENTITY: Entity = Entity::Contacts;
    const LIST: ListDef = app::contacts::list::LIST_DEF;
    type Record = Contact;
    type Row = ContactRow;
    type Input = ContactInput;

    fn version(r: &Contact) -> i32 {
        r.version
    }

    fn input(r: &Contact) -> ContactInput {
        r.into()
    }

    async fn list(
        pool: &PgPool,
        user: &CurrentUser,
        q: &ListQuery,
    ) -> Result<ListPage<ContactRow>, AppError> {
        app::contacts::db::list(pool, user, q).await
    }

    async fn get(
        conn: &mut PgConnection,
        user: &CurrentUser,
        id: Uuid,
    ) -> Result<Contact, AppError> {
        app::contacts::db::get(conn, user, ContactId(id)).await
    }

    async fn create(
        conn: &mut PgConnection,
        user: &CurrentUser,
        input: ContactInput,
    ) -> Result<Uuid, AppError> {
        let draft = input.parse(chrono::Utc::now().date_naive())?;
        app::contacts::db::create(conn, user, &draft)
            .await
            .map(|id| id.0)
    }

    async fn update(
        conn: &mut PgConnection,
        user: &CurrentUser,
        id: Uuid,
        version: i32,
        input: ContactInput,
    ) -> Result<i32, AppError> {
        let draft = input.parse(chrono::Utc::now().date_naive())?;
        app::contacts::db::update(conn, user, ContactId(id), version, &draft).await
    }
}

record_routes!(
    Contacts,
    "contacts",
    "/contacts",
    "/contacts/{id}",
    Contact,
    ContactRow,
    ContactInput
);
