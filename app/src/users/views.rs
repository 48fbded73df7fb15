//! Sign-in page and the password form.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{ChangePassword, Login, SetTimeZone, my_time_zone};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{ErrorMessage, Field};

/// After a successful sign-in or out, a full page load starts every part of the app afresh.
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

#[component]
pub fn LoginPage(
    /// The language switch, owned by the app shell.
    language_switch: ViewFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    Effect::new(move |_| {
        if let Some(Ok(next)) = login.value().get() {
            go_to(&next);
        }
    });
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    // A wrong password is shown as one message for the form, not under a field.
    let form_error = Signal::derive(move || {
        error.get().filter(
            |e| !matches!(e, AppError::Validation { fields } if !fields.contains_key("form")),
        )
    });
    view! {
        <main class="login-page">
            <div class="login-card">
                <header class="login-header">
                    <span class="brand">{t!(i18n, app_name)}</span>
                    {language_switch.run()}
                </header>
                <h1>{t!(i18n, login.title)}</h1>
                <p class="tagline">{t!(i18n, tagline)}</p>
                <ActionForm action=login attr:class="form">
                    <input type="hidden" name="next" value=next />
                    <Field id="login-email" maxlength=crate::users::model::Email::MAX name="email" input_type="email" inputmode="email" autocomplete="username" required=true error>
                        {t!(i18n, login.email)}
                    </Field>
                    <Field id="login-password" maxlength=crate::users::model::NewPassword::MAX name="password" input_type="password" autocomplete="current-password" required=true error>
                        {t!(i18n, login.password)}
                    </Field>
                    <ErrorMessage error=form_error />
                    <button type="submit" class="primary" disabled=move || login.pending().get()>
                        {move || {
                            if login.pending().get() {
                                t_string!(i18n, login.submitting)
                            } else {
                                t_string!(i18n, login.submit)
                            }
                        }}
                    </button>
                </ActionForm>
                <p class="hint">{t!(i18n, login.demo_hint)}</p>
            </div>
        </main>
    }
}

#[component]
pub fn ChangePasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
    });
    let done = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <section class="panel" aria-labelledby="pw-title">
            <h2 id="pw-title">{t!(i18n, settings.change_password)}</h2>
            <ActionForm action=change attr:class="form">
                <Field id="pw-current" maxlength=crate::users::model::NewPassword::MAX name="current_password" input_type="password" autocomplete="current-password" error>
                    {t!(i18n, settings.current_password)}
                </Field>
                <Field id="pw-new" maxlength=crate::users::model::NewPassword::MAX name="new_password" input_type="password" autocomplete="new-password" error>
                    {t!(i18n, settings.new_password)}
                </Field>
                <Field id="pw-confirm" maxlength=crate::users::model::NewPassword::MAX name="confirm_password" input_type="password" autocomplete="new-password" error>
                    {t!(i18n, settings.confirm_password)}
                </Field>
                <ErrorMessage error=form_error />
                <Show when=done>
                    <p class="notice" role="status">{t!(i18n, settings.password_changed)}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || change.pending().get()>
                    {t!(i18n, settings.save_password)}
                </button>
            </ActionForm>
        </section>
    }
}

/// The user's time zone: reports and the home page count days, weeks and months in it.
#[component]
pub fn TimeZoneForm() -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetTimeZone>::new();
    let current = Resource::new(|| (), |_| my_time_zone());
    let error = Signal::derive(move || set.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
    });
    let saved = move || set.value().get().and_then(Result::ok);
    view! {
        <section class="panel" aria-labelledby="tz-title">
            <h2 id="tz-title">{t!(i18n, settings.time_zone)}</h2>
            <Transition fallback=|| ()>
                {move || current.get().map(|zone| view! {
                    <ActionForm action=set attr:class="form">
                        <Field id="tz" name="time_zone" value=zone.unwrap_or_default() required=true maxlength=64 autocomplete="off" error hint=ViewFn::from(move || t!(i18n, settings.time_zone_hint))>
                            {t!(i18n, settings.time_zone)}
                        </Field>
                        <ErrorMessage error=form_error />
                        {move || saved().map(|zone| view! {
                            <p class="notice" role="status">{t!(i18n, settings.time_zone_saved, zone = zone)}</p>
                        })}
                        <button type="submit" disabled=move || set.pending().get()>
                            {t!(i18n, settings.save_time_zone)}
                        </button>
                    </ActionForm>
                })}
            </Transition>
        </section>
    }
}
