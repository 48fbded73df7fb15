//! The access matrix's rows for the service desk: tickets, their settings, the customers' pages
//! (open to anyone), notifications and return visits.
use uuid::Uuid;

use super::E::*;
use super::fixtures::Fx;
use super::matrix::{Row, form, row};
use super::{ADMIN, ADMIN_EDIT, READ_EAST, SIGNED_IN, Who};

fn with_shows(mut r: Row, shows: &'static [(Who, &'static str)]) -> Row {
    r.shows = shows;
    r
}

pub(super) fn desk_rows(fx: &Fx) -> Vec<Row> {
    let (company, contact, ticket) = (fx.company, fx.contact, fx.ticket);
    let nowhere = Uuid::nil();
    vec![
        // Tickets: agents work them; sales read their customers' and may add notes.
        with_shows(
            row("list_tickets", form("query[queue]=open"), SIGNED_IN),
            &[
                (Who::Owner, "EAST-SECRET ticket"),
                (Who::Support, "WEST-SECRET ticket"),
            ],
        ),
        row("get_ticket", form(format!("id={ticket}")), READ_EAST),
        row(
            "create_ticket",
            form("input[subject]=Matrix"),
            [U, F, F, F, F, D, D, D],
        ),
        row(
            "triage_ticket",
            form(format!(
                "id={ticket}&version=99&input[status]=open&input[priority]=high"
            )),
            [U, F, F, F, F, C, C, C],
        ),
        row(
            "delete_ticket",
            form(format!("id={ticket}&version=99")),
            [U, F, F, F, F, C, C, C],
        ),
        row(
            "bulk_triage_tickets",
            form(format!("input[ids][0]={nowhere}&input[status]=open")),
            [U, F, F, F, F, N, N, N],
        ),
        row(
            "add_ticket_message",
            form(format!("id={ticket}&kind=note&body=Matrix")),
            [U, F, D, D, N, D, D, D],
        ),
        row(
            "add_ticket_message",
            form(format!("id={ticket}&kind=reply&body=")),
            [U, I, I, I, I, I, I, I],
        ),
        with_shows(
            row(
                "contact_tickets",
                form(format!("contact={contact}")),
                SIGNED_IN,
            ),
            &[(Who::Owner, "EAST-SECRET ticket")],
        ),
        with_shows(
            row(
                "company_tickets",
                form(format!("company={company}")),
                SIGNED_IN,
            ),
            &[
                (Who::Owner, "EAST-SECRET ticket"),
                (Who::Admin, "WEST-SECRET ticket"),
            ],
        ),
        row("desk_settings", form(""), ADMIN),
        // The customer's side of the desk: open to anyone, each answer from the link or form alone.
        row("web_form_open", form("team=Matrix"), [N; 8]),
        row("submit_web_ticket", form("input[team]=Matrix"), [I; 8]),
        row(
            "followed_ticket",
            form(format!("token={nowhere}.00")),
            [N; 8],
        ),
        row(
            "reply_web_ticket",
            form(format!("token={nowhere}.00&body=Hi")),
            [N; 8],
        ),
        row("open_rating", form(format!("token={nowhere}.1.00")), [N; 8]),
        row(
            "rate_ticket",
            form(format!("token={nowhere}.1.00&score=5&comment=")),
            [N; 8],
        ),
        // Notifications: each user reads and marks their own.
        with_shows(
            row("notifications", form(""), SIGNED_IN),
            &[(Who::Owner, "EAST-SECRET notice")],
        ),
        row(
            "mark_notifications_read",
            form(format!("id={nowhere}")),
            [U, N, N, N, N, N, N, N],
        ),
        row("mark_notifications_read", form(""), SIGNED_IN),
        row(
            "save_sla_policy",
            form(format!(
                "id={nowhere}&version=1&input[name]=M&input[zone]=UTC&input[mon_from]=09:00&input[mon_to]=17:00\
                 &input[urgent_first]=1&input[urgent_resolve]=2&input[high_first]=1&input[high_resolve]=2\
                 &input[normal_first]=1&input[normal_resolve]=2&input[low_first]=1&input[low_resolve]=2"
            )),
            [U, F, F, F, F, F, F, N],
        ),
        row("save_team_rule", form("team=Matrix&rule=manual"), ADMIN),
        row("save_desk_options", form("days=7&version=99"), ADMIN_EDIT),
        row(
            "record_visit",
            form(format!("task={nowhere}&input[outcome]=connected")),
            [U, F, N, N, N, N, N, N],
        ),
    ]
}
