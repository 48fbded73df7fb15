//! The pages behind sign-in, by path, and their code split out of the main bundle in five lazy
//! parts (the routes of `App` name the parts).
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::settings::SettingsPage;
use crate::activities::model::SubjectKind;
use crate::activities::views::{Activities, MyTasksPage};
use crate::companies::model::CompanyId;
use crate::companies::views::{CompaniesPage, CompanyPage, NewCompanyPage};
use crate::contacts::model::ContactId;
use crate::contacts::views::{CompanyContacts, ContactPage, ContactsPage, NewContactPage};
use crate::deals::board::views::{BoardWatch, PipelinePage};
use crate::deals::views::{CompanyDeals, ContactDeals, DealPage};
use crate::duplicates::merge_with::MergeWith;
use crate::duplicates::views::duplicate_watch;
use crate::imports::model::ImportKind;
use crate::imports::views::{ImportUploadPage, import_link};
use crate::leads::model::LeadId;
use crate::leads::views::{LeadPage, LeadsPage, NewLeadPage};
use crate::merge::model::MergeKind;
use crate::records::model::ListKind;
use crate::tickets::views::{
    CompanyTickets, ContactTickets, NewTicketPage, TicketPage, TicketsPage,
};
use crate::trash::views::forget_control;

/// The app's pages behind sign-in, as a path names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
    Home,
    Reports,
    Report,
    Targets,
    Board,
    Contacts,
    Companies,
    Leads,
    New(ListKind),
    Contact,
    Company,
    Lead,
    Deal,
    Tasks,
    Settings,
    Upload(ImportKind),
    Import,
    PipelineSettings,
    Audit,
    Trash,
    Duplicates,
    Merge,
    Tickets,
    NewTicket,
    Ticket,
    DeskSettings,
    Tokens,
    Webhooks,
}

impl Page {
    fn of(path: &str) -> Option<Page> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        Some(match segments.as_slice() {
            [""] => Page::Home,
            ["reports"] => Page::Reports,
            ["reports", _] => Page::Report,
            ["settings", "targets"] => Page::Targets,
            ["pipeline"] => Page::Board,
            ["contacts"] => Page::Contacts,
            ["companies"] => Page::Companies,
            ["leads"] => Page::Leads,
            ["contacts", "new"] => Page::New(ListKind::Contacts),
            ["companies", "new"] => Page::New(ListKind::Companies),
            ["leads", "new"] => Page::New(ListKind::Leads),
            ["contacts", "import"] => Page::Upload(ImportKind::Contacts),
            ["companies", "import"] => Page::Upload(ImportKind::Companies),
            ["leads", "import"] => Page::Upload(ImportKind::Leads),
            ["deals", "import"] => Page::Upload(ImportKind::Deals),
            ["notes", "import"] => Page::Upload(ImportKind::Notes),
            ["contacts", _] => Page::Contact,
            ["companies", _] => Page::Company,
            ["leads", _] => Page::Lead,
            ["deals", _] => Page::Deal,
            ["activities"] => Page::Tasks,
            ["settings"] => Page::Settings,
            ["imports", _] => Page::Import,
            ["settings", "pipelines"] => Page::PipelineSettings,
            ["settings", "audit"] => Page::Audit,
            ["settings", "desk"] => Page::DeskSettings,
            ["settings", "tokens"] => Page::Tokens,
            ["settings", "webhooks"] => Page::Webhooks,
            ["trash"] => Page::Trash,
            ["duplicates"] => Page::Duplicates,
            ["merge"] => Page::Merge,
            ["tickets"] => Page::Tickets,
            ["tickets", "new"] => Page::NewTicket,
            ["tickets", _] => Page::Ticket,
            _ => return None,
        })
    }

    /// The page the browser is on (a lazy route's data runs once its route has matched).
    fn here() -> Page {
        let path = leptos_router::hooks::use_location()
            .pathname
            .get_untracked();
        Page::of(&path).unwrap_or(Page::Board)
    }
}

// The pages' code is split out of the main bundle in five parts, each loaded the first time one
// of its pages opens (a full load waits for it before hydrating): the home dashboard and the
// reports; the board; the lists; the
// records (record pages, new records, tasks, settings); and the tools opened now and then
// (imports, merge, trash, duplicates, audit, pipeline settings). Four, not one per page: the
// splitter puts the code that parts share in chunks of their own, one per set of parts sharing
// it, and a part per page made a page load over a hundred files.

/// A lazy part: its route's data is the page the path names; its view, that page drawn by `$view`
/// (a function of the `Page`), whose code goes into the part's chunks.
macro_rules! page_part {
    ($part:ident, $view:path) => {
        pub(super) struct $part(Page);

        #[lazy_route]
        impl LazyRoute for $part {
            fn data() -> Self {
                $part(Page::here())
            }

            fn view(this: Self) -> AnyView {
                $view(this.0)
            }
        }
    };
}

page_part!(BoardRoute, board_part);
page_part!(InsightRoute, insight_part);

/// The customers' pages of the service desk (`/support/…`). They load no code (plain forms the
/// server answers), so theirs is kept out of the main bundle, in a part no browser fetches.
pub(super) struct SupportRoute(String);

#[lazy_route]
impl LazyRoute for SupportRoute {
    fn data() -> Self {
        SupportRoute(
            leptos_router::hooks::use_location()
                .pathname
                .get_untracked(),
        )
    }

    fn view(this: Self) -> AnyView {
        use crate::tickets::views::{FollowPage, RatePage, WebFormPage};
        let language_switch = super::public_switch();
        if this.0.starts_with("/support/t/") {
            view! { <FollowPage language_switch /> }.into_any()
        } else if this.0.starts_with("/support/rate/") {
            view! { <RatePage language_switch /> }.into_any()
        } else {
            view! { <WebFormPage language_switch /> }.into_any()
        }
    }
}
page_part!(ListsRoute, lists_part);
page_part!(RecordsRoute, records_part);
page_part!(ToolsRoute, tools_part);

/// The pipeline page, kept live by the event stream while it is shown.
fn board_part(_: Page) -> AnyView {
    let watch = BoardWatch::new();
    crate::live::keep_board_live(watch);
    view! { <PipelinePage watch actions=|| import_link(ImportKind::Deals) /> }.into_any()
}

/// The home dashboard and the reports.
fn insight_part(page: Page) -> AnyView {
    use crate::reports::views::{HomePage, ReportPage, ReportsIndex, TargetsPage};
    match page {
        Page::Targets => view! { <TargetsPage /> }.into_any(),
        Page::Reports => view! { <ReportsIndex /> }.into_any(),
        Page::Report => view! { <ReportPage /> }.into_any(),
        _ => {
            let refresh = RwSignal::new(0);
            crate::live::keep_home_live(refresh);
            view! { <HomePage refresh /> }.into_any()
        }
    }
}

fn lists_part(page: Page) -> AnyView {
    match page {
        Page::Companies => {
            view! { <CompaniesPage actions=|| import_link(ImportKind::Companies) /> }.into_any()
        }
        Page::Leads => view! { <LeadsPage actions=|| import_link(ImportKind::Leads) /> }.into_any(),
        Page::Tickets => {
            let refresh = RwSignal::new(0);
            crate::live::keep_queue_live(refresh);
            view! { <TicketsPage refresh /> }.into_any()
        }
        _ => view! { <ContactsPage actions=|| import_link(ImportKind::Contacts) /> }.into_any(),
    }
}

fn records_part(page: Page) -> AnyView {
    match page {
        Page::New(ListKind::Contacts) => {
            view! { <NewContactPage watch=duplicate_watch(ListKind::Contacts) /> }.into_any()
        }
        Page::New(ListKind::Companies) => {
            view! { <NewCompanyPage watch=duplicate_watch(ListKind::Companies) /> }.into_any()
        }
        Page::New(ListKind::Leads) => {
            view! { <NewLeadPage watch=duplicate_watch(ListKind::Leads) /> }.into_any()
        }
        Page::Contact => view! { <ContactRecord /> }.into_any(),
        Page::Company => view! { <CompanyRecord /> }.into_any(),
        Page::Lead => view! { <LeadRecord /> }.into_any(),
        Page::Deal => view! { <DealPage /> }.into_any(),
        Page::Tasks => view! { <MyTasksPage /> }.into_any(),
        Page::NewTicket => view! { <NewTicketPage /> }.into_any(),
        Page::Ticket => view! { <TicketRecord /> }.into_any(),
        _ => view! { <SettingsPage /> }.into_any(),
    }
}

fn tools_part(page: Page) -> AnyView {
    use crate::deals::settings::views::PipelineSettingsPage;
    use crate::duplicates::views::DuplicatesPage;
    use crate::history::views::AuditLogPage;
    use crate::imports::views::ImportPage;
    use crate::merge::views::MergePage;
    use crate::tickets::views::DeskSettingsPage;
    use crate::trash::views::TrashPage;
    match page {
        Page::Upload(kind) => view! { <ImportUploadPage kind /> }.into_any(),
        Page::Import => view! { <ImportPage /> }.into_any(),
        Page::PipelineSettings => view! { <PipelineSettingsPage /> }.into_any(),
        Page::Audit => view! { <AuditLogPage /> }.into_any(),
        Page::Trash => view! { <TrashPage /> }.into_any(),
        Page::DeskSettings => view! { <DeskSettingsPage /> }.into_any(),
        Page::Duplicates => view! { <DuplicatesPage /> }.into_any(),
        Page::Tokens => view! { <crate::tokens::views::TokensPage /> }.into_any(),
        Page::Webhooks => view! { <crate::webhooks::views::WebhooksPage /> }.into_any(),
        _ => view! { <MergePage /> }.into_any(),
    }
}

/// A contact's page with what other parts of Keel add to it: its timeline, deals, merge and forget.
#[component]
fn ContactRecord() -> impl IntoView {
    let timeline = Callback::new(|id: ContactId| {
        view! { <Activities about=SubjectKind::Contact id=id.0 /> }.into_any()
    });
    let related = Callback::new(|id: ContactId| {
        view! {
            <ContactDeals contact=id />
            <ContactTickets contact=id.0 />
        }
        .into_any()
    });
    let forget =
        Callback::new(|(id, name)| forget_control(ListKind::Contacts, id, name).into_any());
    let actions = Callback::new(|id: ContactId| {
        view! { <MergeWith kind=MergeKind::Contacts id=id.0 /> }.into_any()
    });
    view! { <ContactPage timeline related forget actions /> }
}

/// A company's page with its timeline, its contacts and deals, and merge.
#[component]
fn CompanyRecord() -> impl IntoView {
    let timeline = Callback::new(|id: CompanyId| {
        view! { <Activities about=SubjectKind::Company id=id.0 /> }.into_any()
    });
    let related = Callback::new(|id: CompanyId| {
        view! {
            <CompanyContacts company=id />
            <CompanyDeals company=id />
            <CompanyTickets company=id.0 />
        }
        .into_any()
    });
    let actions = Callback::new(|id: CompanyId| {
        view! { <MergeWith kind=MergeKind::Companies id=id.0 /> }.into_any()
    });
    view! { <CompanyPage timeline related actions /> }
}

/// A ticket's page with its contact's deals beside it.
#[component]
fn TicketRecord() -> impl IntoView {
    // The customer's deals and whole history (with the form to log a call on them).
    let customer = Callback::new(|id| {
        view! {
            <ContactDeals contact=ContactId(id) />
            <Activities about=SubjectKind::Contact id />
        }
        .into_any()
    });
    view! { <TicketPage customer /> }
}

/// A lead's page with its timeline and forget.
#[component]
fn LeadRecord() -> impl IntoView {
    let timeline = Callback::new(|id: LeadId| {
        view! { <Activities about=SubjectKind::Lead id=id.0 /> }.into_any()
    });
    let forget = Callback::new(|(id, name)| forget_control(ListKind::Leads, id, name).into_any());
    view! { <LeadPage timeline forget /> }
}

/// Loads ahead the code of the page a path opens (the chunks' loader keeps each load, so asking
/// twice costs nothing).
#[cfg(feature = "hydrate")]
fn prefetch(path: &str) {
    use leptos::task::spawn_local;
    match Page::of(path) {
        Some(Page::Board) => spawn_local(BoardRoute::preload()),
        Some(Page::Home | Page::Reports | Page::Report | Page::Targets) => {
            spawn_local(InsightRoute::preload())
        }
        Some(Page::Contacts | Page::Companies | Page::Leads | Page::Tickets) => {
            spawn_local(ListsRoute::preload())
        }
        Some(
            Page::Upload(_)
            | Page::Import
            | Page::PipelineSettings
            | Page::Audit
            | Page::Trash
            | Page::Duplicates
            | Page::Merge
            | Page::DeskSettings,
        ) => spawn_local(ToolsRoute::preload()),
        Some(_) => spawn_local(RecordsRoute::preload()),
        None => {}
    }
}

/// A lazy page's code starts loading when a pointer rests on a link to it, a finger touches one,
/// or the keyboard focuses one, so that opening it seldom waits for the download. Nothing loads
/// ahead unasked: a page's first load stays as small as it is.
#[cfg(feature = "hydrate")]
pub(super) fn prefetch_on_intent() {
    use wasm_bindgen::JsCast;
    let on = |ev: web_sys::Event| {
        let link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if let Some(link) =
            link.filter(|a| a.origin() == window().location().origin().unwrap_or_default())
        {
            prefetch(&link.pathname());
        }
    };
    // Leptos keeps a window listener until it is removed: these stay for the page's life.
    for event in ["pointerover", "focusin"] {
        let _ = leptos::prelude::window_event_listener_untyped(event, on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_is_named_by_its_paths() {
        let cases = [
            ("/", Page::Home),
            ("/reports", Page::Reports),
            ("/reports/funnel", Page::Report),
            ("/settings/targets", Page::Targets),
            ("/pipeline", Page::Board),
            ("/contacts", Page::Contacts),
            ("/contacts/new", Page::New(ListKind::Contacts)),
            ("/contacts/import", Page::Upload(ImportKind::Contacts)),
            ("/contacts/3f0c", Page::Contact),
            ("/companies/", Page::Companies),
            ("/companies/9", Page::Company),
            ("/leads/new", Page::New(ListKind::Leads)),
            ("/deals/import", Page::Upload(ImportKind::Deals)),
            ("/notes/import", Page::Upload(ImportKind::Notes)),
            ("/deals/12", Page::Deal),
            ("/activities", Page::Tasks),
            ("/settings", Page::Settings),
            ("/settings/pipelines", Page::PipelineSettings),
            ("/settings/audit", Page::Audit),
            ("/settings/desk", Page::DeskSettings),
            ("/settings/tokens", Page::Tokens),
            ("/settings/webhooks", Page::Webhooks),
            ("/imports/5", Page::Import),
            ("/trash", Page::Trash),
            ("/duplicates", Page::Duplicates),
            ("/merge", Page::Merge),
            ("/tickets", Page::Tickets),
            ("/tickets/new", Page::NewTicket),
            ("/tickets/7a1e", Page::Ticket),
        ];
        for (path, page) in cases {
            assert_eq!(Page::of(path), Some(page), "{path}");
        }
        assert_eq!(Page::of("/login"), None);
        assert_eq!(Page::of("/contacts/1/2"), None);
    }
}
