//! SQL for imports: keep an uploaded file (decoded), preview it, and import it a batch at a time.
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::lines::numbered;
use super::model::{
    ImportKind, ImportResult, OnDuplicate, Parsed, Preview, RowError, SAMPLE_ROWS, SampleRow,
    form_fields, guess_mapping, parse_form, row_input,
};
use super::runs::{self, Claimed, Heartbeat};
use crate::companies::model::{CompanyId, CompanyInput};
use crate::contacts::model::{ContactDraft, ContactId, ContactInput};
use crate::duplicates::model::{email_keys, phone_keys};
use crate::error::{AppError, Invalid};
use crate::leads::model::{LeadId, LeadInput};
use crate::records::db::{push_scope, require_edit};
use crate::users::model::CurrentUser;

pub use super::runs::status;

/// Rows of the file written per transaction: the row locks an update takes on matched records
/// last one batch, not the whole file. New contacts are also inserted this many per statement.
pub const BATCH: usize = 1_000;

/// Refused rows listed in a result (all are counted).
const LISTED_ERRORS: usize = 1_000;

/// The file as text: UTF-8 (a byte-order mark dropped), else GB18030, which reads the GBK that
/// spreadsheets in China save.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "GB18030")
        }
    }
}

fn reader(content: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(content.as_bytes())
}

fn record(r: &csv::StringRecord) -> Vec<String> {
    r.iter().map(str::to_string).collect()
}

/// Keeps an uploaded file for its import page; refuses a file without a header and rows.
pub async fn store(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
) -> Result<Uuid, AppError> {
    require_edit(user)?;
    let (content, encoding) = decode(bytes);
    let mut r = reader(&content);
    let has_header = r
        .headers()
        .is_ok_and(|h| h.iter().any(|c| !c.trim().is_empty()));
    let rows = r.records().count() as i64;
    if !has_header || rows == 0 {
        return Err(AppError::invalid("file", Invalid::Required));
    }
    let name: String = file_name.chars().take(200).collect();
    Ok(sqlx::query_scalar(
        "INSERT INTO imports (user_id, kind, file_name, encoding, content, rows) VALUES ($1, $6, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.id.0)
    .bind(name)
    .bind(encoding)
    .bind(&content)
    .bind(rows as i32)
    .bind(kind.as_str())
    .fetch_one(pool)
    .await?)
}

/// An uploaded file as stored (its content gone once imported, or a day after the upload).
#[derive(sqlx::FromRow)]
struct Stored {
    kind: String,
    file_name: String,
    encoding: String,
    content: Option<String>,
    rows: i32,
    result: Option<sqlx::types::Json<ImportResult>>,
    started: bool,
}

/// What the user's uploaded file `id` is imported as.
pub async fn kind(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<ImportKind, AppError> {
    let kind: String =
        sqlx::query_scalar("SELECT kind FROM imports WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.id.0)
            .fetch_optional(pool)
            .await?
            .ok_or(AppError::NotFound)?;
    ImportKind::parse(&kind).ok_or_else(|| AppError::internal(kind))
}

pub async fn preview(pool: &PgPool, user: &CurrentUser, id: Uuid) -> Result<Preview, AppError> {
    let stored: Stored = sqlx::query_as(
        "SELECT kind, file_name, encoding, content, rows, result, started_at IS NOT NULL AS started
           FROM imports WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.id.0)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let kind = ImportKind::parse(&stored.kind).ok_or_else(|| AppError::internal(&stored.kind))?;
    let content = stored.content.as_deref().unwrap_or("");
    let headers = match reader(content).headers() {
        Ok(h) if stored.content.is_some() => record(h),
        _ => Vec::new(),
    };
    let sample = numbered(content)
        .take(SAMPLE_ROWS)
        .filter_map(|(line, rec)| {
            rec.ok().map(|r| SampleRow {
                line,
                cells: record(&r),
            })
        })
        .collect();
    Ok(Preview {
        id,
        kind,
        file_name: stored.file_name,
        encoding: stored.encoding,
        mapping: guess_mapping(kind, &headers),
        headers,
        sample,
        rows: i64::from(stored.rows),
        expired: stored.content.is_none() && stored.result.is_none() && !stored.started,
        result: stored.result.map(|j| j.0),
        started: stored.started,
    })
}

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
                        crate::pipeline::db::open_deal(tx, user, None, d, c).await?
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
mod tests {
    use super::*;
    use crate::users::db::test_user as user;
    use crate::users::model::Role;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    async fn count(pool: &PgPool, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    }

    /// 1,000 rows; lines 101, 502 and 1001 (the header is line 1) are bad: no name, a bad email,
    /// a birthday that is not a date.
    fn thousand() -> String {
        let mut csv = String::from("Name,Email,Phone,Company,Birthday\n");
        for i in 1..=1000 {
            let (name, email, birthday) = match i {
                100 => (String::new(), format!("p{i}@t.test"), String::new()),
                501 => (
                    format!("Person {i}"),
                    "not-an-email".to_string(),
                    String::new(),
                ),
                1000 => (
                    format!("Person {i}"),
                    format!("p{i}@t.test"),
                    "soon".to_string(),
                ),
                _ => (
                    format!("Person {i}"),
                    format!("p{i}@t.test"),
                    "1990-01-02".to_string(),
                ),
            };
            csv.push_str(&format!(
                "{name},{email},+86 138 {i:04} 0000,\"Firm {}, Ltd\",{birthday}\n",
                i % 7
            ));
        }
        csv
    }

    async fn run_with(
        pool: &PgPool,
        user: &CurrentUser,
        csv: &[u8],
        on_duplicate: OnDuplicate,
        all_or_nothing: bool,
    ) -> Result<ImportResult, AppError> {
        let id = store(pool, user, ImportKind::Contacts, "people.csv", csv).await?;
        let p = preview(pool, user, id).await?;
        run(
            pool,
            user,
            id,
            &p.mapping,
            on_duplicate,
            all_or_nothing,
            today(),
        )
        .await
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn bad_rows_are_refused_by_line_and_the_rest_imported_or_nothing(pool: PgPool) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let csv = thousand();

        let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Skip, true)
            .await
            .unwrap();
        assert!(!r.committed);
        assert_eq!((r.created, r.failed), (0, 3));
        assert_eq!(
            count(&pool, "SELECT count(*) FROM contacts").await,
            0,
            "nothing"
        );

        let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Skip, false)
            .await
            .unwrap();
        assert!(r.committed);
        assert_eq!((r.created, r.failed, r.skipped), (997, 3, 0));
        let mut refused: Vec<(u64, &str, Invalid)> = r
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.why))
            .collect();
        refused.sort_by_key(|e| e.0);
        assert_eq!(
            refused,
            [
                (101, "full_name", Invalid::Required),
                (502, "emails", Invalid::Email),
                (1001, "birthday", Invalid::Date)
            ]
        );
        assert_eq!(count(&pool, "SELECT count(*) FROM contacts").await, 997);
        assert_eq!(
            count(&pool, "SELECT count(*) FROM companies").await,
            7,
            "one company per name"
        );
        assert_eq!(
            count(
                &pool,
                "SELECT count(*) FROM audit_log WHERE entity = 'contact' AND action = 'create'"
            )
            .await,
            997,
            "each contact has its history"
        );
        // An import runs once.
        let id: Uuid =
            sqlx::query_scalar("SELECT id FROM imports WHERE result->>'created' = '997'")
                .fetch_one(&pool)
                .await
                .unwrap();
        let p = preview(&pool, &sales, id).await.unwrap();
        assert_eq!(p.result.unwrap().created, 997);
        assert_eq!(
            run(
                &pool,
                &sales,
                id,
                &p.mapping,
                OnDuplicate::Skip,
                false,
                today()
            )
            .await,
            Err(AppError::Conflict)
        );
        assert_eq!(status(&pool, &sales, id).await.unwrap().done, 1000);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_gbk_file_imports_with_its_chinese_names(pool: PgPool) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let (bytes, _, bad) = encoding_rs::GBK
            .encode("姓名,手机号码,公司名称\n王伟,138 0013 8000,华信科技\n李娜,139 0000 1111,\n");
        assert!(!bad);
        let id = store(&pool, &sales, ImportKind::Contacts, "客户.csv", &bytes)
            .await
            .unwrap();
        let p = preview(&pool, &sales, id).await.unwrap();
        assert_eq!(p.encoding, "GB18030");
        assert_eq!(p.headers, ["姓名", "手机号码", "公司名称"]);
        assert_eq!(p.mapping, ["full_name", "phones", "company"]);
        let r = run(
            &pool,
            &sales,
            id,
            &p.mapping,
            OnDuplicate::Skip,
            true,
            today(),
        )
        .await
        .unwrap();
        assert_eq!(r.created, 2);
        let names: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT full_name, company_name FROM contacts ORDER BY full_name")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(
            names.contains(&("王伟".into(), Some("华信科技".into()))),
            "{names:?}"
        );
        assert!(names.contains(&("李娜".into(), None)), "{names:?}");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_duplicate_is_skipped_updated_or_created_as_asked(pool: PgPool) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let other = user(&pool, "o@t.test", Role::Sales, "West").await;
        let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
        sqlx::query(
            "INSERT INTO contacts (full_name, emails, phones, title, owner_id)
             VALUES ('Wang Wei', ARRAY['Wang.Wei@Example.cn'], ARRAY['+86 138 0013 8000'], 'CTO', $1),
                    ('Hidden', ARRAY['hidden@t.test'], '{}', NULL, $2)",
        )
        .bind(sales.id.0)
        .bind(other.id.0)
        .execute(&pool)
        .await
        .unwrap();
        // Matched on the email in another case, and on the phone's digits.
        let csv = "Name,Email,Phone,Title\nW. Wang,wang.wei@example.cn,,CEO\nWei W,,(+86) 138-0013-8000,\nNew Person,new@t.test,,\nNew Again,new@t.test,,\nSomeone,hidden@t.test,,\n";

        let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Skip, true)
            .await
            .unwrap();
        assert_eq!((r.created, r.skipped, r.updated), (2, 3, 0), "{r:?}");

        sqlx::query("DELETE FROM contacts WHERE full_name IN ('New Person', 'Someone')")
            .execute(&pool)
            .await
            .unwrap();
        let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Update, true)
            .await
            .unwrap();
        assert_eq!((r.created, r.updated), (2, 3), "{r:?}");
        let (name, title, version): (String, Option<String>, i32) = sqlx::query_as(
            "SELECT full_name, title, version FROM contacts WHERE 'wang.wei@example.cn' = ANY(email_keys)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            (name.as_str(), title.as_deref(), version),
            ("Wei W", Some("CEO"), 3),
            "filled-in fields win, empty ones keep what was there; two rows, two saves"
        );
        assert_eq!(
            count(
                &pool,
                "SELECT count(*) FROM contacts WHERE full_name = 'Hidden'"
            )
            .await,
            1,
            "another team's contact is neither matched nor changed"
        );

        let before = count(&pool, "SELECT count(*) FROM contacts").await;
        let r = run_with(&pool, &sales, csv.as_bytes(), OnDuplicate::Create, true)
            .await
            .unwrap();
        assert_eq!(r.created, 5);
        assert_eq!(
            count(&pool, "SELECT count(*) FROM contacts").await,
            before + 5
        );

        assert_eq!(
            run_with(&pool, &viewer, csv.as_bytes(), OnDuplicate::Create, true).await,
            Err(AppError::Forbidden)
        );
    }

    /// Uploads `csv` as `kind` and imports it under the guessed mapping.
    async fn import_as(
        pool: &PgPool,
        user: &CurrentUser,
        kind: ImportKind,
        csv: &str,
        on_duplicate: OnDuplicate,
    ) -> ImportResult {
        let id = store(pool, user, kind, "file.csv", csv.as_bytes())
            .await
            .unwrap();
        let p = preview(pool, user, id).await.unwrap();
        assert_eq!(p.kind, kind);
        run(pool, user, id, &p.mapping, on_duplicate, false, today())
            .await
            .unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn companies_import_and_a_same_named_company_is_updated_when_asked(pool: PgPool) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let csv = "公司名称,行业,官网,电话,规模\n华信科技,软件,huaxin.cn,010-8888 6666,51-200\nBluebird,Logistics,not a site,,\nNorthwind,,northwind.com,,huge\n华信科技,,,,\n";
        let r = import_as(&pool, &sales, ImportKind::Companies, csv, OnDuplicate::Skip).await;
        assert_eq!((r.created, r.skipped, r.failed), (1, 1, 2), "{r:?}");
        let lines: Vec<(u64, &str)> = r
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(lines, [(3, "website"), (4, "size")]);

        let again = "Company,Industry,Phone\n华信科技,Software,\nACME,,021 5555 0101\n";
        let r = import_as(
            &pool,
            &sales,
            ImportKind::Companies,
            again,
            OnDuplicate::Update,
        )
        .await;
        assert_eq!((r.created, r.updated), (1, 1), "{r:?}");
        let (industry, website, version): (Option<String>, Option<String>, i32) = sqlx::query_as(
            "SELECT industry, website, version FROM companies WHERE name = '华信科技'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            (industry.as_deref(), website.as_deref(), version),
            (Some("Software"), Some("huaxin.cn"), 2)
        );
        // Matched by the phone's digits under another name.
        let third = "Name,Tel\nAcme Trading,(021) 5555-0101\n";
        let r = import_as(
            &pool,
            &sales,
            ImportKind::Companies,
            third,
            OnDuplicate::Skip,
        )
        .await;
        assert_eq!((r.created, r.skipped), (0, 1), "{r:?}");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn leads_import_with_status_and_duplicates_by_email(pool: PgPool) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let csv = "姓名,邮箱,公司,状态\n王伟,wang@huaxin.cn,华信,new\n李娜,bad-email,,\n赵磊,WANG@huaxin.cn,,\n周杰,,,dreaming\n";
        let r = import_as(&pool, &sales, ImportKind::Leads, csv, OnDuplicate::Skip).await;
        assert_eq!((r.created, r.skipped, r.failed), (1, 1, 2), "{r:?}");
        let (name, company, status, owner): (String, Option<String>, String, Uuid) =
            sqlx::query_as("SELECT full_name, company_name, status, owner_id FROM leads")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            (name.as_str(), company.as_deref(), status.as_str(), owner),
            ("王伟", Some("华信"), "new", sales.id.0)
        );
        let audited: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_log WHERE entity = 'lead' AND action = 'create'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn deals_import_into_the_first_stage_at_their_companies(pool: PgPool) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let first: Uuid = sqlx::query_scalar(
            "WITH p AS (INSERT INTO pipelines (name) VALUES ('Sales') RETURNING id)
             INSERT INTO stages (pipeline_id, name, position) SELECT id, s.name, s.pos FROM p,
                    (VALUES ('Lead', 0), ('Won?', 1)) AS s(name, pos) RETURNING id",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let csv = "商机名称,金额,币种,客户名称,预计成交日期\n20 licences,\"12,000.50\",CNY,华信科技,2027-01-31\nSupport,abc,CNY,,\nRenewal,800,USD,华信科技,\n";
        let r = import_as(&pool, &sales, ImportKind::Deals, csv, OnDuplicate::Skip).await;
        assert_eq!((r.created, r.failed), (2, 1), "{r:?}");
        assert_eq!((r.errors[0].line, r.errors[0].field.as_str()), (3, "value"));
        let deals: Vec<(String, i64, String, Uuid, Option<String>)> = sqlx::query_as(
            "SELECT d.title, d.value_minor, d.currency, d.stage_id, c.name FROM deals d
               LEFT JOIN companies c ON c.id = d.company_id ORDER BY d.rank",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(deals.len(), 2);
        assert_eq!(
            (
                deals[0].0.as_str(),
                deals[0].1,
                deals[0].2.as_str(),
                deals[0].3
            ),
            ("20 licences", 1_200_050, "CNY", first)
        );
        assert_eq!(deals[0].4.as_deref(), Some("华信科技"));
        assert_eq!(deals[1].4, deals[0].4, "one company, found once");
        let companies: i64 = sqlx::query_scalar("SELECT count(*) FROM companies")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(companies, 1);
    }
}
