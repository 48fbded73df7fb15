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
pub fn shell(options: LeptosOptions) -> impl IntoView {
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
                {needs_code().then(|| view! { <AppCode options script=front.script /> })}
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
    /// Loads the app's code and hydrates the page once the page has painted and the browser is
    /// idle. Leptos's `HydrationScripts` also preloads both files from the head, where even at low
    /// priority the wasm competes with the stylesheet and can finish before the first paint; a page
    /// painted after its code has arrived is, to a phone on a slow network, a page painted late.
    pub fn new(js: &str, wasm: &str, css: &str) -> FrontEnd {
        let script = format!(
            "(()=>{{const go=()=>import({js:?}).then(m=>m.default({{module_or_path:{wasm:?}}}).then(()=>m.hydrate()));\
             'requestIdleCallback' in window?requestIdleCallback(go,{{timeout:2000}}):setTimeout(go)}})()"
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

/// The script of `FrontEnd::new`, with this response's nonce.
#[component]
fn AppCode(options: LeptosOptions, script: Arc<str>) -> impl IntoView {
    // Run for what it provides (the split manifest the lazy routes read); its tags are dropped.
    // Told the files are unhashed: hashed, it reads the hash file again on every page for the
    // names it would write.
    let mut options = options;
    options.hash_files = false;
    let _ = view! { <HydrationScripts options /> };
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
                        <Route path=path!("") ssr=SsrMode::Async view=LiveBoard />
                        <Route path=path!("pipeline") ssr=SsrMode::Async view=LiveBoard />
                        <Route path=path!("contacts") ssr=SsrMode::Async view=|| view! { <ContactsPage actions=|| import_link(ImportKind::Contacts) /> } />
                        <Route path=path!("contacts/new") ssr=SsrMode::Async view=|| view! { <NewContactPage watch=duplicate_watch(ListKind::Contacts) /> } />
                        <Route path=path!("contacts/import") ssr=SsrMode::Async view=|| view! { <ImportUploadPage kind=ImportKind::Contacts /> } />
                        <Route path=path!("companies/import") ssr=SsrMode::Async view=|| view! { <ImportUploadPage kind=ImportKind::Companies /> } />
                        <Route path=path!("leads/import") ssr=SsrMode::Async view=|| view! { <ImportUploadPage kind=ImportKind::Leads /> } />
                        <Route path=path!("deals/import") ssr=SsrMode::Async view=|| view! { <ImportUploadPage kind=ImportKind::Deals /> } />
                        <Route path=path!("imports/:id") ssr=SsrMode::Async view={Lazy::<ImportRoute>::new()} />
                        <Route
                            path=path!("contacts/:id")
                            ssr=SsrMode::Async
                            view=|| {
                                let timeline = Callback::new(|id: ContactId| view! { <Activities about=SubjectKind::Contact id=id.0 /> }.into_any());
                                let related = Callback::new(|id: ContactId| view! { <ContactDeals contact=id /> }.into_any());
                                let forget = Callback::new(|(id, name)| forget_control(ListKind::Contacts, id, name).into_any());
                                let actions = Callback::new(|id: ContactId| view! { <MergeWith kind=MergeKind::Contacts id=id.0 /> }.into_any());
                                view! { <ContactPage timeline related forget actions /> }
                            }
                        />
                        <Route path=path!("companies") ssr=SsrMode::Async view=|| view! { <CompaniesPage actions=|| import_link(ImportKind::Companies) /> } />
                        <Route path=path!("companies/new") ssr=SsrMode::Async view=|| view! { <NewCompanyPage watch=duplicate_watch(ListKind::Companies) /> } />
                        <Route
                            path=path!("companies/:id")
                            ssr=SsrMode::Async
                            view=|| {
                                let timeline = Callback::new(|id: CompanyId| view! { <Activities about=SubjectKind::Company id=id.0 /> }.into_any());
                                let related = Callback::new(|id: CompanyId| view! {
                                    <CompanyContacts company=id />
                                    <CompanyDeals company=id />
                                }.into_any());
                                let actions = Callback::new(|id: CompanyId| view! { <MergeWith kind=MergeKind::Companies id=id.0 /> }.into_any());
                                view! { <CompanyPage timeline related actions /> }
                            }
                        />
                        <Route path=path!("leads") ssr=SsrMode::Async view=|| view! { <LeadsPage actions=|| import_link(ImportKind::Leads) /> } />
                        <Route path=path!("leads/new") ssr=SsrMode::Async view=|| view! { <NewLeadPage watch=duplicate_watch(ListKind::Leads) /> } />
                        <Route
                            path=path!("leads/:id")
                            ssr=SsrMode::Async
                            view=|| {
                                let timeline = Callback::new(|id: LeadId| view! { <Activities about=SubjectKind::Lead id=id.0 /> }.into_any());
                                let forget = Callback::new(|(id, name)| forget_control(ListKind::Leads, id, name).into_any());
                                view! { <LeadPage timeline forget /> }
                            }
                        />
                        <Route path=path!("deals/:id") ssr=SsrMode::Async view=DealPage />
                        <Route path=path!("activities") ssr=SsrMode::Async view={Lazy::<TasksRoute>::new()} />
                        <Route path=path!("settings") ssr=SsrMode::Async view=SettingsPage />
                        <Route path=path!("settings/pipelines") ssr=SsrMode::Async view={Lazy::<PipelineSettingsRoute>::new()} />
                        <Route path=path!("settings/audit") ssr=SsrMode::Async view={Lazy::<AuditRoute>::new()} />
                        <Route path=path!("trash") ssr=SsrMode::Async view={Lazy::<TrashRoute>::new()} />
                        <Route path=path!("duplicates") ssr=SsrMode::Async view={Lazy::<DuplicatesRoute>::new()} />
                        <Route path=path!("merge") ssr=SsrMode::Async view={Lazy::<MergeRoute>::new()} />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

/// The pipeline page, kept live by the event stream while it is shown.
#[component]
fn LiveBoard() -> impl IntoView {
    let watch = BoardWatch::new();
    crate::live::keep_board_live(watch);
    view! { <PipelinePage watch actions=|| import_link(ImportKind::Deals) /> }
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

/// A route whose page's code is split out of the main bundle: it loads when the page is first
/// opened (a full load waits for it before hydrating). For pages opened now and then.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let $route = this;
                $page().into_any()
            }
        }
    };
}

lazy_page!(AuditRoute, crate::history::views::AuditLogPage);
lazy_page!(MergeRoute, crate::merge::views::MergePage);
lazy_page!(TrashRoute, crate::trash::views::TrashPage);
lazy_page!(DuplicatesRoute, crate::duplicates::views::DuplicatesPage);
lazy_page!(
    PipelineSettingsRoute,
    crate::deals::settings::views::PipelineSettingsPage
);
lazy_page!(ImportRoute, crate::imports::views::ImportPage);
lazy_page!(TasksRoute, MyTasksPage);

/// The lazy page a path opens, loaded ahead (the chunks' loader keeps each load, so asking twice
/// costs nothing).
#[cfg(feature = "hydrate")]
fn prefetch(path: &str) {
    use leptos::task::spawn_local;
    match path {
        "/settings/audit" => spawn_local(AuditRoute::preload()),
        "/merge" => spawn_local(MergeRoute::preload()),
        "/trash" => spawn_local(TrashRoute::preload()),
        "/duplicates" => spawn_local(DuplicatesRoute::preload()),
        "/settings/pipelines" => spawn_local(PipelineSettingsRoute::preload()),
        "/activities" => spawn_local(TasksRoute::preload()),
        p if p.starts_with("/imports/") => spawn_local(ImportRoute::preload()),
        _ => {}
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
