//! The customer's pages, without signing in and without the app's code (plain forms the server
//! answers, like the sign-in page): a team's web form, the page a customer follows their ticket on
//! by its signed link, and the rating page.
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::status_label;
use crate::error::AppError;
use crate::i18n::*;
use crate::tickets::customer::{COMMENT_MAX, NAME_MAX, PublicTicket, RatingPage};
use crate::tickets::model::{DESCRIPTION_MAX, MESSAGE_MAX, SUBJECT_MAX};
use crate::tickets::public::{
    RateTicket, ReplyWebTicket, SubmitWebTicket, followed_ticket, open_rating, web_form_open,
};
use crate::ui::{ErrorMessage, Field, LocalDateTime, Stars};

/// The frame of a customer's page: the desk's name, the language switch, and the page.
#[component]
fn Public(language_switch: ViewFn, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="login-page public-desk">
            <div class="login-card public-card">
                <header class="login-header">
                    <span class="brand">{t!(i18n, support.desk)}</span>
                    {language_switch.run()}
                </header>
                {children()}
            </div>
        </main>
    }
}

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

/// A team's web form (`/support/{team}`): name, email, subject, description.
#[component]
pub fn WebFormPage(language_switch: ViewFn) -> impl IntoView {
    let i18n = use_i18n();
    let team = param("team");
    let open = Resource::new(team, web_form_open);
    view! {
        <Public language_switch>
            <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                {move || Suspend::new(async move {
                    match open.await {
                        Ok(()) => view! { <WebForm team=team() /> }.into_any(),
                        Err(_) => {
                            not_found();
                            view! { <p role="alert">{t!(i18n, support.no_form)}</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Public>
    }
}

/// A customer's page whose ticket or link is not there: 404, and why in the UI's language.
fn missing(e: AppError) -> AnyView {
    not_found();
    view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any()
}

/// Answers 404 for a page whose subject is not there.
fn not_found() {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
}

#[component]
fn WebForm(team: String) -> impl IntoView {
    let i18n = use_i18n();
    let submit = ServerAction::<SubmitWebTicket>::new();
    let (error, form_error) = crate::ui::action_errors(submit);
    view! {
            <h1>{t!(i18n, support.form_title)}</h1>
            <p class="tagline">{t!(i18n, support.form_intro)}</p>
            <ActionForm action=submit attr:class="form">
                <input type="hidden" name="input[team]" value=team />
                <Field id="web-name" name="input[name]" error_key="name" autocomplete="name" required=true maxlength=NAME_MAX error>
                    {t!(i18n, support.name)}
                </Field>
                <Field id="web-email" name="input[email]" error_key="email" input_type="email" inputmode="email" autocomplete="email" required=true maxlength=crate::users::model::Email::MAX error>
                    {t!(i18n, support.email)}
                </Field>
                <Field id="web-subject" name="input[subject]" error_key="subject" required=true maxlength=SUBJECT_MAX error>
                    {t!(i18n, tickets.subject)}
                </Field>
                <Field id="web-description" name="input[description]" error_key="description" multiline=true required=true maxlength=DESCRIPTION_MAX error>
                    {t!(i18n, support.description)}
                </Field>
                <ErrorMessage error=form_error />
                <button type="submit" class="primary">{t!(i18n, support.send)}</button>
            </ActionForm>
    }
}

/// The page a customer follows their ticket on (`/support/t/{token}`): its status, the public
/// conversation, a reply form, and the rating link once it is resolved.
#[component]
pub fn FollowPage(language_switch: ViewFn) -> impl IntoView {
    let token = param("token");
    let ticket = Resource::new(token, followed_ticket);
    view! {
        <Public language_switch>
            <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                {move || Suspend::new(async move {
                    match ticket.await {
                        Ok(t) => view! { <Followed t token=token() /> }.into_any(),
                        Err(e) => missing(e),
                    }
                })}
            </Suspense>
        </Public>
    }
}

#[component]
fn Followed(t: PublicTicket, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let reply = ServerAction::<ReplyWebTicket>::new();
    let (error, form_error) = crate::ui::action_errors(reply);
    let status = t.status.clone();
    view! {
        <h1>"#"{t.number}" "{t.subject}</h1>
        <p class="meta">
            <span class=format!("badge ticket-{}", t.status)>{move || status_label(i18n.get_locale(), &status)}</span>
            " " {t!(i18n, support.keep_link)}
        </p>
        {t.rating.map(|r| view! { <p class="rating" role="status">{t!(i18n, support.rated)}" "<Stars score=r /></p> })}
        {t.rating_link.map(|href| view! {
            <p class="notice"><a class="button primary" href=href>{t!(i18n, support.rate)}</a></p>
        })}
        <ol class="messages" aria-label=move || t_string!(i18n, tickets.conversation)>
            {t.messages.into_iter().map(|m| {
                let class = if m.from_customer { "message customer" } else { "message reply" };
                view! {
                    <li class=class>
                        <p class="meta">
                            <strong>{match m.author {
                                Some(a) => a,
                                None => t_string!(i18n, support.you).to_string(),
                            }}</strong>" "
                            <LocalDateTime at=m.at />
                        </p>
                        <p class="body">{m.body}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
        <ActionForm action=reply attr:class="form">
            <input type="hidden" name="token" value=token />
            <Field id="web-reply" name="body" multiline=true required=true maxlength=MESSAGE_MAX error>
                {t!(i18n, support.reply)}
            </Field>
            <ErrorMessage error=form_error />
            <button type="submit" class="primary">{t!(i18n, support.send_reply)}</button>
        </ActionForm>
    }
}

/// The rating page (`/support/rate/{token}`, `?score=` chosen already): 1 to 5 and a comment; or
/// thanks once rated, or that the link has expired.
#[component]
pub fn RatePage(language_switch: ViewFn) -> impl IntoView {
    let i18n = use_i18n();
    let token = param("token");
    let query = use_query_map();
    let chosen = move || query.read().get("score").unwrap_or_default();
    let page = Resource::new(token, open_rating);
    let rate = ServerAction::<RateTicket>::new();
    let (error, form_error) = crate::ui::action_errors(rate);
    view! {
        <Public language_switch>
            <Suspense fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(RatingPage::Open { number, subject }) => view! {
                            <h1>{t!(i18n, support.rate_title)}</h1>
                            <p class="tagline">"#"{number}" "{subject}</p>
                            <ActionForm action=rate attr:class="form">
                                <input type="hidden" name="token" value=token() />
                                <fieldset class="score">
                                    <legend>{t!(i18n, support.score)}</legend>
                                    {(1..=5).rev().map(|n| {
                                        let (id, label_for) = (format!("score-{n}"), format!("score-{n}"));
                                        view! {
                                            <label for=label_for class="radio">
                                                <input type="radio" id=id name="score" value=n.to_string() required=true checked=chosen() == n.to_string() />
                                                <Stars score=n />
                                            </label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <crate::ui::FieldError id="score-error" field="score" error />
                                <Field id="rate-comment" name="comment" multiline=true maxlength=COMMENT_MAX error>
                                    {t!(i18n, support.comment)}
                                </Field>
                                <ErrorMessage error=form_error />
                                <button type="submit" class="primary">{t!(i18n, support.send_rating)}</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(RatingPage::Used) => view! {
                            <h1>{t!(i18n, support.thanks)}</h1>
                            <p role="status">{t!(i18n, support.rated_already)}</p>
                        }.into_any(),
                        Ok(RatingPage::Expired) => view! {
                            <h1>{t!(i18n, support.rate_title)}</h1>
                            <p role="alert">{t!(i18n, invalid.expired)}</p>
                        }.into_any(),
                        Err(e) => missing(e),
                    }
                })}
            </Suspense>
        </Public>
    }
}
