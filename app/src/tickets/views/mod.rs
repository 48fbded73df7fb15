//! Service desk pages: the queues, a ticket with its conversation, the new-ticket form, and the
//! tickets listed on a customer's page; with the labels and the service clock they share.
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::i18n::*;

mod bulk;
mod new;
mod public;
mod queue;
mod settings;
mod ticket;

pub use new::NewTicketPage;
pub use public::{FollowPage, RatePage, WebFormPage};
pub use queue::{CompanyTickets, ContactTickets, TicketsPage};
pub use settings::DeskSettingsPage;
pub use ticket::TicketPage;

pub(crate) fn status_label(l: Locale, s: &str) -> &'static str {
    match s {
        "new" => td_string!(l, tickets.status_new),
        "open" => td_string!(l, tickets.status_open),
        "waiting_customer" => td_string!(l, tickets.status_waiting_customer),
        "waiting_third_party" => td_string!(l, tickets.status_waiting_third_party),
        "resolved" => td_string!(l, tickets.status_resolved),
        _ => td_string!(l, tickets.status_closed),
    }
}

pub(crate) fn priority_label(l: Locale, s: &str) -> &'static str {
    match s {
        "urgent" => td_string!(l, tickets.priority_urgent),
        "high" => td_string!(l, tickets.priority_high),
        "normal" => td_string!(l, tickets.priority_normal),
        _ => td_string!(l, tickets.priority_low),
    }
}

pub(crate) fn channel_label(l: Locale, s: &str) -> &'static str {
    match s {
        "phone" => td_string!(l, tickets.channel_phone),
        "email" => td_string!(l, tickets.channel_email),
        "web" => td_string!(l, tickets.channel_web),
        "walk_in" => td_string!(l, tickets.channel_walk_in),
        _ => td_string!(l, tickets.channel_chat),
    }
}

pub(crate) fn kind_label(l: Locale, s: &str) -> &'static str {
    match s {
        "question" => td_string!(l, tickets.kind_question),
        "incident" => td_string!(l, tickets.kind_incident),
        "problem" => td_string!(l, tickets.kind_problem),
        _ => td_string!(l, tickets.kind_request),
    }
}

/// A value drawn as a badge: its class names the value (`priority-urgent`), its text is its label.
pub(crate) fn badge(
    prefix: &'static str,
    value: String,
    label: fn(Locale, &str) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("badge {prefix}-{value}");
    view! { <span class=class>{move || label(i18n.get_locale(), &value)}</span> }
}

/// A span of time as people say it: "2 d 3 h", "1 h 12 min", "45 min" (at least a minute).
fn span(l: Locale, secs: i64) -> String {
    let minutes = (secs.abs() / 60).max(1);
    let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let unit = |n: i64, u: &str| format!("{n} {u}");
    let parts = if d > 0 {
        vec![
            unit(d, td_string!(l, tickets.unit_d)),
            unit(h, td_string!(l, tickets.unit_h)),
        ]
    } else if h > 0 {
        vec![
            unit(h, td_string!(l, tickets.unit_h)),
            unit(m, td_string!(l, tickets.unit_min)),
        ]
    } else {
        vec![unit(m, td_string!(l, tickets.unit_min))]
    };
    parts.join(" ")
}

/// A due time as the desk reads it: "Due in 1 h 12 min", or "Overdue by 20 min" (marked).
#[component]
pub(crate) fn Due(due: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let left = (due - Utc::now()).num_seconds();
    let text = move || {
        let l = i18n.get_locale();
        if left >= 0 {
            format!("{} {}", td_string!(l, tickets.due_in), span(l, left))
        } else {
            format!("{} {}", td_string!(l, tickets.overdue_by), span(l, left))
        }
    };
    view! {
        <time class="due" class:overdue=left < 0 class:soon=(0..3600).contains(&left) datetime=due.to_rfc3339()>{text}</time>
    }
}

/// A select of fixed choices with its label; `label` names each choice in the UI's language.
#[component]
pub(crate) fn Choice(
    id: &'static str,
    name: &'static str,
    options: &'static [&'static str],
    label: fn(Locale, &str) -> &'static str,
    #[prop(into)] selected: String,
    /// The label's (translated) content.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{children()}</label>
            <select id=id name=name>
                {options.iter().map(|o| {
                    let o = *o;
                    view! { <option value=o selected=selected == o>{move || label(i18n.get_locale(), o)}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_in_the_largest_two_units() {
        assert_eq!(span(Locale::en, 30), "1 min");
        assert_eq!(span(Locale::en, -(72 * 60 + 5)), "1 h 12 min");
        assert_eq!(span(Locale::en, 2 * 86400 + 3 * 3600 + 59), "2 d 3 h");
        assert_eq!(span(Locale::zh_CN, 45 * 60), "45 分钟");
    }
}
