//! Writing one batch of checked rows: each a new record, an update of the one it matches, or
//! skipped; new contacts many per statement. A new record gets the owner and creation date its
//! row names, its company (or deal's contact) by the old system's id or the company by name, and
//! its own old id kept for the next run.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::links::{Owners, keep};
use super::model::{
    Extras, ImportKind, ImportResult, OnDuplicate, Parsed, RowError, form_fields, parse_form,
};
use super::new_contacts::{NewContact, insert_contacts};
use super::values::{LOST, WON, guess_stage};
use crate::activities::model::Interaction;
use crate::companies::model::{CompanyId, CompanyInput};
use crate::contacts::model::{ContactId, ContactInput};
use crate::deals::model::StageId;
use crate::deals::model::{DealId, DealInput};
use crate::error::{AppError, Invalid};
use crate::leads::model::{LeadId, LeadInput};
use crate::users::model::CurrentUser;

/// A checked row: its number among the file's data rows (from 1), its line, its form by field,
/// the parsed record, its extras and its keys for duplicates.
pub struct Row {
    pub nth: i64,
    pub line: u64,
    pub input: BTreeMap<String, String>,
    pub parsed: Parsed,
    pub extras: Extras,
    pub keys: Vec<String>,
}

/// The old system's records a file refers to, found before it is written: by kind ("company",
/// "contact", "deal"), each old id to its record.
pub type Related = HashMap<&'static str, HashMap<String, Uuid>>;

/// What the batches of one import share.
pub struct Written<'a> {
    pub user: &'a CurrentUser,
    pub kind: ImportKind,
    pub on_duplicate: OnDuplicate,
    pub today: NaiveDate,
    /// The system the file comes from, and what its records are called in `external_ids`.
    pub source: &'a str,
    pub entity: &'static str,
    /// Records matched so far by key (old id, email, phone, a company's name).
    pub by_key: HashMap<String, Uuid>,
    /// Companies found or created by name.
    pub companies: HashMap<String, Option<Uuid>>,
    pub related: Related,
    pub owners: Owners,
    /// The stages deals go into (their pipeline's, in order), by id and by name.
    pub stages: Vec<(Uuid, String)>,
    /// New records' next contact days: the record, the day, its owner; and what the tasks are
    /// called (in the importer's language).
    pub follow_ups: Vec<(Uuid, NaiveDate, Uuid)>,
    pub follow_up_title: String,
    pub result: ImportResult,
}

impl Written<'_> {
    /// The record an old id names, counting the rows whose link was not found.
    fn related(&mut self, kind: &'static str, id: &Option<String>) -> Option<Uuid> {
        let id = id.as_ref()?;
        let found = self.related.get(kind).and_then(|m| m.get(id)).copied();
        if found.is_none() {
            self.result.unlinked += 1;
        }
        found
    }

    /// A deal's stage: the one it maps to (by id), or is named as (`guess_stage`); else the
    /// pipeline's first. A deal mapped to "won" or "lost" goes to the last stage, closed so.
    fn stage(&self, named: &Option<String>) -> (Option<StageId>, Option<&'static str>) {
        let first = self.stages.first().map(|s| StageId(s.0));
        let Some(named) = named.as_deref().map(str::trim) else {
            return (first, None);
        };
        let by_id = self.stages.iter().find(|(id, _)| id.to_string() == named);
        let guessed = match by_id {
            Some((id, _)) => Some(id.to_string()),
            None => guess_stage(named, &self.stages),
        };
        match guessed.as_deref() {
            Some(closed @ (WON | LOST)) => {
                let status = if closed == WON { WON } else { LOST };
                (self.stages.last().map(|s| StageId(s.0)), Some(status))
            }
            Some(id) => {
                let found = self.stages.iter().find(|(s, _)| s.to_string() == id);
                (found.map(|s| StageId(s.0)).or(first), None)
            }
            None => (first, None),
        }
    }
}

pub fn refusals(line: u64, e: AppError, out: &mut Vec<RowError>) -> Result<(), AppError> {
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

/// Writes one batch of checked rows in the transaction `tx`.
pub async fn batch(
    tx: &mut PgConnection,
    rows: &[Row],
    w: &mut Written<'_>,
) -> Result<(), AppError> {
    let mut pending: Vec<NewContact> = Vec::new();
    let mut kept: Vec<(String, Uuid)> = Vec::new();
    for row in rows {
        let duplicate = row.keys.iter().find_map(|k| w.by_key.get(k).copied());
        let rid = match (duplicate, w.on_duplicate) {
            (Some(_), OnDuplicate::Skip) => {
                w.result.skipped += 1;
                continue;
            }
            (Some(rid), OnDuplicate::Update) if w.kind != ImportKind::Notes => {
                if pending.iter().any(|p| p.id == rid) {
                    insert_contacts(tx, w.user, &mut pending).await?;
                }
                let input = linked_company(tx, w, row).await?;
                match update_one(tx, w.user, w.kind, rid, &input, w.today).await {
                    Ok(()) => w.result.updated += 1,
                    Err(e) => {
                        w.result.failed += 1;
                        refusals(row.line, e, &mut w.result.errors)?;
                        continue;
                    }
                }
                rid
            }
            (Some(_), OnDuplicate::Update) => {
                // A note is not edited: one already there is left as it is.
                w.result.skipped += 1;
                continue;
            }
            _ => match create(tx, row, w, &mut pending).await? {
                Some(rid) => {
                    for k in &row.keys {
                        w.by_key.entry(k.clone()).or_insert(rid);
                    }
                    w.result.created += 1;
                    rid
                }
                None => continue,
            },
        };
        if let Some(x) = &row.extras.external_id {
            kept.push((x.clone(), rid));
        }
    }
    insert_contacts(tx, w.user, &mut pending).await?;
    follow_ups(tx, w).await?;
    keep(tx, w.source, w.entity, &mut kept).await
}

/// The batch's new records' follow-up tasks, due on their day, for their owners.
async fn follow_ups(tx: &mut PgConnection, w: &mut Written<'_>) -> Result<(), AppError> {
    if w.follow_ups.is_empty() {
        return Ok(());
    }
    let column = match w.kind {
        ImportKind::Contacts => "contact_id",
        ImportKind::Companies => "company_id",
        ImportKind::Leads => "lead_id",
        ImportKind::Deals => "deal_id",
        ImportKind::Notes => return Ok(()),
    };
    let (mut records, mut days, mut owners) = (Vec::new(), Vec::new(), Vec::new());
    for (r, d, o) in w.follow_ups.drain(..) {
        records.push(r);
        days.push(d);
        owners.push(o);
    }
    sqlx::query(&format!(
        "INSERT INTO tasks ({column}, title, due_on, assignee_id, created_by)
         SELECT u.r, $4, u.d, u.o, $5 FROM unnest($1::uuid[], $2::date[], $3::uuid[]) AS u(r, d, o)"
    ))
    .bind(records)
    .bind(days)
    .bind(owners)
    .bind(&w.follow_up_title)
    .bind(w.user.id.0)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The row's form for an update: a contact's company, when the row names it by its old id, as the
/// company found is called now (its name in the file may differ).
async fn linked_company(
    tx: &mut PgConnection,
    w: &Written<'_>,
    row: &Row,
) -> Result<BTreeMap<String, String>, AppError> {
    let mut input = row.input.clone();
    let found = row
        .extras
        .company_external_id
        .as_ref()
        .and_then(|x| w.related.get("company")?.get(x));
    if let (Some(id), ImportKind::Contacts) = (found, w.kind) {
        let name: String = sqlx::query_scalar("SELECT name FROM companies WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        input.insert("company".into(), name);
    }
    Ok(input)
}

/// Creates the row's record (a contact: queued for the batch insert); `None` if it was refused.
async fn create<'r>(
    tx: &mut PgConnection,
    row: &'r Row,
    w: &mut Written<'_>,
    pending: &mut Vec<NewContact<'r>>,
) -> Result<Option<Uuid>, AppError> {
    let x = &row.extras;
    let owner = w.owners.of(x.owner.as_deref());
    let rid = match &row.parsed {
        Parsed::Contact(d) => {
            let company = match w.related("company", &x.company_external_id) {
                Some(c) => Some(c),
                None => company(tx, w.user, &mut w.companies, d.company.as_ref()).await?,
            };
            let id = Uuid::new_v4();
            if let Some(day) = x.follow_up {
                w.follow_ups.push((id, day, owner));
            }
            pending.push(NewContact {
                id,
                draft: d,
                company,
                owner,
                created_at: x.created_at,
            });
            return Ok(Some(id));
        }
        Parsed::Company(d) => crate::companies::db::create(tx, w.user, d).await?.0,
        Parsed::Lead(d) => crate::leads::db::create(tx, w.user, d).await?.0,
        Parsed::Deal(d, name) => {
            let company = match w.related("company", &x.company_external_id) {
                Some(c) => Some(c),
                None => company(tx, w.user, &mut w.companies, name.as_ref()).await?,
            };
            let (stage, closed) = w.stage(&x.stage);
            let id = crate::deals::board::db::open_deal(tx, w.user, stage, d, company).await?;
            if let Some(status) = closed {
                // Closed on its close date if it has one, else when it is imported.
                sqlx::query(
                    "UPDATE deals SET status = $2, closed_at = COALESCE($3::date::timestamptz, now()) WHERE id = $1",
                )
                .bind(id)
                .bind(status)
                .bind(d.expected_close_date)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(contact) = w.related("contact", &x.contact_external_id) {
                sqlx::query("INSERT INTO deal_contacts (deal_id, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(contact)
                    .execute(&mut *tx)
                    .await?;
            }
            id
        }
        Parsed::Note(n) => {
            let on = [
                w.related("contact", &x.contact_external_id),
                w.related("company", &x.company_external_id),
                w.related("deal", &x.deal_external_id),
            ];
            if on.iter().all(Option::is_none) {
                w.result.failed += 1;
                let field = [
                    "contact_external_id",
                    "company_external_id",
                    "deal_external_id",
                ]
                .into_iter()
                .find(|f| row.input.get(*f).is_some_and(|v| !v.trim().is_empty()))
                .unwrap_or("contact_external_id");
                refusals(
                    row.line,
                    AppError::invalid(field, Invalid::Unlinked),
                    &mut w.result.errors,
                )?;
                return Ok(None);
            }
            return note(tx, n, on, owner, x.created_at).await.map(Some);
        }
    };
    settle(tx, w, rid, owner, x.created_at).await?;
    if let Some(day) = x.follow_up {
        w.follow_ups.push((rid, day, owner));
    }
    Ok(Some(rid))
}

/// Gives a record created one by one the owner and creation date its row names (the history's
/// "created" entry at that date too).
async fn settle(
    tx: &mut PgConnection,
    w: &Written<'_>,
    rid: Uuid,
    owner: Uuid,
    created_at: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    if owner == w.user.id.0 && created_at.is_none() {
        return Ok(());
    }
    let table = w.kind.as_str();
    sqlx::query(&format!(
        "UPDATE {table} SET owner_id = $2, created_at = COALESCE($3, created_at) WHERE id = $1"
    ))
    .bind(rid)
    .bind(owner)
    .bind(created_at)
    .execute(&mut *tx)
    .await?;
    if created_at.is_some() {
        sqlx::query("UPDATE audit_log SET at = $3 WHERE entity = $1 AND entity_id = $2 AND action = 'create'")
            .bind(w.entity)
            .bind(rid)
            .bind(created_at)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// A note on the timelines of the records it was about, by its author, at its date.
async fn note(
    tx: &mut PgConnection,
    n: &Interaction,
    [contact, company, deal]: [Option<Uuid>; 3],
    author: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<Uuid, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO activities (contact_id, company_id, deal_id, kind, subject, body, author_id, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, now())) RETURNING id",
    )
    .bind(contact)
    .bind(company)
    .bind(deal)
    .bind(n.kind.as_str())
    .bind(&n.subject)
    .bind(&n.body)
    .bind(author)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?)
}

/// Saves the row's filled-in fields over the stored record `rid` (the rest kept as it was).
async fn update_one(
    tx: &mut PgConnection,
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
        ImportKind::Deals => {
            let d = crate::deals::db::get(&mut *tx, user, DealId(rid)).await?;
            (form_fields(&DealInput::from(&d))?, d.version)
        }
        ImportKind::Notes => return Err(AppError::BadRequest),
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
        Parsed::Deal(d, _) => crate::deals::db::update(tx, user, DealId(rid), version, &d).await,
        Parsed::Note(_) => Err(AppError::BadRequest),
    }
    .map(|_| ())
}

/// The company called `name` (found in the user's scope or created), once per import.
async fn company(
    tx: &mut PgConnection,
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
