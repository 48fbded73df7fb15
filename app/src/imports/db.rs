//! SQL for imports: keep an uploaded file (decoded), preview it, and import it a batch at a time.
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::lines::numbered;
use super::model::{
    ImportKind, ImportResult, OnDuplicate, Parsed, RowError, form_fields, parse_form, row_input,
};
use super::runs::{self, Claimed, Heartbeat};
use crate::companies::model::{CompanyId, CompanyInput};
use crate::contacts::model::{ContactDraft, ContactId, ContactInput};
use crate::error::{AppError, Invalid};
use crate::leads::model::{LeadId, LeadInput};
use crate::records::db::{push_scope, require_edit};
use crate::records::fields::{email_keys, phone_keys};
use crate::users::model::CurrentUser;

pub use super::runs::status;
use super::upload::record;
pub use super::upload::{decode, kind, preview, store};

/// Rows of the file written per transaction: the row locks an update takes on matched records
/// last one batch, not the whole file. New contacts are also inserted this many per statement.
pub const BATCH: usize = 1_000;

/// Refused rows listed in a result (all are counted).
const LISTED_ERRORS: usize = 1_000;

/// A row's keys for duplicates: its emails (lower case) and phones (digits only), as the database
/// derives them, and a company's name (lower case).
fn keys(kind: ImportKind, row: &BTreeMap<String, String>) -> Vec<String> {
    let get = |k: &str| row.get(k).map_or("", String::as_str);
    let mut out: Vec<String> = email_keys(get("emails"))
        .into_iter()
        .map(|e| format!("e:{e}"))
        .collect();
    for field in ["phones", "phone"] {
        out.extend(phone_keys(get(field)).into_iter().map(|p| format!("p:{p}")));
    }
    if kind == ImportKind::Companies && !get("name").trim().is_empty() {
        out.push(format!("n:{}", get("name").trim().to_lowercase()));
    }
    out
}

/// The records of `kind` the user can see that share one of `keys`, by key.
async fn existing(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    kind: ImportKind,
    keys: impl Iterator<Item = String>,
) -> Result<HashMap<String, Uuid>, AppError> {
    let (mut emails, mut phones, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for k in keys {
        match k.split_at(2) {
            ("e:", e) => emails.push(e.to_string()),
            ("p:", p) => phones.push(p.to_string()),
            (_, n) => names.push(n.to_string()),
        }
    }
    let (email_keys, name) = match kind {
        ImportKind::Deals => return Ok(HashMap::new()),
        ImportKind::Companies => ("'{}'::text[]", "lower(r.name)"),
        ImportKind::Contacts | ImportKind::Leads => ("r.email_keys", "''"),
    };
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT r.id, {email_keys}, r.phone_keys, {name} FROM {} r WHERE r.deleted_at IS NULL AND (r.phone_keys && ",
        kind.as_str()
    ));
    qb.push_bind(phones);
    if kind == ImportKind::Companies {
        qb.push(" OR lower(r.name) = ANY(")
            .push_bind(names)
            .push(")");
    } else {
        qb.push(" OR r.email_keys && ").push_bind(emails);
    }
    qb.push(")");
    push_scope(&mut qb, user, "r");
    let found: Vec<(Uuid, Vec<String>, Vec<String>, String)> =
        qb.build_query_as().fetch_all(&mut *tx).await?;
    let mut by_key = HashMap::new();
    for (rid, es, ps, name) in found {
        let name = (!name.is_empty()).then(|| format!("n:{name}"));
        let keys = es
            .into_iter()
            .map(|e| format!("e:{e}"))
            .chain(ps.into_iter().map(|p| format!("p:{p}")))
            .chain(name);
        for k in keys {
            by_key.entry(k).or_insert(rid);
        }
    }
    Ok(by_key)
}

/// Saves the row's filled-in fields over the stored record `rid` (the rest kept as it was).
async fn update_one(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    kind: ImportKind,
    rid: Uuid,
    row: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Result<(), AppError> {
    let (mut fields, version) = match kind {
        ImportKind::Contacts => {
            let c = crate::contacts::db::get(&mut *tx, user, ContactId(rid)).await?;
            (form_fields(&ContactInput::from(&c))?, c.version)
        }
        ImportKind::Companies => {
            let c = crate::companies::db::get(&mut *tx, user, CompanyId(rid)).await?;
            (form_fields(&CompanyInput::from(&c))?, c.version)
        }
        ImportKind::Leads => {
            let l = crate::leads::db::get(&mut *tx, user, LeadId(rid)).await?;
            (form_fields(&LeadInput::from(&l))?, l.version)
        }
        ImportKind::Deals => return Err(AppError::BadRequest),
    };
    for (k, v) in row.iter().filter(|(_, v)| !v.trim().is_empty()) {
        fields.insert(k.clone(), v.clone());
    }
    match parse_form(kind, &fields, today)? {
        Parsed::Contact(d) => {
            crate::contacts::db::update(tx, user, ContactId(rid), version, &d).await
        }
        Parsed::Company(d) => {
            crate::companies::db::update(tx, user, CompanyId(rid), version, &d).await
        }
        Parsed::Lead(d) => crate::leads::db::update(tx, user, LeadId(rid), version, &d).await,
        Parsed::Deal(..) => Err(AppError::BadRequest),
    }
    .map(|_| ())
}

/// The company called `name` (found in the user's scope or created), once per import.
async fn company(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    cache: &mut HashMap<String, Option<Uuid>>,
    name: Option<&String>,
) -> Result<Option<Uuid>, AppError> {
    let Some(name) = name else {
        return Ok(None);
    };
    if let Some(c) = cache.get(&name.to_lowercase()) {
        return Ok(*c);
    }
    let c = crate::companies::db::find_or_create(tx, user, Some(name)).await?;
    cache.insert(name.to_lowercase(), c);
    Ok(c)
}

fn refusals(line: u64, e: AppError, out: &mut Vec<RowError>) -> Result<(), AppError> {
    match e {
        AppError::Validation { fields } => {
            out.extend(
                fields
                    .into_iter()
                    .map(|(field, why)| RowError { line, field, why }),
            );
            Ok(())
        }
        other => Err(other),
    }
}

/// Claims the user's upload `id` for one import under `mapping` (a field key per column, "" to
/// leave it out): `Conflict` if it ran or runs, the mapping refused if it lacks the required field.
pub async fn start(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    mapping: &[String],
) -> Result<Claimed, AppError> {
    require_edit(user)?;
    let kind = kind(pool, user, id).await?;
    if !mapping.iter().any(|m| m == kind.required()) {
        // A finished import answers as such, whatever the mapping.
        return match status(pool, user, id).await?.result {
            Some(_) => Err(AppError::Conflict),
            None => Err(AppError::invalid("mapping", Invalid::Required)),
        };
    }
    runs::claim(pool, user, id).await
}

/// Imports a claimed file, as the kind of record it was uploaded for; its progress and outcome (or
/// why it stopped) are kept on the import for any instance to answer.
///
/// Every row is checked first. With `all_or_nothing`, one bad row means nothing is written;
/// otherwise the good rows are imported and the bad ones reported by their line in the file. Rows
/// whose email or phone (a company: also its name) matches a record the user can see (or an
/// earlier row) are skipped, update it (the row's filled-in fields over the stored ones), or are
/// created anyway. Deals have neither, so every row is a new deal.
///
/// The checked rows are written `BATCH` at a time, one transaction each with the progress, so an
/// update holds its row locks for one batch only. If a batch fails (the database, or a record
/// changed by someone else meanwhile), the batches before it stay imported and the import says
/// where it stopped; it does not run again (that would write those rows twice).
#[allow(clippy::too_many_arguments)]
pub async fn run_claimed(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    claimed: Claimed,
    mapping: &[String],
    on_duplicate: OnDuplicate,
    all_or_nothing: bool,
    today: NaiveDate,
) -> Result<ImportResult, AppError> {
    let _beat = Heartbeat::start(pool, id);
    let r = write(
        pool,
        user,
        id,
        &claimed,
        mapping,
        on_duplicate,
        all_or_nothing,
        today,
    )
    .await;
    if let Err(e) = &r {
        runs::stopped(pool, id, e).await?;
    }
    r
}

/// `start` and `run_claimed` in one: what the tests and benchmarks call.
pub async fn run(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    mapping: &[String],
    on_duplicate: OnDuplicate,
    all_or_nothing: bool,
    today: NaiveDate,
) -> Result<ImportResult, AppError> {
    let claimed = start(pool, user, id, mapping).await?;
    run_claimed(
        pool,
        user,
        id,
        claimed,
        mapping,
        on_duplicate,
        all_or_nothing,
        today,
    )
    .await
}

/// A checked row: its number among the file's data rows (from 1), its line, its form by field,
/// and the parsed record.
struct Row {
    nth: i64,
    line: u64,
    input: BTreeMap<String, String>,
    parsed: Parsed,
}

#[allow(clippy::too_many_arguments)]
async fn write(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    claimed: &Claimed,
    mapping: &[String],
    on_duplicate: OnDuplicate,
    all_or_nothing: bool,
    today: NaiveDate,
) -> Result<ImportResult, AppError> {
    let kind = claimed.kind;
    let mut result = ImportResult::default();
    let mut good = Vec::new();
    let mut rows = 0;
    for (line, rec) in numbered(&claimed.content) {
        rows += 1;
        let rec = rec.map_err(AppError::internal)?;
        let input = row_input(kind, mapping, &record(&rec));
        match parse_form(kind, &input, today) {
            Ok(parsed) => good.push(Row {
                nth: rows,
                line,
                input,
                parsed,
            }),
            Err(e) => {
                result.failed += 1;
                refusals(line, e, &mut result.errors)?;
            }
        }
    }
    result.committed = !(all_or_nothing && result.failed > 0);
    if result.committed {
        let mut conn = pool.acquire().await?;
        let mut by_key = existing(
            &mut conn,
            user,
            kind,
            good.iter().flat_map(|r| keys(kind, &r.input)),
        )
        .await?;
        drop(conn);
        let mut companies = HashMap::new();
        for batch in good.chunks(BATCH) {
            let mut tx = pool.begin().await?;
            let mut written = Written {
                by_key: &mut by_key,
                companies: &mut companies,
                result: &mut result,
            };
            import(
                &mut tx,
                user,
                kind,
                batch,
                on_duplicate,
                today,
                &mut written,
            )
            .await?;
            let last = batch.last().map_or(0, |r| r.nth);
            runs::advance(&mut tx, id, last).await?;
            tx.commit().await?;
        }
    }
    result.errors.sort_by_key(|e| e.line);
    result.errors.truncate(LISTED_ERRORS);
    let mut tx = pool.begin().await?;
    runs::finish(&mut tx, id, &result).await?;
    tx.commit().await?;
    Ok(result)
}

/// What the batches of one import share: the records matched so far by key, the companies found
/// or created by name, and the counts.
struct Written<'a> {
    by_key: &'a mut HashMap<String, Uuid>,
    companies: &'a mut HashMap<String, Option<Uuid>>,
    result: &'a mut ImportResult,
}

/// Writes one batch of checked rows in the transaction `tx`.
async fn import(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    kind: ImportKind,
    rows: &[Row],
    on_duplicate: OnDuplicate,
    today: NaiveDate,
    w: &mut Written<'_>,
) -> Result<(), AppError> {
    // New contacts are written a batch at a time; other records one by one.
    let mut pending: Vec<(Uuid, &ContactDraft, Option<Uuid>)> = Vec::with_capacity(BATCH);
    for Row {
        line,
        input,
        parsed,
        ..
    } in rows
    {
        let row_keys = keys(kind, input);
        let duplicate = row_keys.iter().find_map(|k| w.by_key.get(k).copied());
        match (duplicate, on_duplicate) {
            (Some(_), OnDuplicate::Skip) => w.result.skipped += 1,
            (Some(rid), OnDuplicate::Update) => {
                if pending.iter().any(|(p, _, _)| *p == rid) {
                    insert_batch(tx, user, &mut pending).await?;
                }
                match update_one(tx, user, kind, rid, input, today).await {
                    Ok(()) => w.result.updated += 1,
                    Err(e) => {
                        w.result.failed += 1;
                        refusals(*line, e, &mut w.result.errors)?;
                    }
                }
            }
            _ => {
                let rid = match parsed {
                    Parsed::Contact(d) => {
                        let c = company(tx, user, w.companies, d.company.as_ref()).await?;
                        let cid = Uuid::new_v4();
                        pending.push((cid, d, c));
                        cid
                    }
                    Parsed::Company(d) => crate::companies::db::create(tx, user, d).await?.0,
                    Parsed::Lead(d) => crate::leads::db::create(tx, user, d).await?.0,
                    Parsed::Deal(d, name) => {
                        let c = company(tx, user, w.companies, name.as_ref()).await?;
                        crate::deals::board::db::open_deal(tx, user, None, d, c).await?
                    }
                };
                for k in row_keys {
                    w.by_key.entry(k).or_insert(rid);
                }
                w.result.created += 1;
            }
        }
    }
    insert_batch(tx, user, &mut pending).await?;
    Ok(())
}

/// Writes the pending new contacts, and a "created" history row for each, in two statements.
async fn insert_batch(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    pending: &mut Vec<(Uuid, &ContactDraft, Option<Uuid>)>,
) -> Result<(), AppError> {
    if pending.is_empty() {
        return Ok(());
    }
    crate::records::db::require_edit(user)?;
    let drafts = || pending.iter().map(|(_, d, _)| *d);
    let text =
        |f: fn(&ContactDraft) -> &Option<String>| drafts().map(f).cloned().collect::<Vec<_>>();
    // Lists travel as text split on the unit separator, which no field keeps.
    let list = |f: fn(&ContactDraft) -> &Vec<String>| {
        drafts()
            .map(|d| {
                f(d).iter()
                    .map(|s| s.replace('\u{1f}', " "))
                    .collect::<Vec<_>>()
                    .join("\u{1f}")
            })
            .collect::<Vec<_>>()
    };
    let ids: Vec<Uuid> = pending.iter().map(|p| p.0).collect();
    let changes = drafts()
        .map(|d| {
            let new = serde_json::to_value(d).map_err(AppError::internal)?;
            Ok(serde_json::Value::Object(crate::audit::diff(
                &serde_json::Value::Null,
                &new,
            )))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    sqlx::query(
        "INSERT INTO contacts (id, full_name, title, emails, phones, tags, source, birthday, address, notes,
                               company_id, owner_id, created_by, updated_by)
         SELECT u.id, u.full_name, u.title, string_to_array(u.emails, E'\\x1F'), string_to_array(u.phones, E'\\x1F'),
                string_to_array(u.tags, E'\\x1F'), u.source, u.birthday, u.address, u.notes, u.company_id, $12, $12, $12
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::date[], $9::text[], $10::text[], $11::uuid[])
                AS u(id, full_name, title, emails, phones, tags, source, birthday, address, notes, company_id)",
    )
    .bind(&ids)
    .bind(drafts().map(|d| d.full_name.clone()).collect::<Vec<_>>())
    .bind(text(|d| &d.title))
    .bind(list(|d| &d.emails))
    .bind(list(|d| &d.phones))
    .bind(list(|d| &d.tags))
    .bind(text(|d| &d.source))
    .bind(drafts().map(|d| d.birthday).collect::<Vec<_>>())
    .bind(text(|d| &d.address))
    .bind(text(|d| &d.notes))
    .bind(pending.iter().map(|p| p.2).collect::<Vec<_>>())
    .bind(user.id.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO audit_log (entity, entity_id, actor_id, action, changes)
         SELECT 'contact', u.id, $3, 'create', u.changes FROM unnest($1::uuid[], $2::jsonb[]) AS u(id, changes)",
    )
    .bind(&ids)
    .bind(changes)
    .bind(user.id.0)
    .execute(&mut *tx)
    .await?;
    pending.clear();
    Ok(())
}

#[cfg(test)]
mod tests;
