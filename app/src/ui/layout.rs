//! The layout system every page is built from: a page header (title, subtitle, actions), a
//! toolbar row, and a menu (a disclosure that opens a panel of actions or
//! fields over the page). Their look lives in `style/base.css` under "Layout system".
use leptos::prelude::*;

/// A page's header: its title (the page's one `h1`), an optional subtitle, and its actions on the
/// right, primary last.
///
/// ```text
/// <PageHeader title=move || t_string!(i18n, contacts.title)>
///     <A href="/contacts/new" attr:class="button primary">{t!(i18n, contacts.new)}</A>
/// </PageHeader>
/// ```
#[component]
pub fn PageHeader(
    #[prop(into)] title: TextProp,
    #[prop(optional, into)] subtitle: Option<ViewFn>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <div class="page-title">
                <h1>{move || title.get()}</h1>
                {subtitle.map(|s| view! { <p class="subtitle">{s.run()}</p> })}
            </div>
            {children.map(|c| view! { <div class="page-actions">{c()}</div> })}
        </header>
    }
}

/// One row of controls above a list or board: search, filters, views, and the rest pushed to the
/// end (`class="toolbar-end"` on a child starts the right-hand group).
#[component]
pub fn Toolbar(
    /// What the row is for (a landmark's accessible name is not needed: it is a plain group).
    #[prop(optional, into)]
    class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let class = match class {
        Some(c) => format!("toolbar {c}"),
        None => "toolbar".to_string(),
    };
    view! { <div class=class>{children()}</div> }
}

/// A disclosure that opens a panel over the page: a menu of actions, a set of filters, a column
/// chooser. It works before the page's script runs (a `<details>`); once it does, a click outside
/// or Escape closes it.
#[component]
pub fn Menu(
    /// The button's content (its accessible name).
    label: ViewFn,
    /// `menu-end` opens the panel towards the left (for a menu at the right edge).
    #[prop(optional, into)]
    class: Option<&'static str>,
    /// An accessible name for the button when its content is only a symbol.
    #[prop(optional, into)]
    aria_label: Option<TextProp>,
    /// Opened at first (e.g. to show a refused value in it).
    #[prop(optional)]
    open: bool,
    /// Told whether the menu is open each time it opens or closes (to load its content then).
    #[prop(optional)]
    on_toggle: Option<Callback<bool>>,
    children: Children,
) -> impl IntoView {
    let details = NodeRef::<leptos::html::Details>::new();
    let toggled = move |_| {
        if let (Some(f), Some(d)) = (on_toggle, details.get_untracked()) {
            f.run(d.open());
        }
    };
    let class = match class {
        Some(c) => format!("menu {c}"),
        None => "menu".to_string(),
    };
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        super::window_listener(leptos::ev::click, move |ev| {
            let Some(d) = details.get_untracked() else {
                return;
            };
            let inside = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                .is_some_and(|n| d.contains(Some(&n)));
            if !inside && d.open() {
                d.set_open(false);
            }
        });
        super::window_listener(leptos::ev::keydown, move |ev| {
            if ev.key() != "Escape" {
                return;
            }
            if let Some(d) = details.get_untracked().filter(|d| d.open()) {
                d.set_open(false);
                if let Some(s) = d
                    .first_element_child()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = s.focus();
                }
            }
        });
    }
    view! {
        <details class=class node_ref=details open=open on:toggle=toggled>
            <summary class="button" aria-label=move || aria_label.as_ref().map(|l| l.get().to_string())>{label.run()}</summary>
            <div class="menu-panel">{children()}</div>
        </details>
    }
}
