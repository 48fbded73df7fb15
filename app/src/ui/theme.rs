//! Light and dark: the theme follows the system unless the user picks one in the user menu. The
//! choice is kept in a cookie, so the server writes it on the page (`<html data-theme>`) and the
//! first paint is already right; the style's colour tokens do the rest.
use leptos::prelude::*;

use crate::i18n::*;

/// The cookie that keeps the choice (a year; absent: follow the system).
pub const COOKIE: &str = "keel_theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The value of `data-theme` (none: follow the system).
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }

    fn parse(value: &str) -> Theme {
        match value {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The choice a `Cookie` header carries (anything unknown: the system's).
    pub fn from_cookie_header(header: &str) -> Theme {
        header
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == COOKIE)
            .map_or(Theme::System, |(_, v)| Theme::parse(v.trim()))
    }

    /// The choice of the request being rendered (on the server), else the page's (in the browser).
    pub fn current() -> Theme {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|p| {
                    p.headers
                        .get(http::header::COOKIE)
                        .and_then(|v| v.to_str().ok())
                        .map(Theme::from_cookie_header)
                })
                .unwrap_or(Theme::System)
        }
        #[cfg(not(feature = "ssr"))]
        {
            document()
                .document_element()
                .and_then(|e| e.get_attribute("data-theme"))
                .map_or(Theme::System, |v| Theme::parse(&v))
        }
    }

    /// Shows the page in this theme and keeps the choice.
    fn apply(self) {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            if let Some(root) = document().document_element() {
                let _ = match self.attribute() {
                    Some(v) => root.set_attribute("data-theme", v),
                    None => root.remove_attribute("data-theme"),
                };
            }
            let cookie = match self.attribute() {
                Some(v) => format!("{COOKIE}={v}; Path=/; Max-Age=31536000; SameSite=Lax"),
                None => format!("{COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"),
            };
            if let Ok(doc) = document().dyn_into::<leptos::web_sys::HtmlDocument>() {
                let _ = doc.set_cookie(&cookie);
            }
        }
    }
}

/// The theme choice in the user menu: follow the system, light, or dark.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(Theme::current());
    let name = move |t: Theme| match t {
        Theme::System => t_string!(i18n, theme.system),
        Theme::Light => t_string!(i18n, theme.light),
        Theme::Dark => t_string!(i18n, theme.dark),
    };
    view! {
        <fieldset class="theme-switch">
            <legend>{t!(i18n, theme.label)}</legend>
            <div class="segmented">
                {Theme::ALL
                    .into_iter()
                    .map(|t| {
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name="theme"
                                    value=t.attribute().unwrap_or("system")
                                    prop:checked=move || chosen.get() == t
                                    on:change=move |_| {
                                        chosen.set(t);
                                        t.apply();
                                    }
                                />
                                {move || name(t)}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_is_read_from_its_cookie_and_anything_else_follows_the_system() {
        assert_eq!(
            Theme::from_cookie_header("a=1; keel_theme=dark; b=2"),
            Theme::Dark
        );
        assert_eq!(Theme::from_cookie_header("keel_theme=light"), Theme::Light);
        assert_eq!(
            Theme::from_cookie_header("keel_theme=purple"),
            Theme::System
        );
        assert_eq!(
            Theme::from_cookie_header("other_keel_theme=dark"),
            Theme::System
        );
        assert_eq!(Theme::from_cookie_header(""), Theme::System);
    }
}
