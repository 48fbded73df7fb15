//! SQL for leads: the scoped list, reads, audited writes, and conversion.
use chrono::Utc;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{Conversion, Lead, LeadDraft, LeadId, LeadRow};
use crate::audit;
use crate::contacts::model::ContactId;
use crate::error::{AppError, Invalid};
use crate::records;
use crate::records::db::{ListSql, push_scope, require_edit};
use crate::records::model::{ListPage, ListQuery};
use crate::users::model::CurrentUser;

pub const LIST: ListSql = ListSql {
    columns: "r.id, r.full_name, r.company_name, r.emails[1] AS email, r.phones[1] AS phone, r.status, r.source, \
              o.display_name AS owner_name, r.tags, r.converted_at IS NOT NULL AS converted, r.created_at",
    from: "leads r LEFT JOIN users o ON o.id = r.owner_id",
    count_from: "leads r",
    name: "r.full_name",
    sorts: &[
        ("name", "lower(r.full_name)", "text"),
        ("company", "coalesce(lower(r.company_name), '')", "text"),
        ("email", "coalesce(r.emails[1], '')", "text"),
        ("status", "r.status", "text"),
        ("source", "coalesce(lower(r.source), '')", "text"),
        ("owner", "coalesce(o.display_name, '')", "text"),
        ("created", "r.created_at", "timestamptz"),
    ],
    export: &[
        ("name", "r.full_name"),
        ("company", "r.company_name"),
        ("email", "array_to_string(r.emails, '; ')"),
        ("phone", "array_to_string(r.phones, '; ')"),
        ("status", "r.status"),
        ("owner", "o.display_name"),
        ("tags", "array_to_string(r.tags, '; ')"),
        ("source", "r.source"),
        (
            "created",
            "to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')",
        ),
    ],
    statuses: &super::model::STATUSES,
};

pub async fn list(
    pool: &PgPool,
    user: &CurrentUser,
    query: &ListQuery,
) -> Result<ListPage<LeadRow>, AppError> {
    records::db::page(pool, user, &LIST, query, Utc::now().date_naive()).await
}

const DETAIL: &str = "SELECT r.id, r.full_name, r.title, r.company_name, r.emails, r.phones, r.tags, r.source, r.status, r.notes, \
     o.display_name AS owner_name, r.version, r.created_at, r.updated_at, r.converted_at, r.converted_contact_id, \
     r.converted_company_id, r.converted_deal_id FROM leads r LEFT JOIN users o ON o.id = r.owner_id \
     WHERE r.deleted_at IS NULL AND r.id = ";

/// One lead the user may see, or `NotFound`.
pub async fn get<'c>(
    pool: impl sqlx::PgExecutor<'c>,
    user: &CurrentUser,
    id: LeadId,
) -> Result<Lead, AppError> {
    records::db::fetch_visible(pool, user, DETAIL, id.0).await
}

crate::records::db::draft_columns!(
    LeadDraft,
    "leads",
    "lead",
    [
        full_name,
        title,
        company_name,
        emails,
        phones,
        tags,
        source,
        status,
        notes
    ]
);

pub async fn create(
    conn: &mut PgConnection,
    user: &CurrentUser,
    draft: &LeadDraft,
) -> Result<LeadId, AppError> {
    records::db::insert(conn, user, draft, None)
        .await
        .map(LeadId)
}

pub async fn update(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LeadId,
    version: i32,
    draft: &LeadDraft,
) -> Result<i32, AppError> {
    records::db::save(conn, user, id.0, version, draft, None, async |_| Ok(None)).await
}

/// Turns a qualified lead (still at `version`) into a contact, its company (an existing one of
/// that name or a new one) and optionally a deal in the first stage of the first pipeline. The
/// lead's history moves to the contact (no longer the lead's); the lead stays, marked converted,
/// pointing at them.
pub async fn convert(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LeadId,
    version: i32,
    how: &Conversion,
) -> Result<ContactId, AppError> {
    require_edit(user)?;
    let mut qb = QueryBuilder::<Postgres>::new(DETAIL);
    qb.push_bind(id.0);
    push_scope(&mut qb, user, "r");
    qb.push(" FOR UPDATE OF r");
    let lead: Lead = qb
        .build_query_as()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if lead.version != version {
        return Err(AppError::Conflict);
    }
    if lead.status != "qualified" || lead.converted_at.is_some() {
        return Err(AppError::invalid("status", Invalid::NotQualified));
    }
    let contact =
        crate::contacts::db::create(conn, user, &lead.contact_draft(how.company.clone())).await?;
    let company: Option<Uuid> = sqlx::query_scalar("SELECT company_id FROM contacts WHERE id = $1")
        .bind(contact.0)
        .fetch_one(&mut *conn)
        .await?;
    let deal = match &how.deal {
        Some((title, value)) => {
            Some(crate::deals::board::db::create_deal(conn, user, title, value, company).await?)
        }
        None => None,
    };
    if let Some(deal) = deal {
        sqlx::query("INSERT INTO deal_contacts (deal_id, contact_id) VALUES ($1, $2)")
            .bind(deal)
            .bind(contact.0)
            .execute(&mut *conn)
            .await?;
    }
    // The history belongs to the contact alone from now on: purging or forgetting the converted
    // lead must not take it along.
    for table in ["activities", "tasks"] {
        sqlx::query(&format!(
            "UPDATE {table} SET contact_id = $2, lead_id = NULL WHERE lead_id = $1"
        ))
        .bind(id.0)
        .bind(contact.0)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "UPDATE leads SET converted_at = now(), converted_contact_id = $2, converted_company_id = $3, converted_deal_id = $4,
                updated_by = $5, updated_at = now(), version = version + 1 WHERE id = $1",
    )
    .bind(id.0)
    .bind(contact.0)
    .bind(company)
    .bind(deal)
    .bind(user.id.0)
    .execute(&mut *conn)
    .await?;
    let changes = audit::diff(
        &serde_json::json!({}),
        &serde_json::json!({ "converted_contact_id": contact.0, "converted_deal_id": deal }),
    );
    audit::record(conn, "lead", id.0, user.id.0, "update", changes).await?;
    Ok(contact)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::model::{ConvertInput, LeadInput};
    use crate::users::model::Role;

    use crate::users::db::test_user as user;

    async fn lead(pool: &PgPool, owner: &CurrentUser, status: &str, company: &str) -> LeadId {
        let draft = LeadInput {
            full_name: "陈静".into(),
            company_name: company.into(),
            emails: "chen.jing@huaxin.cn".into(),
            status: status.into(),
            source: "Website".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        create(&mut conn, owner, &draft).await.unwrap()
    }

    async fn pipeline(pool: &PgPool) {
        let p: Uuid =
            sqlx::query_scalar("INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id")
                .fetch_one(pool)
                .await
                .unwrap();
        for (i, name) in ["Qualified", "Proposal"].iter().enumerate() {
            sqlx::query("INSERT INTO stages (pipeline_id, name, position, win_probability) VALUES ($1, $2, $3, 20)")
                .bind(p).bind(name).bind(i as i32).execute(pool).await.unwrap();
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_qualified_lead_becomes_a_contact_at_the_existing_company_with_a_deal_and_its_history(
        pool: PgPool,
    ) {
        pipeline(&pool).await;
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let existing: Uuid = sqlx::query_scalar(
            "INSERT INTO companies (name, owner_id) VALUES ('Huaxin Tech', $1) RETURNING id",
        )
        .bind(sales.id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
        let id = lead(&pool, &sales, "qualified", "huaxin tech").await;
        sqlx::query("INSERT INTO activities (lead_id, kind, body, author_id) VALUES ($1, 'call', 'first call', $2)")
            .bind(id.0).bind(sales.id.0).execute(&pool).await.unwrap();

        let how = ConvertInput {
            company: "huaxin tech".into(),
            create_deal: "on".into(),
            deal_title: "Pilot".into(),
            deal_value: "80,000".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        let mut tx = pool.begin().await.unwrap();
        let contact = convert(&mut tx, &sales, id, 1, &how).await.unwrap();
        tx.commit().await.unwrap();

        let c = crate::contacts::db::get(&pool, &sales, contact)
            .await
            .unwrap();
        assert_eq!(c.full_name, "陈静");
        assert_eq!(c.emails, ["chen.jing@huaxin.cn"]);
        assert_eq!(c.company_id, Some(existing), "matched the existing company");
        let (title, value, stage): (String, i64, String) = sqlx::query_as(
            "SELECT d.title, d.value_minor, s.name FROM deals d JOIN stages s ON s.id = d.stage_id WHERE d.company_id = $1")
            .bind(existing).fetch_one(&pool).await.unwrap();
        assert_eq!(
            (title.as_str(), value, stage.as_str()),
            ("Pilot", 8_000_000, "Qualified")
        );
        let history = crate::activities::db::timeline(
            &pool,
            &sales,
            crate::activities::model::SubjectKind::Contact,
            contact.0,
            None,
            500,
        )
        .await
        .unwrap()
        .entries;
        assert!(history.iter().any(|e| matches!(&e.body, crate::activities::model::EntryBody::Interaction { body: Some(b), .. } if b == "first call")));
        let l = get(&pool, &sales, id).await.unwrap();
        assert_eq!(l.converted_contact_id, Some(contact.0));

        let mut conn = pool.acquire().await.unwrap();
        assert_eq!(
            convert(&mut conn, &sales, id, l.version, &how)
                .await
                .unwrap_err()
                .field("status"),
            Some(Invalid::NotQualified),
            "only once"
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_unqualified_stale_or_foreign_lead_is_not_converted(pool: PgPool) {
        let east = user(&pool, "e@t.test", Role::Sales, "East").await;
        let west = user(&pool, "w@t.test", Role::Sales, "West").await;
        let fresh = lead(&pool, &east, "new", "").await;
        let none = ConvertInput::default().parse().unwrap();
        let mut conn = pool.acquire().await.unwrap();
        assert_eq!(
            convert(&mut conn, &east, fresh, 1, &none)
                .await
                .unwrap_err()
                .field("status"),
            Some(Invalid::NotQualified)
        );
        let ready = lead(&pool, &east, "qualified", "").await;
        assert_eq!(
            convert(&mut conn, &east, ready, 7, &none)
                .await
                .unwrap_err(),
            AppError::Conflict
        );
        assert_eq!(
            convert(&mut conn, &west, ready, 1, &none)
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(count, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn leads_filter_by_status_and_search_by_company(pool: PgPool) {
        let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
        lead(&pool, &admin, "qualified", "华信科技").await;
        lead(&pool, &admin, "new", "Bluebird").await;
        let rows = |q: ListQuery| {
            let pool = pool.clone();
            let admin = admin.clone();
            async move { list(&pool, &admin, &q).await.unwrap().rows }
        };
        let q = rows(ListQuery {
            status: "qualified".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].company_name.as_deref(), Some("华信科技"));
        assert_eq!(
            rows(ListQuery {
                q: "华信".into(),
                ..Default::default()
            })
            .await
            .len(),
            1
        );
        assert_eq!(
            rows(ListQuery {
                q: "chen.jing@".into(),
                ..Default::default()
            })
            .await
            .len(),
            2
        );
    }
}
