//! Translated messages for `AppError`, as text, an alert, a field hint, or a route's error boundary.
use leptos::prelude::*;

use crate::error::{AppError, Invalid};
use crate::i18n::*;
use leptos_i18n::I18nContext;

/// The translated, user-readable message for an error, following the UI's language.
pub fn error_text(i18n: I18nContext<Locale>, e: &AppError) -> AnyView {
    match e.clone() {
        AppError::Unauthorized => plain(i18n, |l| td_string!(l, errors.unauthorized)),
        AppError::Forbidden => plain(i18n, |l| td_string!(l, errors.forbidden)),
        AppError::NotFound => plain(i18n, |l| td_string!(l, errors.not_found)),
        AppError::Validation { fields } => match fields.get("form") {
            Some(why) => invalid_text(i18n, *why),
            None => plain(i18n, |l| td_string!(l, errors.validation)),
        },
        AppError::Conflict => plain(i18n, |l| td_string!(l, errors.conflict)),
        AppError::RateLimited { retry_after_secs } => {
            t!(i18n, errors.rate_limited, secs = move || retry_after_secs).into_any()
        }
        AppError::Busy => plain(i18n, |l| td_string!(l, errors.busy)),
        AppError::BadRequest => plain(i18n, |l| td_string!(l, errors.bad_request)),
        AppError::Network => plain(i18n, |l| td_string!(l, errors.network)),
        AppError::Internal { id } => t!(i18n, errors.internal, id = move || id.clone()).into_any(),
    }
}

/// The translated message for a refused field, following the UI's language.
pub fn invalid_text(i18n: I18nContext<Locale>, why: Invalid) -> AnyView {
    match why {
        Invalid::Required => plain(i18n, |l| td_string!(l, invalid.required)),
        Invalid::Email => plain(i18n, |l| td_string!(l, invalid.email)),
        Invalid::TooShort { min } => t!(i18n, invalid.too_short, min = move || min).into_any(),
        Invalid::TooLong { max } => t!(i18n, invalid.too_long, max = move || max).into_any(),
        Invalid::Characters => plain(i18n, |l| td_string!(l, invalid.characters)),
        Invalid::Credentials => plain(i18n, |l| td_string!(l, invalid.credentials)),
        Invalid::Mismatch => plain(i18n, |l| td_string!(l, invalid.mismatch)),
        Invalid::Choice => plain(i18n, |l| td_string!(l, invalid.choice)),
        Invalid::Phone => plain(i18n, |l| td_string!(l, invalid.phone)),
        Invalid::Date => plain(i18n, |l| td_string!(l, invalid.date)),
        Invalid::Url => plain(i18n, |l| td_string!(l, invalid.url)),
        Invalid::NotQualified => plain(i18n, |l| td_string!(l, invalid.not_qualified)),
        Invalid::Amount => plain(i18n, |l| td_string!(l, invalid.amount)),
        Invalid::Percent => plain(i18n, |l| td_string!(l, invalid.percent)),
        Invalid::Days => plain(i18n, |l| td_string!(l, invalid.days)),
        Invalid::Colour => plain(i18n, |l| td_string!(l, invalid.colour)),
        Invalid::LastStage => plain(i18n, |l| td_string!(l, invalid.last_stage)),
        Invalid::SameRecord => plain(i18n, |l| td_string!(l, invalid.same_record)),
        Invalid::NoCustomer => plain(i18n, |l| td_string!(l, invalid.no_customer)),
        Invalid::ManyCustomers => plain(i18n, |l| td_string!(l, invalid.many_customers)),
        Invalid::Hours => plain(i18n, |l| td_string!(l, invalid.hours)),
        Invalid::Minutes => plain(i18n, |l| td_string!(l, invalid.minutes)),
        Invalid::Number => plain(i18n, |l| td_string!(l, invalid.number)),
        Invalid::Used => plain(i18n, |l| td_string!(l, invalid.used)),
        Invalid::Expired => plain(i18n, |l| td_string!(l, invalid.expired)),
        Invalid::VisitDays => plain(i18n, |l| td_string!(l, invalid.visit_days)),
        Invalid::DateOrder => plain(i18n, |l| td_string!(l, invalid.date_order)),
        Invalid::RangeTooLong { max_days } => {
            t!(i18n, invalid.range_too_long, days = move || max_days).into_any()
        }
        Invalid::TimeZone => plain(i18n, |l| td_string!(l, invalid.time_zone)),
        Invalid::Target => plain(i18n, |l| td_string!(l, invalid.target)),
        Invalid::TooMany { max } => t!(i18n, invalid.too_many, max = move || max).into_any(),
        Invalid::PrivateAddress => plain(i18n, |l| td_string!(l, invalid.private_address)),
        Invalid::UnknownHost => plain(i18n, |l| td_string!(l, invalid.unknown_host)),
        Invalid::Unlinked => plain(i18n, |l| td_string!(l, invalid.unlinked)),
    }
}

/// A message without a value in it, following the UI's language. One view type for them all: a
/// `t!` view per message made each message a type of its own, and the code that draws them
/// 100 KB of the wasm every page loads.
fn plain(i18n: I18nContext<Locale>, text: fn(Locale) -> &'static str) -> AnyView {
    (move || text(i18n.get_locale())).into_any()
}

/// Sends the browser to the sign-in page when the session has ended.
fn go_to_login() {
    #[cfg(feature = "hydrate")]
    {
        let w = window();
        let here = w.location().pathname().unwrap_or_default();
        let _ = w.location().assign(&format!("/login?next={here}"));
    }
}

/// An alert with the translated message for `error`; `Unauthorized` also goes to the sign-in page.
///
/// ```text
/// view! { <ErrorMessage error=AppError::Forbidden/> }
/// ```
/// The errors of a form's action: every one (each field shows its own), and those about no field
/// (shown under the form).
pub fn action_errors<S>(
    action: ServerAction<S>,
) -> (Signal<Option<AppError>>, Signal<Option<AppError>>)
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
    });
    (error, form_error)
}

#[component]
pub fn ErrorMessage(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        if error.get() == Some(AppError::Unauthorized) {
            go_to_login();
        }
    });
    move || {
        error.get().map(|e| {
            view! { <p class="alert" role="alert">{error_text(i18n, &e)}</p> }
        })
    }
}

/// The hint under a form field when the server refused it; linked to the input by `id`.
#[component]
pub fn FieldError(
    #[prop(into)] error: Signal<Option<AppError>>,
    field: &'static str,
    /// The `id` of this hint, for the input's `aria-describedby`.
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let why = move || error.get().and_then(|e| e.field(field));
    view! {
        <p class="field-error" id=id role="status" aria-live="polite">
            {move || why().map(|w| invalid_text(i18n, w))}
        </p>
    }
}

/// Error boundary for a page: renders each error thrown below it as a translated alert; a server
/// that cannot be reached (offline, and the page not kept on this device) as `unreachable` (the
/// offline notice, handed by the shell).
#[component]
pub fn RouteErrors(#[prop(into)] unreachable: ViewFn, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ErrorBoundary fallback=move |errors| {
            let all = errors.clone();
            let offline = unreachable.clone();
            let unreachable = move || {
                all.with(|e| e.iter().any(|(_, e)| e.downcast_ref::<AppError>() == Some(&AppError::Network)))
            };
            move || if unreachable() { offline.run() } else {
                let errors = errors.clone();
                view! {
                <section class="error-panel">
                    <h2>{t!(i18n, errors.title)}</h2>
                    <ul>
                        {move || {
                            errors
                                .get()
                                .into_iter()
                                .map(|(_, e)| error_item(i18n, e.downcast_ref::<AppError>().cloned(), e.to_string()))
                                .collect_view()
                        }}
                    </ul>
                </section>
            }.into_any() }
        }>{children()}</ErrorBoundary>
    }
}

/// One error of a page as an alert; "not signed in" sends the browser to sign in.
fn error_item(i18n: I18nContext<Locale>, app: Option<AppError>, other: String) -> impl IntoView {
    if app == Some(AppError::Unauthorized) {
        go_to_login();
    }
    let text = match app {
        Some(a) => error_text(i18n, &a),
        None => other.into_any(),
    };
    view! { <li role="alert">{text}</li> }
}

/// A page's error shown in the page's place, as `RouteErrors` shows a thrown one. For a page whose
/// content sits beside parts drawn before its data: an error thrown from there makes hydration
/// meet the boundary's panel where it expects the page's parts, and fail.
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="error-panel">
            <h2>{t!(i18n, errors.title)}</h2>
            <ul>{error_item(i18n, Some(error), String::new())}</ul>
        </section>
    }
}

/// What a page's `Suspend` returns when its data failed: offline goes to the shell's notice (it
/// shows what this device kept); anything else (not found, not allowed) is shown in the page's own
/// place, as `PageError`.
pub fn page_error(error: AppError) -> Result<AnyView, AppError> {
    match error {
        AppError::Network => Err(AppError::Network),
        error => Ok(view! { <PageError error /> }.into_any()),
    }
}
