//! The desk's settings: SLA policies (as their form shows them, and as the clock reads them),
//! the policy a new ticket gets, and the teams' assignment rules with the agent a ticket goes to.
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use super::AGENT;
use crate::error::{AppError, Invalid};
use crate::tickets::desk::{DeskSettings, PolicyDraft, PolicySettings, TeamRule};
use crate::tickets::sla::{Calendar, Policy};
use crate::users::model::{CurrentUser, Role};

/// The policy for a new ticket: the first by position whose channel and company tag match.
pub(super) async fn choose_policy(
    conn: &mut PgConnection,
    channel: &str,
    company: Option<Uuid>,
) -> Result<Option<(Uuid, Policy)>, AppError> {
    let row: Option<PolicyRow> = sqlx::query_as(
        "SELECT p.* FROM sla_policies p WHERE (p.match_channel IS NULL OR p.match_channel = $1) \
         AND (p.match_tag IS NULL OR EXISTS (SELECT 1 FROM companies co WHERE co.id = $2 AND p.match_tag = ANY (co.tags))) \
         ORDER BY p.position, p.created_at LIMIT 1",
    )
    .bind(channel)
    .bind(company)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => {
            let stored = row.settings()?;
            Ok(Some((stored.id, stored.clock()?)))
        }
        None => Ok(None),
    }
}

#[derive(sqlx::FromRow)]
struct PolicyRow {
    id: Uuid,
    name: String,
    version: i32,
    match_channel: Option<String>,
    match_tag: Option<String>,
    position: i32,
    zone: String,
    hours: serde_json::Value,
    holidays: Vec<NaiveDate>,
    urgent_first: i32,
    urgent_resolve: i32,
    high_first: i32,
    high_resolve: i32,
    normal_first: i32,
    normal_resolve: i32,
    low_first: i32,
    low_resolve: i32,
    pause_statuses: Vec<String>,
}

impl PolicyRow {
    /// The stored policy as its form shows it.
    fn settings(self) -> Result<PolicySettings, AppError> {
        let id = self.id;
        let hours = serde_json::from_value(self.hours)
            .map_err(|e| AppError::internal(format!("SLA policy {id}: hours: {e}")))?;
        Ok(PolicySettings {
            id,
            version: self.version,
            policy: PolicyDraft {
                name: self.name,
                zone: self.zone,
                hours,
                holidays: self.holidays,
                targets: [
                    (self.urgent_first, self.urgent_resolve),
                    (self.high_first, self.high_resolve),
                    (self.normal_first, self.normal_resolve),
                    (self.low_first, self.low_resolve),
                ],
                pauses: self.pause_statuses,
                match_channel: self.match_channel,
                match_tag: self.match_tag,
                position: self.position,
            },
        })
    }
}

impl PolicySettings {
    /// The policy as the clock reads it. One the database holds but the clock cannot read (an
    /// unknown zone, no service hours) is an internal error: the settings refuse those.
    fn clock(self) -> Result<Policy, AppError> {
        let (id, p) = (self.id, self.policy);
        let zone = p
            .zone
            .parse()
            .map_err(|_| AppError::internal(format!("SLA policy {id}: zone {}", p.zone)))?;
        let calendar = Calendar::new(zone, p.hours, p.holidays)
            .ok_or_else(|| AppError::internal(format!("SLA policy {id}: no service hours")))?;
        let m = |minutes: i32| i64::from(minutes) * 60;
        Ok(Policy {
            calendar,
            targets: p.targets.map(|(first, resolve)| (m(first), m(resolve))),
            pauses: p.pauses,
        })
    }
}

/// A stored policy as the clock reads it.
pub async fn policy(conn: &mut PgConnection, id: Uuid) -> Result<Policy, AppError> {
    let row: PolicyRow = sqlx::query_as("SELECT * FROM sla_policies WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await?;
    row.settings()?.clock()
}

/// The desk's settings: its policies in the order they are tried, and every team that has agents
/// or a rule, with its rule and its active agents.
pub async fn settings(pool: &sqlx::PgPool, user: &CurrentUser) -> Result<DeskSettings, AppError> {
    require_admin(user)?;
    let mut tx = pool.begin().await?;
    let rows: Vec<PolicyRow> =
        sqlx::query_as("SELECT * FROM sla_policies ORDER BY position, created_at, id")
            .fetch_all(&mut *tx)
            .await?;
    let policies = rows
        .into_iter()
        .map(PolicyRow::settings)
        .collect::<Result<Vec<_>, _>>()?;
    let teams: Vec<(String, String, bool, Vec<String>)> = sqlx::query_as(&format!(
        "WITH named AS (SELECT team FROM desk_teams UNION SELECT u.team FROM users u WHERE {AGENT} AND u.team IS NOT NULL)
         SELECT n.team, coalesce(d.rule, 'manual'), coalesce(d.web_form, false),
                coalesce(array_agg(u.display_name ORDER BY lower(u.display_name)) FILTER (WHERE u.id IS NOT NULL), '{{}}')
           FROM named n LEFT JOIN desk_teams d ON d.team = n.team
           LEFT JOIN users u ON u.team = n.team AND {AGENT}
          GROUP BY n.team, d.rule, d.web_form ORDER BY n.team"
    ))
    .fetch_all(&mut *tx)
    .await?;
    let (return_visit_days, options_version): (i32, i32) =
        sqlx::query_as("SELECT return_visit_days, version FROM desk_options")
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(DeskSettings {
        return_visit_days,
        options_version,
        policies,
        teams: teams
            .into_iter()
            .map(|(team, rule, web_form, agents)| TeamRule {
                team,
                rule,
                web_form,
                agents,
            })
            .collect(),
    })
}

fn require_admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Saves a policy: a new one (`id` none), or the policy `id` if it is still at `version`. Tickets
/// keep the due times they have; the policy counts for their next change. Returns the policy's id.
pub async fn save_policy(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: Option<Uuid>,
    version: i32,
    p: &PolicyDraft,
) -> Result<Uuid, AppError> {
    require_admin(user)?;
    if p.zone.parse::<chrono_tz::Tz>().is_err() {
        return Err(AppError::invalid("zone", Invalid::Choice));
    }
    let hours = serde_json::to_value(p.hours).map_err(AppError::internal)?;
    let t = p.targets;
    let (sql, id) = match id {
        None => (
            "INSERT INTO sla_policies (name, zone, hours, holidays, urgent_first, urgent_resolve, high_first, high_resolve,
                 normal_first, normal_resolve, low_first, low_resolve, pause_statuses, match_channel, match_tag, position)
             VALUES ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
            Uuid::nil(),
        ),
        Some(id) => {
            let stored: i32 =
                sqlx::query_scalar("SELECT version FROM sla_policies WHERE id = $1 FOR UPDATE")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or(AppError::NotFound)?;
            if stored != version {
                return Err(AppError::Conflict);
            }
            (
                "UPDATE sla_policies SET name = $2, zone = $3, hours = $4, holidays = $5, urgent_first = $6, urgent_resolve = $7,
                     high_first = $8, high_resolve = $9, normal_first = $10, normal_resolve = $11, low_first = $12, low_resolve = $13,
                     pause_statuses = $14, match_channel = $15, match_tag = $16, position = $17, version = version + 1, updated_at = now()
                 WHERE id = $1 RETURNING id",
                id,
            )
        }
    };
    let saved: Uuid = sqlx::query_scalar(sql)
        .bind(id)
        .bind(&p.name)
        .bind(&p.zone)
        .bind(hours)
        .bind(&p.holidays)
        .bind(t[0].0)
        .bind(t[0].1)
        .bind(t[1].0)
        .bind(t[1].1)
        .bind(t[2].0)
        .bind(t[2].1)
        .bind(t[3].0)
        .bind(t[3].1)
        .bind(&p.pauses)
        .bind(&p.match_channel)
        .bind(&p.match_tag)
        .bind(p.position)
        .fetch_one(&mut *conn)
        .await?;
    Ok(saved)
}

/// Sets how a team's new tickets find an agent.
pub async fn save_rule(
    conn: &mut PgConnection,
    user: &CurrentUser,
    team: &str,
    rule: &str,
    web_form: bool,
) -> Result<(), AppError> {
    require_admin(user)?;
    let team = team.trim();
    if team.is_empty() || team.chars().count() > 100 {
        return Err(AppError::invalid("team", Invalid::Required));
    }
    sqlx::query(
        "INSERT INTO desk_teams (team, rule, web_form) VALUES ($1, $2, $3)
         ON CONFLICT (team) DO UPDATE SET rule = excluded.rule, web_form = excluded.web_form,
             version = desk_teams.version + 1",
    )
    .bind(team)
    .bind(rule)
    .bind(web_form)
    .execute(conn)
    .await?;
    Ok(())
}

/// The agent a new ticket of `team` goes to by the team's rule: in turn, or the least busy, among
/// the team's active agents signed in within the last half hour. `None` for a team assigned by
/// hand, or when none of its agents is present. The team's row is locked, so that two tickets
/// opened at once take two turns.
pub async fn assignee(conn: &mut PgConnection, team: &str) -> Result<Option<Uuid>, AppError> {
    let rule: Option<(String, Option<Uuid>)> =
        sqlx::query_as("SELECT rule, last_agent FROM desk_teams WHERE team = $1 FOR UPDATE")
            .bind(team)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((rule, last)) = rule else {
        return Ok(None);
    };
    let present = format!(
        "SELECT u.id, lower(u.display_name) AS name FROM users u WHERE u.team = $1 AND {AGENT}
            AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.last_seen_at > now() - interval '30 minutes')"
    );
    let agent: Option<Uuid> = match rule.as_str() {
        "round_robin" => {
            sqlx::query_scalar(&format!(
                "WITH present AS ({present}),
                      last AS (SELECT coalesce((SELECT lower(display_name) FROM users WHERE id = $2), '') AS name)
                 SELECT p.id FROM present p, last l
                  ORDER BY (p.name > l.name OR (p.name = l.name AND p.id > coalesce($2, '00000000-0000-0000-0000-000000000000'::uuid))) DESC,
                           p.name, p.id
                  LIMIT 1"
            ))
            .bind(team)
            .bind(last)
            .fetch_optional(&mut *conn)
            .await?
        }
        "least_busy" => {
            sqlx::query_scalar(&format!(
                "WITH present AS ({present})
                 SELECT p.id FROM present p
                  ORDER BY (SELECT count(*) FROM tickets t WHERE t.assignee_id = p.id AND t.deleted_at IS NULL
                              AND t.status NOT IN ('resolved', 'closed')), p.name, p.id
                  LIMIT 1"
            ))
            .bind(team)
            .fetch_optional(&mut *conn)
            .await?
        }
        _ => None,
    };
    if let Some(a) = agent {
        sqlx::query("UPDATE desk_teams SET last_agent = $2 WHERE team = $1")
            .bind(team)
            .bind(a)
            .execute(&mut *conn)
            .await?;
    }
    Ok(agent)
}
