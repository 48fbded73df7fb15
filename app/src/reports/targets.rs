//! Sales targets (管理员/经理 settings): a year's won-value target per user or team in one currency,
//! as twelve monthly amounts; the dashboard and the targets report read them.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{AppError, Invalid};
use crate::money::Money;

/// A target as typed: whose (`user:<id>` or `team:<name>`), the year, the currency and the
/// twelve months in major units (empty for none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInput {
    pub whose: String,
    pub year: String,
    pub currency: String,
    #[serde(default)]
    pub months: Vec<String>,
}

/// Whose target: a user's or a team's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Owner {
    User(Uuid),
    Team(String),
}

impl Owner {
    pub fn key(&self) -> String {
        match self {
            Owner::User(u) => format!("user:{u}"),
            Owner::Team(t) => format!("team:{t}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub owner: Owner,
    pub year: i32,
    pub currency: String,
    pub months: [i64; 12],
}

impl TargetInput {
    pub fn parse(&self) -> Result<Target, AppError> {
        let owner = match self.whose.split_once(':') {
            Some(("user", id)) => Owner::User(
                Uuid::parse_str(id).map_err(|_| AppError::invalid("whose", Invalid::Choice))?,
            ),
            Some(("team", t)) if !t.trim().is_empty() && t.chars().count() <= 100 => {
                Owner::Team(t.trim().to_string())
            }
            _ => return Err(AppError::invalid("whose", Invalid::Choice)),
        };
        let year = self
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| AppError::invalid("year", Invalid::Number))?;
        let currency = crate::money::parse_currency(&self.currency)
            .ok_or_else(|| AppError::invalid("currency", Invalid::Choice))?;
        if self.months.len() > 12 {
            return Err(AppError::invalid("months", Invalid::Target));
        }
        let mut months = [0i64; 12];
        for (i, m) in self.months.iter().enumerate() {
            months[i] = match m.trim() {
                "" => 0,
                t => Money::parse_major(t).ok_or_else(|| {
                    AppError::invalid(&format!("month{}", i + 1), Invalid::Amount)
                })?,
            };
        }
        Ok(Target {
            owner,
            year,
            currency,
            months,
        })
    }
}

/// A saved target as the settings page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRow {
    pub owner: Owner,
    /// The user's name or the team.
    pub name: String,
    pub year: i32,
    pub currency: String,
    pub months: Vec<i64>,
    pub version: i32,
}

/// The targets of a year, and whom a target may be set for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetsPage {
    pub year: i32,
    pub rows: Vec<TargetRow>,
    pub users: Vec<(Uuid, String)>,
    pub teams: Vec<String>,
}

/// Only administrators and managers set targets.
pub fn may_set_targets(role: crate::users::model::Role) -> bool {
    use crate::users::model::Role;
    matches!(role, Role::Admin | Role::Manager)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: AppError) -> String {
        match e {
            AppError::Validation { fields } => fields.into_keys().collect::<Vec<_>>().join(","),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_target_is_parsed_into_twelve_amounts_and_refuses_each_bad_part() {
        let ok = TargetInput {
            whose: "team:West".into(),
            year: "2026".into(),
            currency: "cny".into(),
            months: vec!["12,500".into(), "".into(), "0.5".into()],
        }
        .parse()
        .unwrap();
        assert_eq!(ok.owner, Owner::Team("West".into()));
        assert_eq!((ok.year, ok.currency.as_str()), (2026, "CNY"));
        assert_eq!(&ok.months[..4], &[1_250_000, 0, 50, 0]);
        let base = || TargetInput {
            whose: "team:West".into(),
            year: "2026".into(),
            currency: "CNY".into(),
            months: vec![],
        };
        assert_eq!(
            field(
                TargetInput {
                    whose: "user:x".into(),
                    ..base()
                }
                .parse()
                .unwrap_err()
            ),
            "whose"
        );
        assert_eq!(
            field(
                TargetInput {
                    whose: "nobody".into(),
                    ..base()
                }
                .parse()
                .unwrap_err()
            ),
            "whose"
        );
        assert_eq!(
            field(
                TargetInput {
                    year: "1999".into(),
                    ..base()
                }
                .parse()
                .unwrap_err()
            ),
            "year"
        );
        assert_eq!(
            field(
                TargetInput {
                    currency: "XYZ".into(),
                    ..base()
                }
                .parse()
                .unwrap_err()
            ),
            "currency"
        );
        assert_eq!(
            field(
                TargetInput {
                    months: vec!["-5".into()],
                    ..base()
                }
                .parse()
                .unwrap_err()
            ),
            "month1"
        );
        assert_eq!(
            field(
                TargetInput {
                    months: vec!["1".into(); 13],
                    ..base()
                }
                .parse()
                .unwrap_err()
            ),
            "months"
        );
    }
}
