//! `/api/v1/companies`: the companies domain's code, as the UI's server functions call it.
use app::companies::model::{Company, CompanyId, CompanyInput, CompanyRow};

record_kind!(
    Companies,
    Companies,
    companies,
    Company,
    CompanyId,
    CompanyRow,
    CompanyInput,
    |input| input.parse()
);

record_routes!(
    Companies,
    "companies",
    "/companies",
    "/companies/{id}",
    Company,
    CompanyRow,
    CompanyInput
);
