//! The access matrix's data: the demo seed, a second East sales user, and records of both teams
//! hung on one company and contact.
use sqlx::PgPool;
use uuid::Uuid;

use app::users::db::upsert_user;
use app::users::model::Role;

use super::Who;
use crate::seed;

/// The records the matrix works on: East's (owned by the East sales user), and West's hung on
/// East's company and contact, which East must never see. The company's name carries no team
/// marker: West's own records name it.
pub(super) struct Fx {
    pub(super) users: Vec<(Who, Uuid)>,
    pub(super) pipeline: Uuid,
    pub(super) stages: Vec<Uuid>,
    pub(super) company: Uuid,
    pub(super) contact: Uuid,
    pub(super) contact2: Uuid,
    pub(super) lead: Uuid,
    pub(super) deal: Uuid,
    pub(super) task: Uuid,
    pub(super) view: Uuid,
    pub(super) west_contact: Uuid,
    pub(super) ticket: Uuid,
}

impl Fx {
    pub(super) fn user(&self, who: Who) -> Option<Uuid> {
        self.users
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, id)| *id)
    }
}

async fn one<T>(pool: &PgPool, sql: &str, binds: &[Uuid]) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    let mut q = sqlx::query_scalar(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_one(pool).await.unwrap()
}

pub(super) async fn fixtures(pool: &PgPool) -> Fx {
    seed::seed_demo(pool).await.unwrap();
    let id = |email: &'static str| async move {
        one::<Uuid>(
            pool,
            &format!("SELECT id FROM users WHERE email = '{email}'"),
            &[],
        )
        .await
    };
    // The demo has one sales user per team; the matrix needs a second one in East.
    let mate = upsert_user(
        &mut *pool.acquire().await.unwrap(),
        "mate@keel.demo",
        "Mate East",
        "$argon2id$unused",
        Role::Sales,
        "en",
    )
    .await
    .unwrap();
    sqlx::query("UPDATE users SET team = 'East' WHERE id = $1")
        .bind(mate.0)
        .execute(pool)
        .await
        .unwrap();
    let users = vec![
        (Who::Viewer, id("viewer@keel.demo").await),
        (Who::Owner, id("sales@keel.demo").await),
        (Who::Teammate, mate.0),
        (Who::OtherTeam, id("sales2@keel.demo").await),
        (Who::Support, id("support@keel.demo").await),
        (Who::Manager, id("manager@keel.demo").await),
        (Who::Admin, id("admin@keel.demo").await),
    ];
    let east = users[1].1;
    let west = users[3].1;
    let pipeline: Uuid = one(
        pool,
        "SELECT id FROM pipelines ORDER BY position LIMIT 1",
        &[],
    )
    .await;
    let stages: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM stages WHERE pipeline_id = $1 AND archived_at IS NULL ORDER BY position",
    )
    .bind(pipeline)
    .fetch_all(pool)
    .await
    .unwrap();
    let company: Uuid = one(
        pool,
        "INSERT INTO companies (name, owner_id) VALUES ('Common Co', $1) RETURNING id",
        &[east],
    )
    .await;
    let contact_sql = "INSERT INTO contacts (full_name, company_id, owner_id, emails, email_keys) \
         VALUES ($3, $1, $2, ARRAY['shared@dup.test'], ARRAY['shared@dup.test']) RETURNING id";
    let contact_of = |name: &'static str, owner: Uuid| async move {
        let id: Uuid = sqlx::query_scalar(contact_sql)
            .bind(company)
            .bind(owner)
            .bind(name)
            .fetch_one(pool)
            .await
            .unwrap();
        id
    };
    let contact = contact_of("EAST-SECRET Kim", east).await;
    let contact2 = contact_of("EAST-SECRET Kim Two", east).await;
    let west_contact = contact_of("WEST-SECRET Wu", west).await;
    let lead: Uuid = one(
        pool,
        "INSERT INTO leads (full_name, status, owner_id) VALUES ('EAST-SECRET Lead', 'qualified', $1) RETURNING id",
        &[east],
    )
    .await;
    let deal_sql = "INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, company_id, owner_id, rank) \
         VALUES ($1, $2, $3, 1000, 'EUR', $4, $5, 'zzzz') RETURNING id";
    let deal_of = |title: &'static str, owner: Uuid| {
        let stage = stages[0];
        async move {
            let id: Uuid = sqlx::query_scalar(deal_sql)
                .bind(pipeline)
                .bind(stage)
                .bind(title)
                .bind(company)
                .bind(owner)
                .fetch_one(pool)
                .await
                .unwrap();
            id
        }
    };
    let deal = deal_of("EAST-SECRET Deal", east).await;
    let west_deal = deal_of("WEST-SECRET Deal", west).await;
    for (d, stage) in [
        (deal, "EAST-SECRET stage"),
        (west_deal, "WEST-SECRET stage"),
    ] {
        sqlx::query("INSERT INTO deal_contacts (deal_id, contact_id) VALUES ($1, $2)")
            .bind(d)
            .bind(contact)
            .execute(pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (entity, entity_id, actor_id, action, changes)
             VALUES ('deal', $1, $2, 'update', jsonb_build_object('stage', jsonb_build_object('old', 'Lead', 'new', $3::text)))",
        )
        .bind(d)
        .bind(east)
        .bind(stage)
        .execute(pool)
        .await
        .unwrap();
    }
    for (about, body) in [
        (contact, "EAST-SECRET note"),
        (west_contact, "WEST-SECRET note"),
    ] {
        sqlx::query("INSERT INTO activities (contact_id, kind, body, author_id) VALUES ($1, 'note', $2, $3)")
            .bind(about)
            .bind(body)
            .bind(east)
            .execute(pool)
            .await
            .unwrap();
    }
    // Both assigned to East's owner; the one on West's contact is not East's to see.
    let task_sql = "INSERT INTO tasks (contact_id, title, assignee_id, due_on) VALUES ($1, $2, $3, current_date) RETURNING id";
    let task: Uuid = sqlx::query_scalar(task_sql)
        .bind(contact)
        .bind("EAST-SECRET task")
        .bind(east)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(task_sql)
        .bind(west_contact)
        .bind("WEST-SECRET task")
        .bind(east)
        .fetch_one(pool)
        .await
        .unwrap();
    // A ticket of each team's contact at the shared company.
    let ticket_sql = "INSERT INTO tickets (subject, contact_id, company_id, channel) VALUES ($1, $2, $3, 'phone') RETURNING id";
    let ticket: Uuid = sqlx::query_scalar(ticket_sql)
        .bind("EAST-SECRET ticket")
        .bind(contact)
        .bind(company)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(ticket_sql)
        .bind("WEST-SECRET ticket")
        .bind(west_contact)
        .bind(company)
        .fetch_one(pool)
        .await
        .unwrap();
    // A notification for the East owner alone.
    sqlx::query("INSERT INTO notifications (user_id, kind, title, link, ticket_id) VALUES ($1, 'assigned', 'EAST-SECRET notice', '/tickets/x', $2)")
        .bind(east)
        .bind(ticket)
        .execute(pool)
        .await
        .unwrap();
    let view: Uuid = one(
        pool,
        "INSERT INTO saved_views (user_id, list, name, query) VALUES ($1, 'contacts', 'Mine', '{}') RETURNING id",
        &[east],
    )
    .await;
    Fx {
        users,
        pipeline,
        stages,
        company,
        contact,
        contact2,
        lead,
        deal,
        task,
        view,
        west_contact,
        ticket,
    }
}
