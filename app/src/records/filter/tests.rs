//! The list filter's parsing: each bad part refused with its field, cursors, search terms, sorts.
use super::*;

static SQL: ListSql = ListSql {
    columns: "r.id",
    from: "t r",
    count_from: "t r",
    name: "r.name",
    sorts: &[
        ("name", "lower(r.name)", "text"),
        ("created", "r.created_at", "timestamptz"),
    ],
    export: &[],
    statuses: &["new", "won"],
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn parse(q: ListQuery) -> Result<ListFilter, AppError> {
    ListFilter::parse(&q, &SQL, today())
}

#[test]
fn a_status_the_list_does_not_have_is_refused() {
    let e = parse(ListQuery {
        status: "active".into(),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.field("status"), Some(Invalid::Choice));
    let f = parse(ListQuery {
        status: "won".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(f.status, Some("won"));
}

#[test]
fn a_signed_or_five_digit_year_is_refused() {
    for (field, raw) in [("from", "-5000-01-01"), ("to", "+12000-01-01")] {
        let mut q = ListQuery::default();
        match field {
            "from" => q.from = raw.into(),
            _ => q.to = raw.into(),
        }
        assert_eq!(
            parse(q).unwrap_err().field(field),
            Some(Invalid::Date),
            "{raw}"
        );
    }
}

#[test]
fn a_forged_cursor_is_a_bad_request() {
    let sorted = |sort: &str, after: String| ListQuery {
        sort: sort.into(),
        after,
        ..Default::default()
    };
    for after in [
        "zz".to_string(),
        "abc".to_string(),
        encode_cursor("yesterday", Uuid::nil()),
        encode_cursor("-5000-01-01 00:00:00+00", Uuid::nil()),
    ] {
        assert_eq!(
            parse(sorted("created", after.clone())).unwrap_err(),
            AppError::BadRequest,
            "{after}"
        );
    }
    assert_eq!(
        parse(sorted("name", encode_cursor("a\0b", Uuid::nil()))).unwrap_err(),
        AppError::BadRequest
    );
}

#[test]
fn a_cursor_made_from_a_postgres_timestamp_reads_back_exactly() {
    let id = Uuid::new_v4();
    for (text, micros) in [
        ("2026-11-25 10:00:00.123456+00", 123_456),
        ("2026-11-25 18:00:00+08", 0),
    ] {
        let c = decode_cursor(&encode_cursor(text, id), "timestamptz").unwrap();
        let SortValue::Time(t) = c.value else {
            panic!("a time")
        };
        assert_eq!(
            t.to_rfc3339(),
            format!(
                "2026-11-25T10:00:00{}+00:00",
                if micros > 0 { ".123456" } else { "" }
            )
        );
        assert_eq!(c.id, id);
    }
}

#[test]
fn overlong_text_and_nul_bytes_name_their_field() {
    let e = parse(ListQuery {
        q: "x".repeat(201),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.field("q"), Some(Invalid::TooLong { max: SEARCH_MAX }));
    let e = parse(ListQuery {
        tag: "a\0".into(),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.field("tag"), Some(Invalid::Characters));
    let e = parse(ListQuery {
        owner: "someone".into(),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.field("owner"), Some(Invalid::Choice));
}

#[test]
fn like_patterns_take_wildcards_and_backslashes_literally() {
    assert_eq!(like_escape(r"50%_off\now"), r"50\%\_off\\now");
    assert_eq!(like_containing("a_b"), r"%a\_b%");
    assert_eq!(like_prefix("w%"), r"w\%%");
}

#[test]
fn search_terms_are_classified_by_how_they_can_match() {
    let term = |q: &str| {
        parse(ListQuery {
            q: q.into(),
            ..Default::default()
        })
        .unwrap()
        .search
    };
    assert_eq!(term("  "), None, "blank is not a search");
    assert_eq!(
        term(" +86 (138) 0013 "),
        Some(SearchTerm::Phone("861380013".into()))
    );
    assert_eq!(term("王伟"), Some(SearchTerm::Bigram("王伟".into())));
    assert_eq!(term("Wa"), Some(SearchTerm::NamePrefix("wa".into())));
    assert_eq!(
        term("Sarha"),
        Some(SearchTerm::Substring {
            text: "sarha".into(),
            may_be_misspelt: true
        })
    );
    let short_number = term("1-2").unwrap();
    assert_eq!(
        short_number,
        SearchTerm::Substring {
            text: "1-2".into(),
            may_be_misspelt: false
        },
        "too few digits for a phone number, and no word to misspell"
    );
    assert!(!short_number.may_be_misspelt());
}

#[test]
fn the_sort_is_one_of_the_lists_columns_with_its_type() {
    let sort = |sort: &str, desc: bool| {
        parse(ListQuery {
            sort: sort.into(),
            desc,
            ..Default::default()
        })
        .unwrap()
        .sort
    };
    assert_eq!(
        sort("created", true),
        Sort {
            expr: "r.created_at",
            ty: SortType::Time,
            desc: true
        }
    );
    assert_eq!(
        sort("nonsense", false),
        Sort {
            expr: "lower(r.name)",
            ty: SortType::Text,
            desc: false
        },
        "an unknown column is the list's first"
    );
    assert_eq!(SortType::parse("integer"), Some(SortType::Int));
    assert_eq!(SortType::parse("jsonb"), None);
}

#[test]
fn an_owner_is_anyone_me_or_a_user_id() {
    assert_eq!(OwnerFilter::parse(" "), Ok(OwnerFilter::Anyone));
    assert_eq!(OwnerFilter::parse("me"), Ok(OwnerFilter::Me));
    let id = Uuid::new_v4();
    assert_eq!(
        OwnerFilter::parse(&id.to_string()),
        Ok(OwnerFilter::User(id))
    );
    assert_eq!(
        OwnerFilter::parse("you").unwrap_err().field("owner"),
        Some(Invalid::Choice)
    );
}
