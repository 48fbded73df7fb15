//! The app shell: document, router, layout with navigation, user menu and language switch.
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, SsrMode, lazy_route, path};
use std::sync::Arc;

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
use crate::i18n::*;
use crate::imports::model::ImportKind;
use crate::imports::views::{ImportUploadPage, import_link};
use crate::leads::model::LeadId;
use crate::leads::views::{LeadPage, LeadsPage, NewLeadPage};
use crate::merge::model::MergeKind;
use crate::records::model::ListKind;
use crate::trash::views::forget_control;
use crate::ui::RouteErrors;
use crate::users::api::{Logout, SetLocale, set_locale};
use crate::users::model::{CurrentUser, Role};
use crate::users::views::{ChangePasswordForm, LoginPage, go_to};
use leptos_i18n::I18nContext;

/// The HTML document rendered on the server around the app.
pub fn shell() -> impl IntoView {
    let front = use_context::<FrontEnd>().unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html data-theme=crate::ui::theme::THEME.current_value() data-density=crate::ui::theme::DENSITY.current_value()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0f4c81" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <link rel="stylesheet" id="leptos" href=front.stylesheet />
                {needs_code().then(|| view! { <AppCode script=front.script /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The front end of this release as every page links it: its stylesheet, and the script that loads
/// its code. The server makes it once from the build's file names (`/pkg/keel.<hash>.js` and so on,
/// read from the hash file with the worker's) and provides it to every page it renders.
#[derive(Clone, Debug)]
pub struct FrontEnd {
    stylesheet: Arc<str>,
    script: Arc<str>,
}

impl FrontEnd {
    /// Loads the app's code and hydrates the page once the browser is idle and has painted a
    /// frame (an idle callback alone can come before the first paint). Leptos's
    /// `HydrationScripts` also preloads both files from the head, where even at low priority the
    /// wasm competes with the stylesheet and can finish before the first paint; a page painted
    /// after its code has arrived is, to a phone on a slow network, a page painted late.
    pub fn new(js: &str, wasm: &str, css: &str) -> FrontEnd {
        let script = format!(
            "(()=>{{const go=()=>import({js:?}).then(m=>m.default({{module_or_path:{wasm:?}}}).then(()=>m.hydrate()));\
             const painted=()=>requestAnimationFrame(()=>setTimeout(go));\
             'requestIdleCallback' in window?requestIdleCallback(painted,{{timeout:2000}}):painted()}})()"
        );
        FrontEnd {
            stylesheet: css.into(),
            script: script.into(),
        }
    }
}

impl Default for FrontEnd {
    /// The files as an unhashed build names them.
    fn default() -> FrontEnd {
        FrontEnd::new("/pkg/keel.js", "/pkg/keel.wasm", "/pkg/keel.css")
    }
}

/// The script of `FrontEnd::new`, with this response's nonce. Leptos's `HydrationScripts` is not
/// used: besides its preloads, it gives the server the split manifest, from which Leptos also
/// preloads the chunks of the page's lazy part from the head, where they would compete with the
/// first paint as the main wasm did. Unasked, the chunks load once the main code meets the page's
/// part, after the paint.
#[component]
fn AppCode(script: Arc<str>) -> impl IntoView {
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// Called by the browser's entry points once the page is alive (hydrated, lazy routes included,
/// or mounted from the app shell): starts what listens to the browser, and marks the page.
#[cfg(feature = "hydrate")]
pub fn started() {
    crate::pwa::start_browser();
    prefetch_on_intent();
    // Tests and scripts wait for this attribute before they interact with the page.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// Whether the page loads the app's code. The sign-in page does not: its form and its language
/// switch are plain forms the server answers, so it costs its HTML and CSS alone, and the code
/// loads on the page it leads to.
fn needs_code() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_none_or(|req| req.uri.path() != "/login")
    }
    #[cfg(not(feature = "ssr"))]
    true
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::pwa::provide_pwa(crate::offline::REPLAY);
    view! {
        <I18nContextProvider>
            <Title text="Keel" />
            <Router>
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=|| view! { <LoginPage language_switch=ViewFn::from(|| view! { <LanguageSwitch signed_in=false /> }) /> } />
                    <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                        <Route path=path!("") ssr=SsrMode::Async view={Lazy::<BoardRoute>::new()} />
                        <Route path=path!("pipeline") ssr=SsrMode::Async view={Lazy::<BoardRoute>::new()} />
                        <Route path=path!("contacts") ssr=SsrMode::Async view={Lazy::<ListsRoute>::new()} />
                        <Route path=path!("contacts/new") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("contacts/import") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("contacts/:id") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("companies") ssr=SsrMode::Async view={Lazy::<ListsRoute>::new()} />
                        <Route path=path!("companies/new") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("companies/import") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("companies/:id") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("leads") ssr=SsrMode::Async view={Lazy::<ListsRoute>::new()} />
                        <Route path=path!("leads/new") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("leads/import") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("leads/:id") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("deals/import") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("deals/:id") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("activities") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("settings") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("imports/:id") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("settings/pipelines") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("settings/audit") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("trash") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("duplicates") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("merge") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

/// Switches between English and Chinese; for a signed-in user the choice is saved to their profile.
/// A form, so that it works before (or without) the app's code: the server sets the language and
/// sends the browser back to the page.
#[component]
fn LanguageSwitch(signed_in: bool) -> impl IntoView {
    use leptos::server_fn::ServerFn as _;
    let i18n = use_i18n();
    let other = move || match i18n.get_locale() {
        Locale::en => Locale::zh_CN,
        Locale::zh_CN => Locale::en,
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = other();
        i18n.set_locale(next);
        if signed_in {
            leptos::task::spawn_local(async move {
                if let Err(e) = set_locale(next.as_str().to_string()).await {
                    leptos::logging::warn!("could not save the language: {e}");
                }
            });
        }
    };
    view! {
        <form class="lang-form" method="post" action=SetLocale::PATH on:submit=on_submit>
            <input type="hidden" name="locale" value=move || other().as_str() />
            <button type="submit" class="lang-switch" lang=move || other().as_str()>
                {t!(i18n, language_switch)}
            </button>
        </form>
    }
}

/// Everything behind sign-in: loads the current user, then lays out navigation and the page.
#[component]
fn AppShell() -> impl IntoView {
    let user = Resource::new(|| (), |_| crate::pwa::kept::signed_in_user());
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <p class="loading" aria-busy="true">{t!(i18n, loading)}</p> }>
            <RouteErrors unreachable=|| view! { <crate::pwa::OfflineNotice /> }>
                // A `Suspend` of its own, not one a closure makes: the server renders in phases
                // (start the data loads, wait for them, write the page) and calls a closure in each,
                // which built the whole page, its data loads included, three times over.
                {Suspend::new(async move { user.await.map(|u| view! { <Layout user=u /> }) })}
            </RouteErrors>
        </Suspense>
    }
}

#[component]
fn Layout(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let user_id = user.id.0;
    crate::pwa::kept::adopt(&user);
    provide_context(user.clone());
    view! {
        <div class="app">
            <nav class="main-nav" aria-label=move || t_string!(i18n, nav.main)>
                <A href="/" attr:class="brand">
                    {t!(i18n, app_name)}
                </A>
                <ul>
                    <li><A href="/pipeline">{t!(i18n, nav.pipeline)}</A></li>
                    <li><A href="/contacts">{t!(i18n, nav.contacts)}</A></li>
                    <li><A href="/companies">{t!(i18n, nav.companies)}</A></li>
                    <li><A href="/leads">{t!(i18n, nav.leads)}</A></li>
                    <li><A href="/activities">{t!(i18n, nav.activities)}</A></li>
                    <li><A href="/settings">{t!(i18n, nav.settings)}</A></li>
                </ul>
            </nav>
            <div class="workspace">
                <header class="topbar">
                    <LanguageSwitch signed_in=true />
                    <UserMenu user />
                </header>
                <crate::pwa::PwaBanners />
                <crate::pwa::PendingWrites user=user_id />
                <main id="main" class="content">
                    <RouteErrors unreachable=|| view! { <crate::pwa::OfflineNotice /> }>
                        <Outlet />
                    </RouteErrors>
                </main>
            </div>
        </div>
    }
}

fn role_name(i18n: I18nContext<Locale>, role: Role) -> &'static str {
    match role {
        Role::Admin => t_string!(i18n, roles.admin),
        Role::Manager => t_string!(i18n, roles.manager),
        Role::Sales => t_string!(i18n, roles.sales),
        Role::Support => t_string!(i18n, roles.support),
        Role::Viewer => t_string!(i18n, roles.viewer),
    }
}

/// A disclosure (works before hydration) with who is signed in, settings and log out.
#[component]
fn UserMenu(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            // Before leaving: the page's end could cut the clearing short.
            leptos::task::spawn_local(async {
                crate::pwa::forget_offline_data().await;
                go_to("/login");
            });
        }
    });
    let pwa = use_context::<crate::pwa::Pwa>();
    let can_install = move || pwa.is_some_and(|p| p.can_install.get());
    let initial = user.display_name.chars().next().unwrap_or('?').to_string();
    let role = user.role;
    view! {
        <details class="user-menu">
            <summary aria-label=move || t_string!(i18n, user_menu.label)>
                <span class="avatar" aria-hidden="true">{initial}</span>
                <span class="user-name">{user.display_name.clone()}</span>
            </summary>
            <div class="menu-panel">
                <p class="signed-in-as">
                    {t!(i18n, user_menu.signed_in_as)} " " <strong>{user.email.clone()}</strong>
                    <br />
                    <span class="role">{move || role_name(i18n, role)}</span>
                </p>
                <A href="/settings">{t!(i18n, nav.settings)}</A>
                <crate::ui::theme::AppearanceSwitches />
                <Show when=can_install>
                    <button type="button" class="link-button" on:click=move |_| { if let Some(p) = pwa { p.install() } }>
                        {t!(i18n, user_menu.install)}
                    </button>
                </Show>
                <ActionForm action=logout>
                    <button type="submit" class="link-button">{t!(i18n, user_menu.logout)}</button>
                </ActionForm>
            </div>
        </details>
    }
}

#[component]
fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = expect_context::<CurrentUser>();
    let role = user.role;
    view! {
        <crate::ui::PageHeader title=move || t_string!(i18n, settings.title) />
        <div class="settings-grid">
        <div class="settings-links">
        {role.can_edit_customers().then(|| view! {
            <SettingsLink href="/duplicates" title=|l| td_string!(l, duplicates.title).to_string() text=|l| td_string!(l, duplicates.open).to_string() />
            <SettingsLink href="/trash" title=|l| td_string!(l, trash.title).to_string() text=|l| td_string!(l, trash.open).to_string() />
        })}
        {(role == Role::Admin).then(|| view! {
            <SettingsLink href="/settings/pipelines" title=|l| td_string!(l, stages.title).to_string() text=|l| td_string!(l, settings.pipelines_hint).to_string() />
            <SettingsLink href="/settings/audit" title=|l| td_string!(l, audit.title).to_string() text=|l| td_string!(l, audit.open).to_string() />
        })}
        </div>
        <section class="panel" aria-labelledby="profile-title">
            <h2 id="profile-title">{t!(i18n, settings.profile)}</h2>
            <dl class="profile">
                <dt>{t!(i18n, settings.name)}</dt>
                <dd>{user.display_name.clone()}</dd>
                <dt>{t!(i18n, login.email)}</dt>
                <dd>{user.email.clone()}</dd>
                <dt>{t!(i18n, settings.role)}</dt>
                <dd>{move || role_name(i18n, role)}</dd>
            </dl>
        </section>
        <ChangePasswordForm />
        </div>
    }
}

/// A Settings card leading to a page of its own: the whole card is the link.
#[component]
fn SettingsLink(
    href: &'static str,
    title: crate::records::views::Label,
    text: crate::records::views::Label,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <A href=href attr:class="settings-link">
            <strong>{move || title(i18n.get_locale())}</strong>
            <span>{move || text(i18n.get_locale())}</span>
        </A>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="not-found">
            <h1>{t!(i18n, errors.page_not_found)}</h1>
            <a href="/">{t!(i18n, errors.back_home)}</a>
        </main>
    }
}

/// The app's pages behind sign-in, as a path names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
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
}

impl Page {
    fn of(path: &str) -> Option<Page> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        Some(match segments.as_slice() {
            [""] | ["pipeline"] => Page::Board,
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
            ["contacts", _] => Page::Contact,
            ["companies", _] => Page::Company,
            ["leads", _] => Page::Lead,
            ["deals", _] => Page::Deal,
            ["activities"] => Page::Tasks,
            ["settings"] => Page::Settings,
            ["imports", _] => Page::Import,
            ["settings", "pipelines"] => Page::PipelineSettings,
            ["settings", "audit"] => Page::Audit,
            ["trash"] => Page::Trash,
            ["duplicates"] => Page::Duplicates,
            ["merge"] => Page::Merge,
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

// The pages' code is split out of the main bundle in four parts, each loaded the first time one
// of its pages opens (a full load waits for it before hydrating): the board; the lists; the
// records (record pages, new records, tasks, settings); and the tools opened now and then
// (imports, merge, trash, duplicates, audit, pipeline settings). Four, not one per page: the
// splitter puts the code that parts share in chunks of their own, one per set of parts sharing
// it, and a part per page made a page load over a hundred files.

/// A lazy part: its route's data is the page the path names; its view, that page drawn by `$view`
/// (a function of the `Page`), whose code goes into the part's chunks.
macro_rules! page_part {
    ($part:ident, $view:path) => {
        struct $part(Page);

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
page_part!(ListsRoute, lists_part);
page_part!(RecordsRoute, records_part);
page_part!(ToolsRoute, tools_part);

/// The pipeline page, kept live by the event stream while it is shown.
fn board_part(_: Page) -> AnyView {
    let watch = BoardWatch::new();
    crate::live::keep_board_live(watch);
    view! { <PipelinePage watch actions=|| import_link(ImportKind::Deals) /> }.into_any()
}

fn lists_part(page: Page) -> AnyView {
    match page {
        Page::Companies => {
            view! { <CompaniesPage actions=|| import_link(ImportKind::Companies) /> }.into_any()
        }
        Page::Leads => view! { <LeadsPage actions=|| import_link(ImportKind::Leads) /> }.into_any(),
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
        _ => view! { <SettingsPage /> }.into_any(),
    }
}

fn tools_part(page: Page) -> AnyView {
    use crate::deals::settings::views::PipelineSettingsPage;
    use crate::duplicates::views::DuplicatesPage;
    use crate::history::views::AuditLogPage;
    use crate::imports::views::ImportPage;
    use crate::merge::views::MergePage;
    use crate::trash::views::TrashPage;
    match page {
        Page::Upload(kind) => view! { <ImportUploadPage kind /> }.into_any(),
        Page::Import => view! { <ImportPage /> }.into_any(),
        Page::PipelineSettings => view! { <PipelineSettingsPage /> }.into_any(),
        Page::Audit => view! { <AuditLogPage /> }.into_any(),
        Page::Trash => view! { <TrashPage /> }.into_any(),
        Page::Duplicates => view! { <DuplicatesPage /> }.into_any(),
        _ => view! { <MergePage /> }.into_any(),
    }
}

/// A contact's page with what other parts of Keel add to it: its timeline, deals, merge and forget.
#[component]
fn ContactRecord() -> impl IntoView {
    let timeline = Callback::new(|id: ContactId| {
        view! { <Activities about=SubjectKind::Contact id=id.0 /> }.into_any()
    });
    let related = Callback::new(|id: ContactId| view! { <ContactDeals contact=id /> }.into_any());
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
        }
        .into_any()
    });
    let actions = Callback::new(|id: CompanyId| {
        view! { <MergeWith kind=MergeKind::Companies id=id.0 /> }.into_any()
    });
    view! { <CompanyPage timeline related actions /> }
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
        Some(Page::Contacts | Page::Companies | Page::Leads) => spawn_local(ListsRoute::preload()),
        Some(
            Page::Upload(_)
            | Page::Import
            | Page::PipelineSettings
            | Page::Audit
            | Page::Trash
            | Page::Duplicates
            | Page::Merge,
        ) => spawn_local(ToolsRoute::preload()),
        Some(_) => spawn_local(RecordsRoute::preload()),
        None => {}
    }
}

/// A lazy page's code starts loading when a pointer rests on a link to it, a finger touches one,
/// or the keyboard focuses one, so that opening it seldom waits for the download. Nothing loads
/// ahead unasked: a page's first load stays as small as it is.
#[cfg(feature = "hydrate")]
fn prefetch_on_intent() {
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
            ("/", Page::Board),
            ("/pipeline", Page::Board),
            ("/contacts", Page::Contacts),
            ("/contacts/new", Page::New(ListKind::Contacts)),
            ("/contacts/import", Page::Upload(ImportKind::Contacts)),
            ("/contacts/3f0c", Page::Contact),
            ("/companies/", Page::Companies),
            ("/companies/9", Page::Company),
            ("/leads/new", Page::New(ListKind::Leads)),
            ("/deals/import", Page::Upload(ImportKind::Deals)),
            ("/deals/12", Page::Deal),
            ("/activities", Page::Tasks),
            ("/settings", Page::Settings),
            ("/settings/pipelines", Page::PipelineSettings),
            ("/settings/audit", Page::Audit),
            ("/imports/5", Page::Import),
            ("/trash", Page::Trash),
            ("/duplicates", Page::Duplicates),
            ("/merge", Page::Merge),
        ];
        for (path, page) in cases {
            assert_eq!(Page::of(path), Some(page), "{path}");
        }
        assert_eq!(Page::of("/login"), None);
        assert_eq!(Page::of("/contacts/1/2"), None);
    }
}
