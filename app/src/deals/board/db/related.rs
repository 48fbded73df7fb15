//! A record's deals: those on a company or a contact, as its page lists them.
use sqlx::PgPool;
use uuid::Uuid;

use crate::activities::model::SubjectKind;
use crate::deals::board::model::DealSummary;
use crate::error::AppError;
use crate::money::Money;
use crate::records::db::scope_sql;
use crate::users::model::CurrentUser;

/// The deals of a company or a contact (up to 200, open ones first) that the user may open each on
/// its own, or `NotFound` unless the user may see that record: one statement, whose visibility
/// check is its outer row.
pub async fn deals_of(
    pool: &PgPool,
    user: &CurrentUser,
    about: SubjectKind,
    id: Uuid,
) -> Result<Vec<DealSummary>, AppError> {
    let condition = match about {
        SubjectKind::Company => "d.company_id = r.id",
        SubjectKind::Contact => {
            "d.id IN (SELECT deal_id FROM deal_contacts WHERE contact_id = r.id)"
        }
        SubjectKind::Lead | SubjectKind::Deal => return Err(AppError::NotFound),
    };
    let scope = scope_sql(user, "r", "$2");
    let deal_scope = scope_sql(user, "d", "$2");
    type Row = (
        Option<Uuid>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT d.* FROM {} r LEFT JOIN LATERAL (
            SELECT d.id, d.title, d.value_minor, d.currency::text, s.name, d.status FROM deals d JOIN stages s ON s.id = d.stage_id
             WHERE {condition} AND d.deleted_at IS NULL{deal_scope} ORDER BY d.status = 'open' DESC, d.created_at DESC LIMIT 200
          ) d ON true
          WHERE r.id = $1 AND r.deleted_at IS NULL{scope}",
        crate::activities::db::table(about)
    ))
    .bind(id)
    .bind(user.id.0)
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(rows
        .into_iter()
        .filter_map(|(id, title, minor, currency, stage, status)| {
            Some(DealSummary {
                id: id?,
                title: title?,
                value: Money {
                    minor: minor?,
                    currency: currency?,
                },
                stage: stage?,
                status: status?,
            })
        })
        .collect())
}
