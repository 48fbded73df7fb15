//! Pipelines and stages as Settings edits them, and what a change to them announces.
use serde::{Deserialize, Serialize};

use crate::deals::model::{PipelineId, StageId};
use crate::error::{AppError, Invalid};
use crate::records::fields::Fields;

/// The longest pipeline or stage name: checked when parsed, stated by the form (`maxlength`).
pub const NAME_MAX: u32 = 200;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineSettings {
    pub id: PipelineId,
    pub name: String,
    /// Bumped by every change to the pipeline or its stages.
    pub version: i32,
    pub stages: Vec<StageSettings>,
}

/// What a change to a pipeline's name or stages announces: boards showing it reload as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsChanged {
    pub pipeline: PipelineId,
    /// The pipeline's settings version after the change.
    pub settings: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StageSettings {
    pub id: StageId,
    pub name: String,
    pub win_probability: i16,
    pub rotting_days: Option<i32>,
    pub colour: Option<String>,
    /// Open deals in the stage (they move when it is archived).
    pub open_deals: i64,
}

/// A stage's form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageInput {
    pub name: String,
    #[serde(default)]
    pub win_probability: String,
    #[serde(default)]
    pub rotting_days: String,
    #[serde(default)]
    pub colour: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageDraft {
    pub name: String,
    pub win_probability: i16,
    pub rotting_days: Option<i32>,
    pub colour: Option<String>,
}

impl StageInput {
    pub fn parse(&self) -> Result<StageDraft, AppError> {
        let mut f = Fields::default();
        let name = f.required("name", &self.name, NAME_MAX);
        let win_probability = match self.win_probability.trim().trim_end_matches('%').trim() {
            "" => 0,
            t => t
                .parse::<i16>()
                .ok()
                .filter(|p| (0..=100).contains(p))
                .unwrap_or_else(|| {
                    f.fail("win_probability", Invalid::Percent);
                    0
                }),
        };
        let rotting_days = match self.rotting_days.trim() {
            "" => None,
            t => match t.parse::<i32>() {
                Ok(d) if (1..=3650).contains(&d) => Some(d),
                _ => {
                    f.fail("rotting_days", Invalid::Days);
                    None
                }
            },
        };
        let colour = match self.colour.trim() {
            "" => None,
            t if t.len() == 7
                && t.starts_with('#')
                && t[1..].chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                Some(t.to_lowercase())
            }
            _ => {
                f.fail("colour", Invalid::Colour);
                None
            }
        };
        f.finish(StageDraft {
            name,
            win_probability,
            rotting_days,
            colour,
        })
    }
}

impl From<&StageSettings> for StageInput {
    fn from(s: &StageSettings) -> Self {
        StageInput {
            name: s.name.clone(),
            win_probability: s.win_probability.to_string(),
            rotting_days: s.rotting_days.map(|d| d.to_string()).unwrap_or_default(),
            colour: s.colour.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_form_checks_each_field() {
        let ok = StageInput {
            name: " Demo ".into(),
            win_probability: "35%".into(),
            rotting_days: "14".into(),
            colour: "#3366FF".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(
            ok,
            StageDraft {
                name: "Demo".into(),
                win_probability: 35,
                rotting_days: Some(14),
                colour: Some("#3366ff".into())
            }
        );
        let e = StageInput {
            name: "".into(),
            win_probability: "101".into(),
            rotting_days: "0".into(),
            colour: "blue".into(),
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field("name"), Some(Invalid::Required));
        assert_eq!(e.field("win_probability"), Some(Invalid::Percent));
        assert_eq!(e.field("rotting_days"), Some(Invalid::Days));
        assert_eq!(e.field("colour"), Some(Invalid::Colour));
    }
}
