//! Data scope: which customer records a user's role lets them see and change.
use sqlx::{Postgres, QueryBuilder};

use crate::error::AppError;
use crate::users::model::{CurrentUser, DataScope};

/// Limits `alias`'s rows to what the user's role may see: everything, or their own and their team's.
pub fn push_scope(qb: &mut QueryBuilder<'_, Postgres>, user: &CurrentUser, alias: &str) {
    if user.role.data_scope() == DataScope::Team {
        qb.push(format!(" AND ({alias}.owner_id = "))
            .push_bind(user.id.0)
            .push(format!(" OR {alias}.owner_id IN (SELECT u.id FROM users u WHERE u.team IS NOT NULL AND u.team = (SELECT team FROM users WHERE id = "))
            .push_bind(user.id.0)
            .push(")))");
    }
}

/// The same limit as a condition with the user's id as the numbered parameter `param` (`$3`), for
/// hand-written SQL; empty for roles that see everything.
pub fn scope_sql(user: &CurrentUser, alias: &str, param: &str) -> String {
    if user.role.data_scope() == DataScope::Team {
        format!(
            " AND ({alias}.owner_id = {param} OR {alias}.owner_id IN (SELECT u.id FROM users u WHERE u.team IS NOT NULL AND u.team = (SELECT team FROM users WHERE id = {param})))"
        )
    } else {
        String::new()
    }
}

/// The same limit for any user: a condition that the user `u` (a row of `users`) may see the
/// record `r`, for asking who among several users may open a record (whom a note may notify).
/// Sales (`DataScope::Team`, checked by a test) see their own and their team's.
pub fn user_sees_sql(u: &str, r: &str) -> String {
    format!(
        "({u}.role <> 'sales' OR {r}.owner_id = {u}.id OR {r}.owner_id IN \
         (SELECT tu.id FROM users tu WHERE tu.team IS NOT NULL AND tu.team = {u}.team))"
    )
}

/// Refuses roles that may only read customer records.
pub fn require_edit(user: &CurrentUser) -> Result<(), AppError> {
    if user.role.can_edit_customers() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use crate::users::model::{DataScope, Role};

    #[test]
    fn only_sales_see_by_team_as_user_sees_sql_assumes() {
        for role in Role::ALL {
            assert_eq!(
                role.data_scope() == DataScope::Team,
                role.as_str() == "sales",
                "{role:?}"
            );
        }
    }
}
