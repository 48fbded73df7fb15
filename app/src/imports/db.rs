//! SQL for imports: keep an uploaded file (decoded), preview it, and import it a batch at a time.
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::lines::numbered;
use super::links::{Owners, entity, resolve};
use super::model::{
    ImportKind, ImportOptions, ImportResult, OnDuplicate, apply_values, parse_row, row_input,
};
use super::runs::{self, Claimed, Heartbeat};
use super::write::{Related, Row, Written, batch, refusals};
use crate::error::{AppError, Invalid};
use crate::records::db::{push_scope, require_edit};
use crate::records::fields::{email_keys, phone_keys};
use crate::users::model::CurrentUser;

pub use super::runs::status;
use super::upload::record;
pub use super::upload::{choose_sheet, decode, kind, preview, store};

/// Rows of the file written per transaction: the row locks an update takes on matched records
/// last one batch, not the whole file. New contacts are also inserted this many per statement.
pub const BATCH: usize = 1_000;
/// Keys of each kind (emails, phones, names) looked up per statement.
const KEY_CHUNK: usize = 500;

/// Refused rows listed in a result (all are counted).
const LISTED_ERRORS: usize = 1_000;

/// A row's keys for duplicates, the strongest first: its id in the old system, its emails (lower
/// case) and phones (digits only), as the database derives them, and a company's name (lower
/// case).
fn keys(kind: ImportKind, row: &BTreeMap<String, String>) -> Vec<String> {
    let get = |k: &str| row.get(k).map_or("", String::as_str);
    let mut out: Vec<String> = Some(get("external_id").trim())
        .filter(|x| !x.is_empty())
        .map(|x| format!("x:{x}"))
        .into_iter()
        .collect();
    if kind == ImportKind::Notes {
        return out;
    }
    out.extend(
        email_keys(get("emails"))
            .into_iter()
            .map(|e| format!("e:{e}")),
    );
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
    conn: &mut sqlx::PgConnection,
    user: &CurrentUser,
    kind: ImportKind,
    keys: impl Iterator<Item = String>,
) -> Result<HashMap<String, Uuid>, AppError> {
    let (mut emails, mut phones, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for k in keys {
        match k.split_at(2) {
            ("e:", e) => emails.push(e.to_string()),
            ("p:", p) => phones.push(p.to_string()),
            ("n:", n) => names.push(n.to_string()),
            _ => {}
        }
    }
    for list in [&mut emails, &mut phones, &mut names] {
        list.sort_unstable();
        list.dedup();
    }
    let (email_keys, name) = match kind {
        ImportKind::Deals | ImportKind::Notes => return Ok(HashMap::new()),
        ImportKind::Companies => ("'{}'::text[]", "lower(r.name)"),
        ImportKind::Contacts | ImportKind::Leads => ("r.email_keys", "''"),
    };
    // A chunk of keys at a time: `keys && $1` checks each record it finds against every key of
    // `$1`, so a whole file's keys at once (100k against as many records) took minutes.
    let chunks = [emails.len(), phones.len(), names.len()]
        .into_iter()
        .max()
        .unwrap_or(0)
        .div_ceil(KEY_CHUNK);
    let part = |list: &[String], i: usize| -> Vec<String> {
        list.iter()
            .skip(i * KEY_CHUNK)
            .take(KEY_CHUNK)
            .cloned()
            .collect()
    };
    let mut found: Vec<(Uuid, Vec<String>, Vec<String>, String)> = Vec::new();
    // The plan made for unknown keys probes the indexes; one made for 500 known keys guesses
    // that most records overlap them and reads the whole table, once per chunk.
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::query("SET LOCAL plan_cache_mode = force_generic_plan")
        .execute(&mut *tx)
        .await?;
    for i in 0..chunks {
        let mut qb = QueryBuilder::<Postgres>::new(format!(
            "SELECT r.id, {email_keys}, r.phone_keys, {name} FROM {} r WHERE r.deleted_at IS NULL AND (r.phone_keys && ",
            kind.as_str()
        ));
        qb.push_bind(part(&phones, i));
        if kind == ImportKind::Companies {
            qb.push(" OR lower(r.name) = ANY(")
                .push_bind(part(&names, i))
                .push(")");
        } else {
            qb.push(" OR r.email_keys && ").push_bind(part(&emails, i));
        }
        qb.push(")");
        push_scope(&mut qb, user, "r");
        found.extend(qb.build_query_as().fetch_all(&mut *tx).await?);
    }
    tx.commit().await?;
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

/// How a run treats its rows besides their mapping.
#[derive(Clone, Debug, Default)]
pub struct RunChoices {
    pub on_duplicate: OnDuplicate,
    pub all_or_nothing: bool,
    pub options: ImportOptions,
}

/// Claims the user's upload `id` for one import under `mapping` (a field key per column, "" to
/// leave it out): `Conflict` if it ran or runs, the mapping refused if it lacks the required field,
/// the pipeline if it is not one.
pub async fn start(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    mapping: &[String],
    options: &ImportOptions,
) -> Result<Claimed, AppError> {
    require_edit(user)?;
    let kind = kind(pool, user, id).await?;
    if !kind.mapping_complete(mapping) {
        // A finished import answers as such, whatever the mapping.
        return match status(pool, user, id).await?.result {
            Some(_) => Err(AppError::Conflict),
            None => Err(AppError::invalid("mapping", Invalid::Required)),
        };
    }
    if let Some(p) = options.pipeline {
        let known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pipelines WHERE id = $1)")
                .bind(p)
                .fetch_one(pool)
                .await?;
        if !known {
            return Err(AppError::invalid("pipeline", Invalid::Choice));
        }
    }
    runs::claim(pool, user, id).await
}

/// Imports a claimed file, as the kind of record it was uploaded for; its progress and outcome (or
/// why it stopped) are kept on the import for any instance to answer.
///
/// Every row is checked first. With `all_or_nothing`, one bad row means nothing is written;
/// otherwise the good rows are imported and the bad ones reported by their line in the file. A row
/// whose id in the old system (kept per source from an earlier import), email or phone (a
/// company: also its name) matches a record the user can see (or an earlier row) is skipped,
/// updates it (the row's filled-in fields over the stored ones), or is created anyway. Deals and
/// notes match by their old id only.
///
/// The checked rows are written `BATCH` at a time, one transaction each with the progress, so an
/// update holds its row locks for one batch only. If a batch fails (the database, or a record
/// changed by someone else meanwhile), the batches before it stay imported and the import says
/// where it stopped; it does not run again (that would write those rows twice).
pub async fn run_claimed(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    claimed: Claimed,
    mapping: &[String],
    choices: &RunChoices,
    today: NaiveDate,
) -> Result<ImportResult, AppError> {
    let _beat = Heartbeat::start(pool, id);
    let r = write(pool, user, id, &claimed, mapping, choices, today).await;
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
    let choices = RunChoices {
        on_duplicate,
        all_or_nothing,
        options: ImportOptions::default(),
    };
    run_with(pool, user, id, mapping, &choices, today).await
}

/// `run` with every choice.
pub async fn run_with(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    mapping: &[String],
    choices: &RunChoices,
    today: NaiveDate,
) -> Result<ImportResult, AppError> {
    let claimed = start(pool, user, id, mapping, &choices.options).await?;
    run_claimed(pool, user, id, claimed, mapping, choices, today).await
}

async fn write(
    pool: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    claimed: &Claimed,
    mapping: &[String],
    choices: &RunChoices,
    today: NaiveDate,
) -> Result<ImportResult, AppError> {
    let kind = claimed.kind;
    let started = std::time::Instant::now();
    let mut result = ImportResult::default();
    let mut good = Vec::new();
    let mut rows = 0;
    for (line, rec) in numbered(&claimed.content) {
        rows += 1;
        let rec = rec.map_err(AppError::internal)?;
        let mut input = row_input(kind, mapping, &record(&rec));
        apply_values(kind, &mut input, &choices.options.values);
        match parse_row(kind, &input, today) {
            Ok(parsed) => good.push(Row {
                nth: rows,
                line,
                keys: keys(kind, &input),
                input,
                parsed: parsed.record,
                extras: parsed.extras,
            }),
            Err(e) => {
                result.failed += 1;
                refusals(line, e, &mut result.errors)?;
            }
        }
    }
    result.committed = !(choices.all_or_nothing && result.failed > 0);
    let checked = started.elapsed();
    if result.committed {
        let mut w = prepare(pool, user, claimed, &good, choices, today, result).await?;
        let prepared = started.elapsed();
        for rows in good.chunks(BATCH) {
            let mut tx = pool.begin().await?;
            batch(&mut tx, rows, &mut w).await?;
            let last = rows.last().map_or(0, |r| r.nth);
            runs::advance(&mut tx, id, last).await?;
            tx.commit().await?;
        }
        result = w.result;
        result.unknown_owners = w.owners.unknown();
        tracing::info!(import = %id, rows, ?checked, ?prepared, written = ?started.elapsed(), "import written");
    }
    result.errors.sort_by_key(|e| e.line);
    result.errors.truncate(LISTED_ERRORS);
    let mut tx = pool.begin().await?;
    runs::finish(&mut tx, id, &result).await?;
    tx.commit().await?;
    Ok(result)
}

/// What every batch of an import needs, looked up once: the records the rows match (by old id,
/// email, phone or name), the records they refer to by old id, the colleagues who may own them,
/// and the stages deals go into.
async fn prepare<'a>(
    pool: &PgPool,
    user: &'a CurrentUser,
    claimed: &'a Claimed,
    good: &[Row],
    choices: &RunChoices,
    today: NaiveDate,
    result: ImportResult,
) -> Result<Written<'a>, AppError> {
    let kind = claimed.kind;
    let source = claimed.shape.as_str();
    let mut conn = pool.acquire().await?;
    let mut by_key = existing(
        &mut conn,
        user,
        kind,
        good.iter().flat_map(|r| r.keys.clone()),
    )
    .await?;
    let own: Vec<String> = good
        .iter()
        .filter_map(|r| r.extras.external_id.clone())
        .collect();
    let found = resolve(&mut conn, user, source, entity(kind), own).await?;
    by_key.extend(found.into_iter().map(|(x, r)| (format!("x:{x}"), r)));
    let mut related = Related::new();
    type Pick = fn(&super::model::Extras) -> &Option<String>;
    let refs: [(&'static str, Pick); 3] = [
        ("company", |x| &x.company_external_id),
        ("contact", |x| &x.contact_external_id),
        ("deal", |x| &x.deal_external_id),
    ];
    for (of, pick) in refs {
        let ids: Vec<String> = good
            .iter()
            .filter_map(|r| pick(&r.extras).clone())
            .collect();
        related.insert(of, resolve(&mut conn, user, source, of, ids).await?);
    }
    let owners = Owners::load(&mut conn, user).await?;
    let stages = if kind == ImportKind::Deals {
        stages(&mut conn, choices.options.pipeline).await?
    } else {
        Vec::new()
    };
    Ok(Written {
        user,
        kind,
        on_duplicate: choices.on_duplicate,
        today,
        source,
        entity: entity(kind),
        by_key,
        companies: HashMap::new(),
        related,
        owners,
        stages,
        follow_ups: Vec::new(),
        follow_up_title: {
            use crate::i18n::*;
            td_string!(user.language(), imports.follow_up_task).to_string()
        },
        result,
    })
}

/// The open stages of a pipeline (the first pipeline if none is named), in order.
async fn stages(
    conn: &mut sqlx::PgConnection,
    pipeline: Option<Uuid>,
) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.name FROM stages s
          WHERE s.archived_at IS NULL
            AND s.pipeline_id = COALESCE($1, (SELECT id FROM pipelines ORDER BY position, name LIMIT 1))
          ORDER BY s.position",
    )
    .bind(pipeline)
    .fetch_all(conn)
    .await?)
}

#[cfg(test)]
mod exports_tests;
#[cfg(test)]
mod tests;
