//! `/api/v1/leads`: the leads domain's code, as the UI's server functions call it (conversion
//! stays on the lead's page).
use app::leads::model::{Lead, LeadId, LeadInput, LeadRow};

record_kind!(
    Leads,
    Leads,
    leads,
    Lead,
    LeadId,
    LeadRow,
    LeadInput,
    |input| input.parse()
);

record_routes!(
    Leads,
    "leads",
    "/leads",
    "/leads/{id}",
    Lead,
    LeadRow,
    LeadInput
);
