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

#[test]
fn name_parts_join_into_the_full_name_and_a_full_name_column_wins() {
    let mapping = ["first_name", "last_name", "emails"].map(String::from);
    let input = |row: [&str; 3]| row_input(ImportKind::Contacts, &mapping, &row.map(String::from));
    assert_eq!(
        input(["Ada", "Lovelace", "a@x.io"])["full_name"],
        "Ada Lovelace"
    );
    assert_eq!(input(["伟", "王", ""])["full_name"], "王伟");
    assert!(ImportKind::Contacts.mapping_complete(&mapping));
    assert!(!ImportKind::Contacts.mapping_complete(&["emails".to_string()]));
    assert!(!ImportKind::Companies.mapping_complete(&["first_name".to_string()]));
    let both = ["full_name", "first_name", "last_name"].map(String::from);
    let row = ["Countess Ada", "Ada", "Lovelace"].map(String::from);
    assert_eq!(
        row_input(ImportKind::Leads, &both, &row)["full_name"],
        "Countess Ada"
    );
}

#[test]
fn values_map_onto_tags_statuses_and_stages() {
    let choices = [
        ValueChoice {
            from: "customer".into(),
            to: "Customer".into(),
        },
        ValueChoice {
            from: "subscriber".into(),
            to: String::new(),
        },
    ];
    let mut input = row_input(
        ImportKind::Contacts,
        &["full_name", "tags", "lifecycle"].map(String::from),
        &["Ada", "vip", "customer"].map(String::from),
    );
    apply_values(ImportKind::Contacts, &mut input, &choices);
    assert_eq!(
        (input["tags"].as_str(), input["lifecycle"].as_str()),
        ("vip, Customer", "")
    );
    // A value mapped to nothing adds no tag; one not listed is kept as written.
    for (raw, tags) in [("subscriber", ""), ("evangelist", "evangelist")] {
        let mut input = row_input(
            ImportKind::Contacts,
            &["full_name", "lifecycle"].map(String::from),
            &["Ada", raw].map(String::from),
        );
        apply_values(ImportKind::Contacts, &mut input, &choices);
        assert_eq!(input["tags"], tags, "{raw}");
    }
    let mut lead = row_input(
        ImportKind::Leads,
        &["full_name", "status"].map(String::from),
        &["Ada", "OPEN_DEAL"].map(String::from),
    );
    let open = [ValueChoice {
        from: "OPEN_DEAL".into(),
        to: "qualified".into(),
    }];
    apply_values(ImportKind::Leads, &mut lead, &open);
    assert_eq!(lead["status"], "qualified");
}

#[test]
fn a_rows_extras_are_read_and_refused_with_its_form() {
    let mapping = [
        "full_name",
        "external_id",
        "owner",
        "created_at",
        "company_external_id",
    ]
    .map(String::from);
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let row = |cells: [&str; 5]| {
        parse_row(
            ImportKind::Contacts,
            &row_input(ImportKind::Contacts, &mapping, &cells.map(String::from)),
            today,
        )
    };
    let ok = row(["Ada", "101", "Lin Wei", "2024-01-05 10:22", "77; 78"]).unwrap();
    assert_eq!(ok.extras.external_id.as_deref(), Some("101"));
    assert_eq!(ok.extras.owner.as_deref(), Some("Lin Wei"));
    assert_eq!(ok.extras.company_external_id.as_deref(), Some("77"));
    assert_eq!(
        ok.extras.created_at.map(|t| t.to_rfc3339()),
        Some("2024-01-05T10:22:00+00:00".into())
    );
    let long = "9".repeat(201);
    let e = row(["", &long, "", "2030-01-01", ""]).unwrap_err();
    assert_eq!(e.field("full_name"), Some(Invalid::Required));
    assert_eq!(e.field("external_id"), Some(Invalid::TooLong { max: 200 }));
    assert_eq!(e.field("created_at"), Some(Invalid::Date));
}

#[test]
fn a_note_needs_its_text() {
    let mapping = ["body", "occurred_at", "contact_external_id"].map(String::from);
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let read = |cells: [&str; 3]| {
        parse_row(
            ImportKind::Notes,
            &row_input(ImportKind::Notes, &mapping, &cells.map(String::from)),
            today,
        )
    };
    let ok = read(["Called about the renewal", "2025-03-02", "101"]).unwrap();
    assert!(
        matches!(ok.record, Parsed::Note(ref n) if n.body.as_deref() == Some("Called about the renewal"))
    );
    assert_eq!(ok.extras.contact_external_id.as_deref(), Some("101"));
    assert_eq!(
        read(["", "", "101"]).unwrap_err().field("body"),
        Some(Invalid::Required)
    );
}

#[test]
fn a_headcount_becomes_a_size_band() {
    let band = |n: &str| {
        row_input(
            ImportKind::Companies,
            &["name", "size"].map(String::from),
            &["Acme", n].map(String::from),
        )["size"]
            .clone()
    };
    assert_eq!(band("250"), "201-1000");
    assert_eq!(band("10"), "1-10");
    assert_eq!(band("5,000"), "1000+");
    assert_eq!(band("51-200"), "51-200");
}
