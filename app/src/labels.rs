//! The names of record fields in the reader's language, for pages that show changes or columns of
//! any kind of record (history, merge, import mapping). Knows field keys and translations only.
use leptos_i18n::I18nContext;

use crate::i18n::*;

/// A changed field's name in the reader's language (the stored key if it has none).
/// `deal`: the change is a deal's (its `title` is the deal's, not a job title).
pub fn field_label(i18n: I18nContext<Locale>, key: &str, deal: bool) -> String {
    match key {
        "title" if deal => t_string!(i18n, deals.deal_title),
        "value_minor" | "value" => t_string!(i18n, deals.value),
        "currency" => t_string!(i18n, deals.currency),
        "expected_close_date" => t_string!(i18n, deals.close_date),
        "probability" => t_string!(i18n, deals.probability),
        "full_name" => t_string!(i18n, contacts.full_name),
        "title" => t_string!(i18n, contacts.job_title),
        "company" | "company_name" => t_string!(i18n, contacts.col_company),
        "emails" => t_string!(i18n, contacts.emails),
        "phones" => t_string!(i18n, contacts.phones),
        "tags" => t_string!(i18n, contacts.tags),
        "source" => t_string!(i18n, contacts.source),
        "birthday" => t_string!(i18n, contacts.birthday),
        "address" => t_string!(i18n, contacts.address),
        "notes" => t_string!(i18n, contacts.notes),
        "name" => t_string!(i18n, companies.name),
        "industry" => t_string!(i18n, companies.industry),
        "size" => t_string!(i18n, companies.size),
        "website" => t_string!(i18n, companies.website),
        "phone" => t_string!(i18n, companies.phone),
        "status" => t_string!(i18n, leads.status),
        "stage" => t_string!(i18n, activities.stage),
        "lost_reason" => t_string!(i18n, pipeline.lost_reason),
        "converted_contact_id" | "converted_deal_id" => t_string!(i18n, leads.converted),
        "merged" => t_string!(i18n, merge.merged),
        "merged_into" => t_string!(i18n, merge.merged_into),
        "moved_timeline" => t_string!(i18n, merge.moved_timeline),
        "moved_tasks" => t_string!(i18n, merge.moved_tasks),
        "moved_deals" => t_string!(i18n, merge.moved_deals),
        "moved_contacts" => t_string!(i18n, merge.moved_contacts),
        "first_name" => t_string!(i18n, imports.f_first_name),
        "last_name" => t_string!(i18n, imports.f_last_name),
        "external_id" => t_string!(i18n, imports.f_external_id),
        "company_external_id" => t_string!(i18n, imports.f_company_external_id),
        "contact_external_id" => t_string!(i18n, imports.f_contact_external_id),
        "deal_external_id" => t_string!(i18n, imports.f_deal_external_id),
        "lifecycle" => t_string!(i18n, imports.f_lifecycle),
        "owner" => t_string!(i18n, contacts.col_owner),
        "created_at" => t_string!(i18n, imports.f_created_at),
        "follow_up" => t_string!(i18n, imports.f_follow_up),
        "occurred_at" => t_string!(i18n, imports.f_occurred_at),
        "author" => t_string!(i18n, imports.f_author),
        "subject" => t_string!(i18n, activities.subject),
        "body" => t_string!(i18n, activities.body),
        other => return other.to_string(),
    }
    .to_string()
}

/// A lead's status in the reader's language.
pub fn lead_status(l: Locale, status: &str) -> String {
    match status {
        "new" => td_string!(l, leads.status_new),
        "working" => td_string!(l, leads.status_working),
        "qualified" => td_string!(l, leads.status_qualified),
        _ => td_string!(l, leads.status_disqualified),
    }
    .to_string()
}
