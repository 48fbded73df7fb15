//! SQL for companies: the scoped list, reads, audited writes, and finding a company by name.
use chrono::Utc;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{Company, CompanyDraft, CompanyId, CompanyRow};
use crate::error::AppError;
use crate::records;
use crate::records::db::{ListSql, push_scope};
use crate::records::model::{ListPage, ListQuery};
use crate::users::model::{CurrentUser, DataScope};

macro_rules! company_list {
    ($contacts:expr) => {
        ListSql {
            columns: concat!(
                "r.id, r.name, r.industry, r.size, r.website, r.phone, o.display_name AS owner_name, r.tags, r.source, ",
                $contacts,
                " AS contact_count, r.created_at"
            ),
            from: "companies r LEFT JOIN users o ON o.id = r.owner_id",
            count_from: "companies r",
            name: "r.name",
            sorts: &[
                ("name", "lower(r.name)", "text"),
                ("industry", "coalesce(lower(r.industry), '')", "text"),
                ("size", "coalesce(r.size, '')", "text"),
                ("owner", "coalesce(o.display_name, '')", "text"),
                ("source", "coalesce(lower(r.source), '')", "text"),
                ("created", "r.created_at", "timestamptz"),
                ("updated", "r.updated_at", "timestamptz"),
            ],
            export: &[
                ("name", "r.name"),
                ("industry", "r.industry"),
                ("size", "r.size"),
                ("website", "r.website"),
                ("phone", "r.phone"),
                ("contacts", concat!($contacts, "::text")),
                ("owner", "o.display_name"),
                ("tags", "array_to_string(r.tags, '; ')"),
                ("source", "r.source"),
                (
                    "created",
                    "to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')",
                ),
            ],
            statuses: &[],
        }
    };
}

/// The companies list as roles that see everything read it.
pub const LIST: ListSql = company_list!(
    "(SELECT count(*) FROM contacts x WHERE x.company_id = r.id AND x.deleted_at IS NULL)"
);

/// The same list for a team scope: its contact counts count only the contacts the user sees. The
/// company `r` is in that user's scope, so its owner is the user or a teammate: the contacts the
/// user sees are those owned by the company's owner or the owner's team (`push_scope`'s rule).
pub const TEAM_LIST: ListSql = company_list!(
    "(SELECT count(*) FROM contacts x WHERE x.company_id = r.id AND x.deleted_at IS NULL \
     AND (x.owner_id = r.owner_id OR x.owner_id IN (SELECT u.id FROM users u WHERE u.team IS NOT NULL \
     AND u.team = (SELECT team FROM users WHERE id = r.owner_id))))"
);

/// The list's SQL for `user`: a count of contacts is a list of them, scoped the same way.
pub fn list_sql_for(user: &CurrentUser) -> &'static ListSql {
    match user.role.data_scope() {
        DataScope::All => &LIST,
        DataScope::Team => &TEAM_LIST,
    }
}

pub async fn list(
    pool: &PgPool,
    user: &CurrentUser,
    query: &ListQuery,
) -> Result<ListPage<CompanyRow>, AppError> {
    records::db::page(
        pool,
        user,
        list_sql_for(user),
        query,
        Utc::now().date_naive(),
    )
    .await
}

/// One company the user may see, or `NotFound`.
pub async fn get<'c>(
    pool: impl sqlx::PgExecutor<'c>,
    user: &CurrentUser,
    id: CompanyId,
) -> Result<Company, AppError> {
    records::db::fetch_visible(
        pool,
        user,
        "SELECT r.id, r.name, r.industry, r.size, r.website, r.phone, r.address, r.tags, r.source, r.notes, \
         o.display_name AS owner_name, r.version, r.created_at, r.updated_at \
         FROM companies r LEFT JOIN users o ON o.id = r.owner_id WHERE r.deleted_at IS NULL AND r.id = ",
        id.0,
    )
    .await
}

crate::records::db::draft_columns!(
    CompanyDraft,
    "companies",
    "company",
    [
        name, industry, size, website, phone, address, tags, source, notes
    ]
);

/// Creates a company owned by `user`, with its audit row.
pub async fn create(
    conn: &mut PgConnection,
    user: &CurrentUser,
    draft: &CompanyDraft,
) -> Result<CompanyId, AppError> {
    records::db::insert(conn, user, draft, None)
        .await
        .map(CompanyId)
}

/// Saves `draft` if the company is still at `version` (else `Conflict`); returns the new version.
pub async fn update(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: CompanyId,
    version: i32,
    draft: &CompanyDraft,
) -> Result<i32, AppError> {
    records::db::save(conn, user, id.0, version, draft, None, async |_| Ok(None)).await
}

/// The company called `name` (case-insensitive) among those the user sees, or a new one owned by
/// the user. No name, no company.
pub async fn find_or_create(
    conn: &mut PgConnection,
    user: &CurrentUser,
    name: Option<&str>,
) -> Result<Option<Uuid>, AppError> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT r.id FROM companies r WHERE r.deleted_at IS NULL AND lower(r.name) = lower(",
    );
    qb.push_bind(name).push(")");
    push_scope(&mut qb, user, "r");
    qb.push(" ORDER BY r.created_at LIMIT 1");
    if let Some(id) = qb
        .build_query_scalar::<Uuid>()
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(Some(id));
    }
    let draft = CompanyDraft {
        name: name.to_string(),
        industry: None,
        size: None,
        website: None,
        phone: None,
        address: None,
        tags: vec![],
        source: None,
        notes: None,
    };
    Ok(Some(create(conn, user, &draft).await?.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::companies::model::CompanyInput;
    use crate::users::model::Role;

    use crate::users::db::test_user as user;

    async fn add(pool: &PgPool, owner: &CurrentUser, name: &str, website: &str) -> CompanyId {
        let draft = CompanyInput {
            name: name.into(),
            website: website.into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        create(&mut conn, owner, &draft).await.unwrap()
    }

    async fn names(pool: &PgPool, who: &CurrentUser, q: &str) -> Vec<String> {
        let query = ListQuery {
            q: q.into(),
            ..Default::default()
        };
        list(pool, who, &query)
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.name)
            .collect()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn companies_are_found_by_name_website_and_chinese_name_within_scope(pool: PgPool) {
        let east = user(&pool, "e@t.test", Role::Sales, "East").await;
        let west = user(&pool, "w@t.test", Role::Sales, "West").await;
        let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
        add(&pool, &east, "华信科技", "huaxin.cn").await;
        let bluebird = add(
            &pool,
            &west,
            "Bluebird Logistics",
            "https://www.bluebird-logistics.com",
        )
        .await;
        assert_eq!(names(&pool, &east, "华信").await, ["华信科技"]);
        assert_eq!(
            names(&pool, &admin, "bluebird-log").await,
            ["Bluebird Logistics"]
        );
        assert_eq!(
            names(&pool, &admin, "Bluebrd").await,
            ["Bluebird Logistics"],
            "typo tolerant"
        );
        assert!(
            names(&pool, &east, "bluebird").await.is_empty(),
            "another team's company is out of scope"
        );
        assert_eq!(
            get(&pool, &east, bluebird).await.unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(names(&pool, &admin, "").await.len(), 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_stale_company_edit_is_refused_and_a_fresh_one_is_audited(pool: PgPool) {
        let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
        let id = add(&pool, &admin, "Acme", "acme.com").await;
        let mut conn = pool.acquire().await.unwrap();
        let renamed = CompanyInput {
            name: "Acme Robotics".into(),
            website: "acme.com".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(update(&mut conn, &admin, id, 1, &renamed).await.unwrap(), 2);
        assert_eq!(
            update(&mut conn, &admin, id, 1, &renamed)
                .await
                .unwrap_err(),
            AppError::Conflict
        );
        let changes: serde_json::Value = sqlx::query_scalar(
            "SELECT changes FROM audit_log WHERE entity = 'company' AND action = 'update'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            changes,
            serde_json::json!({"name": {"old": "Acme", "new": "Acme Robotics"}})
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn find_or_create_reuses_a_visible_company_and_viewers_cannot_create(pool: PgPool) {
        let admin = user(&pool, "a@t.test", Role::Admin, "HQ").await;
        let viewer = user(&pool, "v@t.test", Role::Viewer, "HQ").await;
        let id = add(&pool, &admin, "Northwind", "").await;
        let mut conn = pool.acquire().await.unwrap();
        assert_eq!(
            find_or_create(&mut conn, &admin, Some(" northwind "))
                .await
                .unwrap(),
            Some(id.0)
        );
        assert_eq!(
            find_or_create(&mut conn, &admin, Some("")).await.unwrap(),
            None
        );
        let draft = CompanyInput {
            name: "Nope".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(
            create(&mut conn, &viewer, &draft).await.unwrap_err(),
            AppError::Forbidden
        );
    }
}
