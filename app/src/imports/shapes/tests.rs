//! Tests of export shapes: each product's headers recognised and mapped, names joined.
use super::*;

fn guess(kind: ImportKind, headers: &[&str]) -> (Shape, Vec<String>) {
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    (detect(&headers), guess_mapping(kind, &headers))
}

#[test]
fn a_hubspot_contacts_export_maps_every_column() {
    let (shape, mapping) = guess(
        ImportKind::Contacts,
        &[
            "Record ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone Number",
            "Company Name",
            "Job Title",
            "Lifecycle Stage",
            "Contact owner",
            "Create Date",
            "Associated Company IDs",
        ],
    );
    assert_eq!(shape, Shape::HubSpot);
    assert_eq!(
        mapping,
        [
            "external_id",
            "first_name",
            "last_name",
            "emails",
            "phones",
            "company",
            "title",
            "lifecycle",
            "owner",
            "created_at",
            "company_external_id"
        ]
    );
}

#[test]
fn a_salesforce_export_takes_the_account_for_the_company() {
    let (shape, mapping) = guess(
        ImportKind::Contacts,
        &[
            "Contact ID",
            "First Name",
            "Last Name",
            "Title",
            "Account Name",
            "Account ID",
            "Email",
            "Phone",
            "Mailing City",
            "Lead Source",
        ],
    );
    assert_eq!(shape, Shape::Salesforce);
    assert_eq!(
        mapping,
        [
            "external_id",
            "first_name",
            "last_name",
            "title",
            "company",
            "company_external_id",
            "emails",
            "phones",
            "address",
            "source"
        ]
    );
}

#[test]
fn pipedrive_prefixes_and_suffixes_are_read_for_the_kind_imported() {
    let headers = [
        "Person - ID",
        "Person - Name",
        "Person - Email - Work",
        "Person - Phone - Work",
        "Person - Phone - Mobile",
        "Organization - Name",
        "Organization - ID",
        "Person - Job title",
        "Person - Owner",
    ];
    let (shape, mapping) = guess(ImportKind::Contacts, &headers);
    assert_eq!(shape, Shape::Pipedrive);
    assert_eq!(
        mapping,
        [
            "external_id",
            "full_name",
            "emails",
            "phones",
            "phones",
            "company",
            "company_external_id",
            "title",
            "owner"
        ]
    );
    // The same organisation columns are the company's own in an organisations export.
    let (_, mapping) = guess(
        ImportKind::Companies,
        &[
            "Organization - ID",
            "Organization - Name",
            "Organization - Owner",
        ],
    );
    assert_eq!(mapping, ["external_id", "name", "owner"]);
    let (_, mapping) = guess(
        ImportKind::Deals,
        &[
            "Deal - ID",
            "Deal - Title",
            "Deal - Value",
            "Deal - Currency",
            "Deal - Stage",
            "Deal - Organization",
            "Organization - ID",
            "Person - ID",
            "Deal - Deal created",
        ],
    );
    assert_eq!(
        mapping,
        [
            "external_id",
            "title",
            "value",
            "currency",
            "stage",
            "company",
            "company_external_id",
            "contact_external_id",
            "created_at"
        ]
    );
}

#[test]
fn twenty_zoho_and_wukong_exports_are_recognised() {
    let (shape, mapping) = guess(
        ImportKind::Contacts,
        &[
            "Id",
            "Name / First Name",
            "Name / Last Name",
            "Emails / Primary Email",
            "Phones / Primary Phone Number",
            "Job Title",
            "Company Id",
            "Created At",
        ],
    );
    assert_eq!(shape, Shape::Twenty);
    assert_eq!(
        mapping,
        [
            "external_id",
            "first_name",
            "last_name",
            "emails",
            "phones",
            "title",
            "company_external_id",
            "created_at"
        ]
    );
    let (shape, mapping) = guess(
        ImportKind::Contacts,
        &[
            "Record Id",
            "Contact Owner",
            "First Name",
            "Last Name",
            "Account Name",
            "Account Name.id",
            "Email",
            "Mobile",
            "Created Time",
        ],
    );
    assert_eq!(shape, Shape::Zoho);
    assert_eq!(
        mapping,
        [
            "external_id",
            "owner",
            "first_name",
            "last_name",
            "company",
            "company_external_id",
            "emails",
            "phones",
            "created_at"
        ]
    );
    let (shape, mapping) = guess(
        ImportKind::Contacts,
        &[
            "姓名",
            "客户名称",
            "手机",
            "电子邮箱",
            "职务",
            "负责人",
            "创建时间",
            "客户级别",
        ],
    );
    assert_eq!(shape, Shape::Wukong);
    assert_eq!(
        mapping,
        [
            "full_name",
            "company",
            "phones",
            "emails",
            "title",
            "owner",
            "created_at",
            "lifecycle"
        ]
    );
    assert_eq!(
        guess(ImportKind::Contacts, &["Name", "Email"]).0,
        Shape::Spreadsheet
    );
}

#[test]
fn names_join_in_the_order_their_language_writes_them() {
    assert_eq!(join_name("Ada", "Lovelace"), "Ada Lovelace");
    assert_eq!(join_name("伟", "王"), "王伟");
    assert_eq!(join_name(" Ada ", ""), "Ada");
    assert_eq!(join_name("", "王"), "王");
}
