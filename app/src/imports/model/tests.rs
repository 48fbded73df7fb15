//! Tests of column guesses, mapping and row parsing of imports.
use super::*;

#[test]
fn headers_in_english_and_chinese_map_to_fields() {
    let headers: Vec<String> = [
        "姓名",
        "E-mail",
        "Mobile",
        "Phone",
        "公司名称",
        "Shoe size",
        "Name",
    ]
    .map(String::from)
    .to_vec();
    let mapping = guess_mapping(ImportKind::Contacts, &headers);
    assert_eq!(
        mapping,
        ["full_name", "emails", "phones", "phones", "company", "", ""]
    );
    let row = [
        "王伟",
        "w@x.cn",
        "138 0000 0000",
        "010-1234",
        "华信",
        "42",
        "Other",
    ]
    .map(String::from);
    let input = row_input(ImportKind::Contacts, &mapping, &row);
    assert_eq!(
        (
            input["full_name"].as_str(),
            input["phones"].as_str(),
            input["company"].as_str()
        ),
        ("王伟", "138 0000 0000, 010-1234", "华信")
    );
    assert!(matches!(
        parse_form(ImportKind::Contacts, &input, NaiveDate::MIN),
        Ok(Parsed::Contact(d)) if d.phones.len() == 2
    ));
}

#[test]
fn each_kind_guesses_its_own_fields() {
    let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        guess_mapping(
            ImportKind::Companies,
            &headers(&["公司名称", "行业", "官网", "电话", "规模"])
        ),
        ["name", "industry", "website", "phone", "size"]
    );
    assert_eq!(
        guess_mapping(
            ImportKind::Leads,
            &headers(&["Name", "Company", "Status", "Email"])
        ),
        ["full_name", "company_name", "status", "emails"]
    );
    assert_eq!(
        guess_mapping(
            ImportKind::Deals,
            &headers(&["商机名称", "金额", "币种", "客户名称", "预计成交日期"])
        ),
        [
            "title",
            "value",
            "currency",
            "company",
            "expected_close_date"
        ]
    );
    let row = ["Tea for 20", "12,000.50", "CNY", "华信科技", "2027-01-31"].map(String::from);
    let input = row_input(
        ImportKind::Deals,
        &[
            "title",
            "value",
            "currency",
            "company",
            "expected_close_date",
        ]
        .map(String::from),
        &row,
    );
    match parse_form(ImportKind::Deals, &input, NaiveDate::MIN) {
        Ok(Parsed::Deal(d, company)) => {
            assert_eq!((d.title.as_str(), d.value_minor), ("Tea for 20", 1_200_050));
            assert_eq!(company.as_deref(), Some("华信科技"));
        }
        other => panic!("{other:?}"),
    }
    let mut bad = input.clone();
    bad.insert("value".into(), "a lot".into());
    assert_eq!(
        parse_form(ImportKind::Deals, &bad, NaiveDate::MIN)
            .unwrap_err()
            .field("value"),
        Some(Invalid::Amount)
    );
}
