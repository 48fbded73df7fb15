//! Settings → API tokens: the user's tokens (an administrator's list: everyone's), each with its
//! grants, expiry and last use, revoked with one button; a form that makes one and shows its
//! secret once.
use leptos::prelude::*;

use super::api::{CreateApiToken, RevokeApiToken, list_api_tokens};
use super::model::{Access, EXPIRY_DAYS, Entity, TokenRow};
use crate::i18n::*;
use crate::ui::{ErrorMessage, Field, FieldError, LocalDateTime, PageHeader, SecretNotice};

fn entity_name(i18n: leptos_i18n::I18nContext<Locale>, e: Entity) -> &'static str {
    match e {
        Entity::Companies => t_string!(i18n, nav.companies),
        Entity::Contacts => t_string!(i18n, nav.contacts),
        Entity::Leads => t_string!(i18n, nav.leads),
        Entity::Deals => t_string!(i18n, tokens.deals),
        Entity::Activities => t_string!(i18n, tokens.activities),
        Entity::Tasks => t_string!(i18n, tokens.tasks),
        Entity::Tickets => t_string!(i18n, nav.tickets),
        Entity::Pipelines => t_string!(i18n, tokens.pipelines),
        Entity::Users => t_string!(i18n, tokens.users),
    }
}

fn access_name(i18n: leptos_i18n::I18nContext<Locale>, a: Access) -> &'static str {
    match a {
        Access::None => t_string!(i18n, tokens.none),
        Access::Read => t_string!(i18n, tokens.read),
        Access::Write => t_string!(i18n, tokens.write),
    }
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let data = crate::ui::page_resource(move || reload.get(), |_| list_api_tokens());
    view! {
        <PageHeader title=move || t_string!(i18n, tokens.title) subtitle=ViewFn::from(move || t!(i18n, tokens.hint)) />
        <NewTokenForm reload />
        <Transition fallback=|| view! { <div class="skeleton" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) => Ok(view! { <TokenList rows reload /> }.into_any()),
                    Err(e) => crate::ui::page_error(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn TokenList(rows: Vec<TokenRow>, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let revoke = ServerAction::<RevokeApiToken>::new();
    Effect::new(move || {
        if matches!(revoke.value().get(), Some(Ok(()))) {
            reload.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    if rows.is_empty() {
        return view! { <p class="empty">{t!(i18n, tokens.empty)}</p> }.into_any();
    }
    let now = chrono::Utc::now();
    view! {
        <ErrorMessage error />
        <div class="table-wrap">
        <table class="records tokens">
            <caption class="visually-hidden">{t!(i18n, tokens.title)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, tokens.name)}</th>
                <th scope="col">{t!(i18n, tokens.owner)}</th>
                <th scope="col">{t!(i18n, tokens.grants)}</th>
                <th scope="col">{t!(i18n, tokens.expires)}</th>
                <th scope="col">{t!(i18n, tokens.last_used)}</th>
                <th scope="col">{t!(i18n, tokens.state)}</th>
            </tr></thead>
            <tbody>
            {rows.into_iter().map(|r| {
                let id = r.id;
                let live = r.revoked_at.is_none() && r.expires_at > now;
                let expired = r.revoked_at.is_none() && !live;
                let grants = r.scopes.0.clone();
                let name = r.name.clone();
                view! {
                    <tr>
                        <th scope="row">{r.name.clone()}<br /><code class="muted">{format!("…{}", r.hint)}</code></th>
                        <td>{r.owner.clone()}</td>
                        <td>
                            <ul class="grants">
                            {move || grants.iter().map(|(e, a)| view! {
                                <li>{entity_name(i18n, *e)}": "{access_name(i18n, *a)}</li>
                            }).collect_view()}
                            </ul>
                        </td>
                        <td><LocalDateTime at=r.expires_at /></td>
                        <td>
                            {match r.last_used_at {
                                Some(at) => view! { <LocalDateTime at />{r.last_used_from.clone().map(|a| view! { <br /><span class="muted">{a}</span> })} }.into_any(),
                                None => view! { <span class="muted">{t!(i18n, tokens.never)}</span> }.into_any(),
                            }}
                        </td>
                        <td>
                            {if live {
                                view! {
                                    <button type="button" class="secondary danger"
                                        aria-label=move || format!("{} {}", t_string!(i18n, tokens.revoke), name)
                                        disabled=move || revoke.pending().get()
                                        on:click=move |_| { revoke.dispatch(RevokeApiToken { id }); }>
                                        {t!(i18n, tokens.revoke)}
                                    </button>
                                }.into_any()
                            } else if expired {
                                view! { <span class="badge">{t!(i18n, tokens.expired)}</span> }.into_any()
                            } else {
                                view! { <span class="badge">{t!(i18n, tokens.revoked)}</span> }.into_any()
                            }}
                        </td>
                    </tr>
                }
            }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

/// The form that makes a token; the secret it answers is shown here once.
#[component]
fn NewTokenForm(reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiToken>::new();
    Effect::new(move || {
        if matches!(create.value().get(), Some(Ok(_))) {
            reload.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let form_error = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, crate::error::AppError::Validation { .. }))
    });
    let secret = move || create.value().get().and_then(Result::ok).map(|t| t.secret);
    view! {
        {move || secret().map(|s| view! {
            <SecretNotice id="token-secret" secret=s title=move || t!(i18n, tokens.made)
                hint=move || t!(i18n, tokens.copy_now) label=move || t!(i18n, tokens.secret) />
        })}
        <details class="panel new-policy">
            <summary>{t!(i18n, tokens.new)}</summary>
            <ActionForm action=create attr:class="form">
                <Field id="token-name" name="input[name]" error_key="name" required=true maxlength=super::model::TokenDraft::NAME_MAX error>
                    {t!(i18n, tokens.name)}
                </Field>
                <div class="field">
                    <label for="token-days">{t!(i18n, tokens.expires_in)}</label>
                    <select id="token-days" name="input[days]" aria-describedby="token-days-error">
                        {EXPIRY_DAYS.into_iter().map(|d| view! {
                            <option value=d.to_string() selected=d == 90>{t!(i18n, tokens.days, n = move || d)}</option>
                        }).collect_view()}
                    </select>
                    <FieldError id="token-days-error" error field="days" />
                </div>
                <fieldset class="grants-form">
                    <legend>{t!(i18n, tokens.grants)}</legend>
                    {Entity::ALL.into_iter().map(|e| {
                        let id = format!("token-scope-{}", e.key());
                        let err = format!("{id}-error");
                        let choices: &[Access] = if e.read_only() { &[Access::None, Access::Read] } else { &[Access::None, Access::Read, Access::Write] };
                        view! {
                            <div class="field">
                                <label for=id.clone()>{move || entity_name(i18n, e)}</label>
                                <select id=id name=format!("input[scopes][{}]", e.key()) aria-describedby=err.clone()>
                                    {choices.iter().map(|a| {
                                        let a = *a;
                                        view! { <option value=format!("{a:?}").to_lowercase()>{move || access_name(i18n, a)}</option> }
                                    }).collect_view()}
                                </select>
                                <FieldError id=err error field=e.field() />
                            </div>
                        }
                    }).collect_view()}
                    <FieldError id="token-scopes-error" error field="scopes" />
                </fieldset>
                <ErrorMessage error=form_error />
                <button type="submit" class="primary" disabled=move || create.pending().get()>
                    {t!(i18n, tokens.create)}
                </button>
            </ActionForm>
        </details>
    }
}
