//! The raw rows the ground truth counts over, read with plain SELECTs.
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(sqlx::FromRow, Clone)]
pub struct D {
    pub id: Uuid,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub value_minor: i64,
    pub currency: String,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub probability: Option<i16>,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub expected_close_date: Option<NaiveDate>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow, Clone)]
pub struct H {
    pub id: i64,
    pub deal_id: Uuid,
    pub from_stage: Option<Uuid>,
    pub to_stage: Option<Uuid>,
    pub status: String,
    pub moved_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow, Clone)]
pub struct S {
    pub id: Uuid,
    pub pipeline_id: Uuid,
    pub name: String,
    pub position: i32,
    pub win_probability: i16,
    pub archived: bool,
}

#[derive(sqlx::FromRow, Clone)]
pub struct U {
    pub id: Uuid,
    pub display_name: String,
    pub team: Option<String>,
    pub role: String,
}

/// A company, contact or lead: who owns it, when it was made, its source, whether it counts.
#[derive(sqlx::FromRow, Clone)]
pub struct C {
    pub owner_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub source: Option<String>,
    pub gone: bool,
    pub id: Uuid,
    pub last_contacted_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow, Clone)]
pub struct A {
    pub author_id: Option<Uuid>,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
}

pub struct Raw {
    pub deals: Vec<D>,
    pub history: Vec<H>,
    pub stages: Vec<S>,
    pub users: Vec<U>,
    pub companies: Vec<C>,
    pub contacts: Vec<C>,
    pub leads: Vec<C>,
    pub activities: Vec<A>,
}

pub async fn load(pool: &PgPool) -> Raw {
    let people = |t: &str| {
        format!(
            "SELECT owner_id, created_at, source, (deleted_at IS NOT NULL OR merged_into IS NOT NULL) AS gone, id, {} AS last_contacted_at FROM {t}",
            if t == "companies" {
                "last_contacted_at"
            } else {
                "NULL::timestamptz"
            }
        )
    };
    Raw {
        deals: sqlx::query_as("SELECT id, pipeline_id, stage_id, value_minor, currency::text AS currency, company_id, owner_id, probability, lost_reason, closed_at, expected_close_date, status, created_at, deleted_at FROM deals")
            .fetch_all(pool).await.unwrap(),
        history: sqlx::query_as("SELECT id, deal_id, from_stage, to_stage, status, moved_at FROM deal_stage_history").fetch_all(pool).await.unwrap(),
        stages: sqlx::query_as("SELECT id, pipeline_id, name, position, win_probability, archived_at IS NOT NULL AS archived FROM stages")
            .fetch_all(pool).await.unwrap(),
        users: sqlx::query_as("SELECT id, display_name, team, role FROM users WHERE active").fetch_all(pool).await.unwrap(),
        companies: sqlx::query_as(&people("companies")).fetch_all(pool).await.unwrap(),
        contacts: sqlx::query_as(&people("contacts")).fetch_all(pool).await.unwrap(),
        leads: sqlx::query_as(&people("leads")).fetch_all(pool).await.unwrap(),
        activities: sqlx::query_as("SELECT author_id, kind, occurred_at FROM activities").fetch_all(pool).await.unwrap(),
    }
}
