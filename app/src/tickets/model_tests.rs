//! The ticket forms' parsing.
use super::*;

#[test]
fn a_bulk_change_names_tickets_and_something_to_change_from_known_choices() {
    let one = vec![TicketId(Uuid::from_u128(1)); 2];
    let e = BulkInput::default().parse().unwrap_err();
    assert_eq!(e.field("ids"), Some(Invalid::Required));
    assert_eq!(e.field("status"), Some(Invalid::Required));
    let e = BulkInput {
        ids: one.clone(),
        status: "gone".into(),
        assignee: "someone".into(),
        ..Default::default()
    }
    .parse()
    .unwrap_err();
    assert_eq!(e.field("status"), Some(Invalid::Choice));
    assert_eq!(e.field("assignee"), Some(Invalid::Choice));
    let b = BulkInput {
        ids: one,
        priority: "high".into(),
        assignee: "none".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    assert_eq!(b.ids.len(), 1, "each ticket once");
    assert_eq!(
        (b.status, b.priority, b.assignee),
        (None, Some("high".into()), Some(None))
    );
    let many = BulkInput {
        ids: (0..=BULK_MAX as u128)
            .map(|i| TicketId(Uuid::from_u128(i)))
            .collect(),
        status: "open".into(),
        ..Default::default()
    };
    assert_eq!(many.parse().unwrap_err(), AppError::BadRequest);
}

#[test]
fn a_ticket_needs_a_subject_and_known_choices() {
    let e = TicketInput {
        channel: "fax".into(),
        priority: "asap".into(),
        contact_id: "nope".into(),
        ..Default::default()
    }
    .parse()
    .unwrap_err();
    assert_eq!(e.field("subject"), Some(Invalid::Required));
    assert_eq!(e.field("channel"), Some(Invalid::Choice));
    assert_eq!(e.field("priority"), Some(Invalid::Choice));
    assert_eq!(e.field("customer"), Some(Invalid::NoCustomer));
    let ok = TicketInput {
        subject: " Printer offline ".into(),
        customer: "li.na@example.cn".into(),
        tags: "vip, printer".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    assert_eq!(ok.subject, "Printer offline");
    assert_eq!(ok.customer, CustomerRef::Typed("li.na@example.cn".into()));
    assert_eq!(
        (ok.channel.as_str(), ok.kind.as_str(), ok.priority.as_str()),
        ("phone", "question", "normal")
    );
}

#[test]
fn a_triage_takes_only_known_statuses_and_a_user_id() {
    let e = TriageInput {
        status: "done".into(),
        priority: "high".into(),
        assignee: "bob".into(),
        ..Default::default()
    }
    .parse()
    .unwrap_err();
    assert_eq!(e.field("status"), Some(Invalid::Choice));
    assert_eq!(e.field("assignee"), Some(Invalid::Choice));
    assert_eq!(
        parse_message("reply", "  ").unwrap_err().field("body"),
        Some(Invalid::Required)
    );
    assert_eq!(Queue::parse("breached"), Queue::Breached);
    assert_eq!(Queue::parse("x"), Queue::Open);
}
