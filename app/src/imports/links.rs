//! What ties an imported row to Keel beyond its own fields: the old system's ids, kept per source
//! (for a second run of the same export, and for the files that refer to them), and its owner,
//! matched to a colleague.
use std::collections::{BTreeSet, HashMap};

use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::ImportKind;
use crate::error::AppError;
use crate::records::db::push_scope;
use crate::users::model::{CurrentUser, DataScope};

/// Owner names listed in an outcome.
const LISTED_OWNERS: usize = 100;

/// What a kind of record is called in `external_ids`.
pub fn entity(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Contacts => "contact",
        ImportKind::Companies => "company",
        ImportKind::Leads => "lead",
        ImportKind::Deals => "deal",
        ImportKind::Notes => "activity",
    }
}

/// The records of `entity` that the user can see (and are not in the trash), by their id in the
/// system `source`, for the ids asked.
pub async fn resolve(
    conn: &mut PgConnection,
    user: &CurrentUser,
    source: &str,
    entity: &str,
    ids: Vec<String>,
) -> Result<HashMap<String, Uuid>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let table = match entity {
        "contact" => "contacts",
        "company" => "companies",
        "lead" => "leads",
        "deal" => "deals",
        // A note is found by its id only, to be skipped: it shows nothing of itself.
        _ => "activities",
    };
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT x.external_id, x.record_id FROM external_ids x JOIN {table} r ON r.id = x.record_id
          WHERE x.source = "
    ));
    qb.push_bind(source)
        .push(" AND x.entity = ")
        .push_bind(entity)
        .push(" AND x.external_id = ANY(")
        .push_bind(ids)
        .push(")");
    if table != "activities" {
        qb.push(" AND r.deleted_at IS NULL");
        push_scope(&mut qb, user, "r");
    }
    let found: Vec<(String, Uuid)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(found.into_iter().collect())
}

/// Keeps the old ids of records just written (an id seen again points at the newest record).
pub async fn keep(
    conn: &mut PgConnection,
    source: &str,
    entity: &str,
    pairs: &mut Vec<(String, Uuid)>,
) -> Result<(), AppError> {
    if pairs.is_empty() {
        return Ok(());
    }
    // One statement may not touch a key twice: the last of each id wins.
    let last: HashMap<&str, Uuid> = pairs.iter().map(|(e, r)| (e.as_str(), *r)).collect();
    let (ids, records): (Vec<&str>, Vec<Uuid>) = last.into_iter().unzip();
    sqlx::query(
        "INSERT INTO external_ids (source, entity, external_id, record_id)
         SELECT $1, $2, u.e, u.r FROM unnest($3::text[], $4::uuid[]) AS u(e, r)
         ON CONFLICT (source, entity, external_id) DO UPDATE SET record_id = EXCLUDED.record_id",
    )
    .bind(source)
    .bind(entity)
    .bind(ids)
    .bind(records)
    .execute(&mut *conn)
    .await?;
    pairs.clear();
    Ok(())
}

/// The colleagues an importer may give records to, by name and email (without case): anyone
/// active, or for a user who sees only their team's records, their team (so they still see them).
pub struct Owners {
    by_key: HashMap<String, Uuid>,
    unknown: BTreeSet<String>,
    importer: Uuid,
}

impl Owners {
    pub async fn load(conn: &mut PgConnection, user: &CurrentUser) -> Result<Self, AppError> {
        let mut qb = QueryBuilder::<Postgres>::new(
            "SELECT u.id, lower(u.display_name), lower(u.email) FROM users u WHERE u.active",
        );
        if user.role.data_scope() == DataScope::Team {
            qb.push(" AND (u.id = ")
                .push_bind(user.id.0)
                .push(" OR (u.team IS NOT NULL AND u.team = (SELECT team FROM users WHERE id = ")
                .push_bind(user.id.0)
                .push(")))");
        }
        let users: Vec<(Uuid, String, String)> = qb.build_query_as().fetch_all(conn).await?;
        let mut by_key = HashMap::new();
        for (id, name, email) in users {
            by_key.insert(email, id);
            // Two colleagues of one name: neither is guessed.
            by_key
                .entry(name)
                .and_modify(|v| *v = Uuid::nil())
                .or_insert(id);
        }
        Ok(Owners {
            by_key,
            unknown: BTreeSet::new(),
            importer: user.id.0,
        })
    }

    /// The owner a row names, or the importer (the name noted) when it names no one they may
    /// give records to.
    pub fn of(&mut self, named: Option<&str>) -> Uuid {
        let Some(named) = named.map(str::trim).filter(|n| !n.is_empty()) else {
            return self.importer;
        };
        match self.by_key.get(&named.to_lowercase()) {
            Some(id) if !id.is_nil() => *id,
            _ => {
                if self.unknown.len() < LISTED_OWNERS {
                    self.unknown.insert(named.to_string());
                }
                self.importer
            }
        }
    }

    /// The names that matched no one, for the outcome.
    pub fn unknown(self) -> Vec<String> {
        self.unknown.into_iter().collect()
    }
}
