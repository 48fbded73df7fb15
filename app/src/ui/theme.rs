//! How the pages look to this user: the theme (follow the system, light, dark) and the density
//! (comfortable, compact), picked in the user menu. Each choice is kept in a cookie, so the server
//! writes it on the page (`<html data-theme data-density>`) and the first paint is already right;
//! the style's tokens do the rest.
use leptos::prelude::*;

use crate::i18n::*;

/// A choice kept in a cookie and shown as an attribute of the page's root element. The first
/// value is the default, written as no attribute at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preference {
    pub cookie: &'static str,
    pub attribute: &'static str,
    pub values: &'static [&'static str],
}

/// Light and dark; absent, the theme follows the system.
pub const THEME: Preference = Preference {
    cookie: "keel_theme",
    attribute: "data-theme",
    values: &["system", "light", "dark"],
};

/// How much room lists, tables and board cards take.
pub const DENSITY: Preference = Preference {
    cookie: "keel_density",
    attribute: "data-density",
    values: &["comfortable", "compact"],
};

impl Preference {
    /// The value of the page's attribute for choice `i` (none for the default).
    pub fn value(self, i: usize) -> Option<&'static str> {
        (i > 0).then(|| self.values.get(i).copied()).flatten()
    }

    fn parse(self, value: &str) -> usize {
        self.values.iter().position(|v| *v == value).unwrap_or(0)
    }

    /// The choice a `Cookie` header carries (anything unknown: the default).
    pub fn from_cookie_header(self, header: &str) -> usize {
        header
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == self.cookie)
            .map_or(0, |(_, v)| self.parse(v.trim()))
    }

    /// The choice of the request being rendered (on the server), else the page's (in the browser).
    pub fn current(self) -> usize {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|p| {
                    p.headers
                        .get(http::header::COOKIE)
                        .and_then(|v| v.to_str().ok())
                        .map(|h| self.from_cookie_header(h))
                })
                .unwrap_or(0)
        }
        #[cfg(not(feature = "ssr"))]
        {
            document()
                .document_element()
                .and_then(|e| e.get_attribute(self.attribute))
                .map_or(0, |v| self.parse(&v))
        }
    }

    /// The page's attribute value for the request being rendered.
    pub fn current_value(self) -> Option<&'static str> {
        self.value(self.current())
    }

    /// Shows the page with choice `i` and keeps it (a year).
    fn apply(self, i: usize) {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            if let Some(root) = document().document_element() {
                let _ = match self.value(i) {
                    Some(v) => root.set_attribute(self.attribute, v),
                    None => root.remove_attribute(self.attribute),
                };
            }
            let cookie = match self.value(i) {
                Some(v) => format!(
                    "{}={v}; Path=/; Max-Age=31536000; SameSite=Lax",
                    self.cookie
                ),
                None => format!("{}=; Path=/; Max-Age=0; SameSite=Lax", self.cookie),
            };
            if let Ok(doc) = document().dyn_into::<leptos::web_sys::HtmlDocument>() {
                let _ = doc.set_cookie(&cookie);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = i;
    }
}

/// The look choices in the user menu: theme and density.
#[component]
pub fn AppearanceSwitches() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Switch pref=THEME legend=move || t_string!(i18n, theme.label) name=move |i| match i {
            0 => t_string!(i18n, theme.system),
            1 => t_string!(i18n, theme.light),
            _ => t_string!(i18n, theme.dark),
        } />
        <Switch pref=DENSITY legend=move || t_string!(i18n, theme.density) name=move |i| match i {
            0 => t_string!(i18n, theme.comfortable),
            _ => t_string!(i18n, theme.compact),
        } />
    }
}

/// One choice as a group of radio pills.
#[component]
fn Switch(
    pref: Preference,
    legend: impl Fn() -> &'static str + Send + Sync + 'static,
    name: impl Fn(usize) -> &'static str + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let chosen = RwSignal::new(pref.current());
    let group = pref.attribute.trim_start_matches("data-");
    view! {
        <fieldset class="theme-switch">
            <legend>{legend}</legend>
            <div class="segmented">
                {(0..pref.values.len())
                    .map(|i| {
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name=group
                                    value=pref.values[i]
                                    prop:checked=move || chosen.get() == i
                                    on:change=move |_| {
                                        chosen.set(i);
                                        pref.apply(i);
                                    }
                                />
                                {move || name(i)}
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
    fn a_choice_is_read_from_its_cookie_and_anything_else_is_the_default() {
        assert_eq!(THEME.from_cookie_header("a=1; keel_theme=dark; b=2"), 2);
        assert_eq!(THEME.value(2), Some("dark"));
        assert_eq!(THEME.from_cookie_header("keel_theme=light"), 1);
        assert_eq!(THEME.from_cookie_header("keel_theme=purple"), 0);
        assert_eq!(THEME.value(0), None);
        assert_eq!(THEME.from_cookie_header("other_keel_theme=dark"), 0);
        assert_eq!(THEME.from_cookie_header(""), 0);
        assert_eq!(
            DENSITY.from_cookie_header("keel_theme=dark; keel_density=compact"),
            1
        );
        assert_eq!(DENSITY.value(1), Some("compact"));
        assert_eq!(DENSITY.from_cookie_header("keel_theme=compact"), 0);
    }
}
