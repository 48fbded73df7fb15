//! The Settings page: links to the settings pages a role may open, the profile and the password.
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::components::A;

use crate::i18n::*;
use crate::users::model::{CurrentUser, Role};
use crate::users::views::{ChangePasswordForm, TimeZoneForm};

pub(super) fn role_name(i18n: I18nContext<Locale>, role: Role) -> &'static str {
    match role {
        Role::Admin => t_string!(i18n, roles.admin),
        Role::Manager => t_string!(i18n, roles.manager),
        Role::Sales => t_string!(i18n, roles.sales),
        Role::Support => t_string!(i18n, roles.support),
        Role::Viewer => t_string!(i18n, roles.viewer),
    }
}

#[component]
pub(super) fn SettingsPage() -> impl IntoView {
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
        {crate::reports::targets::may_set_targets(role).then(|| view! {
            <SettingsLink href="/settings/targets" title=|l| td_string!(l, targets.title).to_string() text=|l| td_string!(l, targets.open).to_string() />
        })}
        <SettingsLink href="/settings/tokens" title=|l| td_string!(l, tokens.title).to_string() text=|l| td_string!(l, tokens.open).to_string() />
        {(role == Role::Admin).then(|| view! {
            <SettingsLink href="/settings/pipelines" title=|l| td_string!(l, stages.title).to_string() text=|l| td_string!(l, settings.pipelines_hint).to_string() />
            <SettingsLink href="/settings/audit" title=|l| td_string!(l, audit.title).to_string() text=|l| td_string!(l, audit.open).to_string() />
            <SettingsLink href="/settings/desk" title=|l| td_string!(l, desk.title).to_string() text=|l| td_string!(l, desk.open).to_string() />
            <SettingsLink href="/settings/webhooks" title=|l| td_string!(l, webhooks.title).to_string() text=|l| td_string!(l, webhooks.open).to_string() />
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
        <TimeZoneForm />
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
