//! The app shell: document, router, layout with navigation, user menu and language switch.
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};
use std::sync::Arc;

mod parts;
mod settings;

use crate::i18n::*;
use crate::ui::RouteErrors;
use crate::users::api::{Logout, SetLocale, set_locale};
use crate::users::model::CurrentUser;
use crate::users::views::{LoginPage, go_to};
use parts::{BoardRoute, InsightRoute, ListsRoute, RecordsRoute, SupportRoute, ToolsRoute};
use settings::role_name;

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
    parts::prefetch_on_intent();
    // Tests and scripts wait for this attribute before they interact with the page.
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// Whether the page loads the app's code. The sign-in page does not: its form and its language
/// switch are plain forms the server answers, so it costs its HTML and CSS alone, and the code
/// loads on the page it leads to. Nor do the customers' pages of the service desk (`/support/…`).
fn needs_code() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_none_or(|req| {
            let path = req.uri.path();
            path != "/login" && !path.starts_with("/support/")
        })
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
                    <Route path=path!("/login") view=|| view! { <LoginPage language_switch=public_switch() /> } />
                    <Route path=path!("/support/t/:token") ssr=SsrMode::Async view={Lazy::<SupportRoute>::new()} />
                    <Route path=path!("/support/rate/:token") ssr=SsrMode::Async view={Lazy::<SupportRoute>::new()} />
                    <Route path=path!("/support/:team") ssr=SsrMode::Async view={Lazy::<SupportRoute>::new()} />
                    <ParentRoute path=path!("") view=AppShell ssr=SsrMode::Async>
                        <Route path=path!("") ssr=SsrMode::Async view={Lazy::<InsightRoute>::new()} />
                        <Route path=path!("reports") ssr=SsrMode::Async view={Lazy::<InsightRoute>::new()} />
                        <Route path=path!("reports/:kind") ssr=SsrMode::Async view={Lazy::<InsightRoute>::new()} />
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
                        <Route path=path!("notes/import") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("deals/:id") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("activities") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("settings") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("imports/:id") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("settings/pipelines") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("settings/audit") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("settings/desk") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("settings/tokens") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("settings/webhooks") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("settings/targets") ssr=SsrMode::Async view={Lazy::<InsightRoute>::new()} />
                        <Route path=path!("trash") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("duplicates") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("merge") ssr=SsrMode::Async view={Lazy::<ToolsRoute>::new()} />
                        <Route path=path!("tickets") ssr=SsrMode::Async view={Lazy::<ListsRoute>::new()} />
                        <Route path=path!("tickets/new") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                        <Route path=path!("tickets/:id") ssr=SsrMode::Async view={Lazy::<RecordsRoute>::new()} />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

/// The language switch of a page for people who are not signed in.
fn public_switch() -> ViewFn {
    ViewFn::from(|| view! { <LanguageSwitch signed_in=false /> })
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
    let bell = RwSignal::new(0);
    crate::live::keep_bell_live(bell);
    view! {
        <div class="app">
            <nav class="main-nav" aria-label=move || t_string!(i18n, nav.main)>
                <A href="/" attr:class="brand">
                    {t!(i18n, app_name)}
                </A>
                <ul>
                    <li><A href="/" exact=true>{t!(i18n, nav.home)}</A></li>
                    <li><A href="/pipeline">{t!(i18n, nav.pipeline)}</A></li>
                    <li><A href="/contacts">{t!(i18n, nav.contacts)}</A></li>
                    <li><A href="/companies">{t!(i18n, nav.companies)}</A></li>
                    <li><A href="/leads">{t!(i18n, nav.leads)}</A></li>
                    <li><A href="/tickets">{t!(i18n, nav.tickets)}</A></li>
                    <li><A href="/activities">{t!(i18n, nav.activities)}</A></li>
                    <li><A href="/reports">{t!(i18n, nav.reports)}</A></li>
                    <li><A href="/settings">{t!(i18n, nav.settings)}</A></li>
                </ul>
            </nav>
            <div class="workspace">
                <header class="topbar">
                    <crate::notifications::views::NotificationBell refresh=bell />
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
