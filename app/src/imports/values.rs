//! First guesses for the values of a file's valued field: which of Keel's lead statuses or
//! pipeline stages each value the old system wrote means. A value without a guess is listed as not
//! recognised before the import runs.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::shapes::squash;

/// A deal's stage value may also close it: "won" or "lost" (in the pipeline's last stage).
pub const WON: &str = "won";
pub const LOST: &str = "lost";

/// A pipeline deals may be imported into, with its open stages in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPipeline {
    pub id: Uuid,
    pub name: String,
    pub stages: Vec<(Uuid, String)>,
}

/// The lead status a value means: Keel's own names, HubSpot's and Salesforce's lead statuses, and
/// WukongCRM's Chinese ones.
pub fn guess_status(value: &str) -> Option<&'static str> {
    Some(match squash(value).as_str() {
        "new" | "open" | "notcontacted" | "新线索" | "新建" | "未处理" | "未跟进" => {
            "new"
        }
        "working" | "attemptedtocontact" | "connected" | "inprogress" | "contacted"
        | "workingcontacted" | "跟进中" | "已联系" | "联系中" => "working",
        "qualified"
        | "opendeal"
        | "salesqualifiedlead"
        | "marketingqualifiedlead"
        | "closedconverted"
        | "converted"
        | "已转化"
        | "有效"
        | "已确认" => "qualified",
        "disqualified" | "unqualified" | "badtiming" | "closednotconverted" | "junk" | "lost"
        | "无效" | "已失效" | "丢失" => "disqualified",
        _ => return None,
    })
}

/// The stage a value means in a pipeline: one named the same (or whose name has it as a word,
/// "Qualified 已确认" for "qualified"), a name the value starts with ("qualifiedtobuy"), or a
/// closed deal's "won" or "lost" (HubSpot's closedwon, Pipedrive's Won).
pub fn guess_stage(value: &str, stages: &[(Uuid, String)]) -> Option<String> {
    let v = squash(value);
    if v.is_empty() {
        return None;
    }
    match v.as_str() {
        "won" | "closedwon" | "赢单" | "成交" | "已成交" => return Some(WON.into()),
        "lost" | "closedlost" | "输单" | "丢单" | "失败" => return Some(LOST.into()),
        _ => {}
    }
    let words = |name: &str| -> Vec<String> {
        let mut w: Vec<String> = name.split_whitespace().map(squash).collect();
        w.push(squash(name));
        w
    };
    let find = |ok: &dyn Fn(&str) -> bool| {
        stages
            .iter()
            .find(|(_, name)| words(name).iter().any(|w| ok(w)))
            .map(|(id, _)| id.to_string())
    };
    find(&|w| w == v).or_else(|| find(&|w| w.len() >= 4 && v.starts_with(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_statuses_of_other_products_are_recognised() {
        assert_eq!(guess_status("OPEN_DEAL"), Some("qualified"));
        assert_eq!(guess_status("Attempted to Contact"), Some("working"));
        assert_eq!(guess_status("Closed - Not Converted"), Some("disqualified"));
        assert_eq!(guess_status("跟进中"), Some("working"));
        assert_eq!(guess_status("Mystery"), None);
    }

    #[test]
    fn stages_are_found_by_name_word_or_prefix_and_closed_deals_by_outcome() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        let stages = vec![
            (ids[0], "Lead 线索".to_string()),
            (ids[1], "Qualified 已确认".to_string()),
            (ids[2], "Proposal Made".to_string()),
        ];
        let id = |i: usize| Some(ids[i].to_string());
        assert_eq!(guess_stage("qualifiedtobuy", &stages), id(1));
        assert_eq!(guess_stage("线索", &stages), id(0));
        assert_eq!(guess_stage("Proposal made", &stages), id(2));
        assert_eq!(guess_stage("closedwon", &stages), Some(WON.into()));
        assert_eq!(guess_stage("Lost", &stages), Some(LOST.into()));
        assert_eq!(guess_stage("appointmentscheduled", &stages), None);
        assert_eq!(guess_stage("", &stages), None);
    }
}
