//! Sales targets: listed by year, saved with a version check.
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::reports::targets::{Owner, Target, TargetRow, TargetsPage};
use crate::users::model::CurrentUser;

pub async fn list(pool: &PgPool, year: i32) -> Result<TargetsPage, AppError> {
    let rows: Vec<(Option<Uuid>, Option<String>, String, String, Vec<i64>, i32)> = sqlx::query_as(
        "SELECT t.user_id, t.team, coalesce(u.display_name, t.team), t.currency::text, t.months, t.version
           FROM sales_targets t LEFT JOIN users u ON u.id = t.user_id
          WHERE t.year = $1 ORDER BY t.team IS NULL, 3, 4 LIMIT 1000",
    )
    .bind(year)
    .fetch_all(pool)
    .await?;
    let users: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT id, display_name FROM users WHERE active AND role IN ('admin', 'manager', 'sales') ORDER BY display_name LIMIT 1000",
    )
    .fetch_all(pool)
    .await?;
    let teams: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT team FROM users WHERE team IS NOT NULL ORDER BY 1 LIMIT 100",
    )
    .fetch_all(pool)
    .await?;
    Ok(TargetsPage {
        year,
        rows: rows
            .into_iter()
            .filter_map(|(u, t, name, currency, months, version)| {
                let owner = match (u, t) {
                    (Some(u), _) => Owner::User(u),
                    (None, Some(t)) => Owner::Team(t),
                    _ => return None,
                };
                Some(TargetRow {
                    owner,
                    name,
                    year,
                    currency,
                    months,
                    version,
                })
            })
            .collect(),
        users,
        teams,
    })
}

/// Inserts (version 0) or updates the target of its owner, year and currency; the new version.
pub async fn save(
    conn: &mut PgConnection,
    user: &CurrentUser,
    t: &Target,
    version: i32,
) -> Result<i32, AppError> {
    let (uid, team) = match &t.owner {
        Owner::User(u) => (Some(*u), None),
        Owner::Team(s) => (None, Some(s.clone())),
    };
    let known: bool = sqlx::query_scalar(
        "SELECT CASE WHEN $1::uuid IS NOT NULL THEN EXISTS (SELECT 1 FROM users WHERE id = $1 AND role IN ('admin', 'manager', 'sales'))
                     ELSE EXISTS (SELECT 1 FROM users WHERE team = $2) END",
    )
    .bind(uid)
    .bind(team.clone())
    .fetch_one(&mut *conn)
    .await?;
    if !known {
        return Err(AppError::invalid("whose", Invalid::Choice));
    }
    let months: Vec<i64> = t.months.to_vec();
    let current: Option<i32> = sqlx::query_scalar(
        "SELECT version FROM sales_targets WHERE year = $3 AND currency = $4
            AND (user_id = $1 OR team = $2) FOR UPDATE",
    )
    .bind(uid)
    .bind(team.clone())
    .bind(t.year)
    .bind(&t.currency)
    .fetch_optional(&mut *conn)
    .await?;
    match current {
        None if version == 0 => {
            sqlx::query(
                "INSERT INTO sales_targets (user_id, team, year, currency, months, updated_by) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(uid)
            .bind(team)
            .bind(t.year)
            .bind(&t.currency)
            .bind(&months)
            .bind(user.id.0)
            .execute(&mut *conn)
            .await
            .map_err(|e| match e.as_database_error().and_then(|d| d.code()) {
                // Saved by someone else a moment ago.
                Some(c) if c == "23505" => AppError::Conflict,
                _ => AppError::from(e),
            })?;
            Ok(1)
        }
        Some(v) if v == version => {
            sqlx::query(
                "UPDATE sales_targets SET months = $5, version = version + 1, updated_by = $6, updated_at = now()
                  WHERE year = $3 AND currency = $4 AND (user_id = $1 OR team = $2)",
            )
            .bind(uid)
            .bind(team)
            .bind(t.year)
            .bind(&t.currency)
            .bind(&months)
            .bind(user.id.0)
            .execute(&mut *conn)
            .await?;
            Ok(v + 1)
        }
        _ => Err(AppError::Conflict),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::db::people::{Whose, target_months};
    use crate::users::db::test_user;
    use crate::users::model::Role;

    #[sqlx::test(migrations = "../migrations")]
    async fn targets_are_saved_once_per_owner_year_and_currency_and_a_stale_save_is_refused(
        pool: PgPool,
    ) {
        let boss = test_user(&pool, "boss@keel.test", Role::Manager, None).await;
        let west = test_user(&pool, "west@keel.test", Role::Sales, "West").await;
        let t = |owner: Owner, m: i64| Target {
            owner,
            year: 2026,
            currency: "CNY".into(),
            months: [m; 12],
        };
        let mut conn = pool.acquire().await.unwrap();
        assert_eq!(
            save(&mut conn, &boss, &t(Owner::User(west.id.0), 100), 0)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            save(&mut conn, &boss, &t(Owner::Team("West".into()), 500), 0)
                .await
                .unwrap(),
            1
        );
        // A second "new" target for the same owner is a conflict, as is a stale version.
        assert_eq!(
            save(&mut conn, &boss, &t(Owner::User(west.id.0), 1), 0)
                .await
                .unwrap_err(),
            AppError::Conflict
        );
        assert_eq!(
            save(&mut conn, &boss, &t(Owner::User(west.id.0), 200), 1)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            save(&mut conn, &boss, &t(Owner::User(west.id.0), 300), 1)
                .await
                .unwrap_err(),
            AppError::Conflict
        );
        // An unknown team or user is a field error.
        let e = save(&mut conn, &boss, &t(Owner::Team("Nowhere".into()), 1), 0)
            .await
            .unwrap_err();
        assert_eq!(e, AppError::invalid("whose", Invalid::Choice));
        assert_eq!(
            target_months(&pool, &Whose::User(west.id.0), 2026, "CNY")
                .await
                .unwrap(),
            [200; 12]
        );
        assert_eq!(
            target_months(&pool, &Whose::Team("West".into()), 2026, "CNY")
                .await
                .unwrap(),
            [500; 12]
        );
        // The company's target is the teams' (the users' only when no team has one).
        assert_eq!(
            target_months(&pool, &Whose::Company, 2026, "CNY")
                .await
                .unwrap(),
            [500; 12]
        );
        assert_eq!(
            target_months(&pool, &Whose::Company, 2026, "USD")
                .await
                .unwrap(),
            [0; 12]
        );
        let page = list(&pool, 2026).await.unwrap();
        assert_eq!(page.rows.len(), 2);
        assert_eq!(page.teams, vec!["West".to_string()]);
    }
}
