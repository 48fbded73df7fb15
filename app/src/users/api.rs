//! Server functions for signing in and out, the current user, language and password.
use leptos::prelude::*;

use super::model::CurrentUser;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod server {
    use http::header::{HeaderValue, SET_COOKIE};
    use leptos::prelude::use_context;

    use crate::error::AppError;

    pub fn set_cookie(value: String) -> Result<(), AppError> {
        let res = use_context::<leptos_axum::ResponseOptions>()
            .ok_or_else(|| AppError::internal("ResponseOptions missing"))?;
        res.append_header(
            SET_COOKIE,
            HeaderValue::from_str(&value).map_err(AppError::internal)?,
        );
        Ok(())
    }
}

/// Signs in with email and password; returns the (same-site) path to go to next.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use super::model::{Email, NewPassword};
    use super::throttle::{self, ThrottleKey};
    use super::{auth, db, redirect};
    use crate::error::Invalid;

    let st = auth::state()?;
    // Parsed before anything is counted or looked up: a malformed or huge email cannot be an
    // account, and saying so reveals nothing.
    let email = Email::parse(&email).map_err(|why| AppError::invalid("email", why))?;
    NewPassword::check_typed(&password).map_err(|why| AppError::invalid("password", why))?;
    let account = ThrottleKey::account(&email);
    let address = ThrottleKey::address(auth::client_addr());
    throttle::count_attempt(&st.pool, &[&address, &account]).await?;

    let found = db::find_for_login(&st.pool, email.as_str()).await?;
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), Some(h)),
        None => (None, None),
    };
    let verified = st.hashing.verify(password, hash).await?;
    let Some(user) = user.filter(|_| verified) else {
        return Err(AppError::invalid("form", Invalid::Credentials));
    };

    // A new session id at every sign-in; the one this browser had before (if any) ends.
    let (token, token_hash) = auth::new_token();
    let user_agent = auth::request_header(http::header::USER_AGENT);
    let mut tx = st.pool.begin().await?;
    throttle::succeeded(&mut tx, &account, &address).await?;
    let old = auth::request_cookie(auth::SESSION_COOKIE).map(|t| auth::hash_token(&t));
    if let Some(old) = &old {
        db::delete_session(&mut *tx, old).await?;
    }
    db::insert_session(&mut *tx, user.id, &token_hash, user_agent.as_deref()).await?;
    tx.commit().await?;
    if let Some(old) = &old {
        st.sessions.forget(old);
    }

    server::set_cookie(auth::session_cookie(&token, st.secure_cookies, st.limits))?;
    server::set_cookie(auth::locale_cookie(&user.locale, st.secure_cookies))?;
    let next = redirect::safe_next(next.as_deref());
    if auth::is_plain_form_post() {
        leptos_axum::redirect(&next);
    }
    Ok(next)
}

/// Ends the current session on the server and clears its cookie.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::{auth, db};
    let st = auth::state()?;
    if let Ok(session) = auth::authenticated() {
        db::delete_session(&st.pool, &session.token_hash).await?;
        st.sessions.forget_user(session.user.id);
    }
    server::set_cookie(auth::clear_session_cookie(st.secure_cookies))?;
    if auth::is_plain_form_post() {
        leptos_axum::redirect("/login");
    }
    Ok(())
}

/// The signed-in user.
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<CurrentUser, AppError> {
    super::auth::current_user()
}

/// Remembers the UI language: in the signed-in user's profile and, for anyone, in the browser's
/// cookie (the sign-in page's switch is a plain form that needs no code in the browser).
#[server(prefix = "/api", endpoint = "set_locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    use super::{auth, db, model::LOCALES};
    use crate::error::Invalid;
    if !LOCALES.contains(&locale.as_str()) {
        return Err(AppError::invalid("locale", Invalid::Choice));
    }
    let st = auth::state()?;
    match auth::current_user() {
        Ok(user) => {
            db::set_locale(&st.pool, user.id, &locale).await?;
            st.sessions.forget_user(user.id);
        }
        // Signed out (the sign-in page): the browser's cookie alone.
        Err(AppError::Unauthorized) => {}
        Err(e) => return Err(e),
    }
    server::set_cookie(auth::locale_cookie(&locale, st.secure_cookies))?;
    Ok(())
}

/// The signed-in user's time zone (reports count days, weeks and months in it).
#[server(prefix = "/api", endpoint = "my_time_zone")]
pub async fn my_time_zone() -> Result<String, AppError> {
    let user = super::auth::current_user()?;
    super::db::time_zone(&super::auth::state()?.pool, user.id).await
}

/// Saves the signed-in user's time zone: an IANA name the server knows, such as Asia/Shanghai.
#[server(prefix = "/api", endpoint = "set_time_zone")]
pub async fn set_time_zone(time_zone: String) -> Result<String, AppError> {
    use crate::error::Invalid;
    let user = super::auth::current_user()?;
    let zone: chrono_tz::Tz = time_zone
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("time_zone", Invalid::TimeZone))?;
    let name = zone.name().to_string();
    super::db::set_time_zone(&super::auth::state()?.pool, user.id, &name).await?;
    Ok(name)
}

/// Changes the password, ends every session of the user and starts a new one for this browser
/// (a new token in a new cookie: whoever held the old one, here or elsewhere, is signed out).
/// Proving the current password is throttled and gated like signing in.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use super::model::{Email, NewPassword};
    use super::throttle::{self, ThrottleKey};
    use super::{auth, db};
    use crate::error::Invalid;
    let session = auth::authenticated()?;
    let user = session.user.id;
    NewPassword::check_typed(&current_password)
        .map_err(|why| AppError::invalid("current_password", why))?;
    let new =
        NewPassword::parse(&new_password).map_err(|why| AppError::invalid("new_password", why))?;
    if new_password != confirm_password {
        return Err(AppError::invalid("confirm_password", Invalid::Mismatch));
    }
    let st = auth::state()?;
    let account = Email::parse(&session.user.email)
        .map(|e| ThrottleKey::account(&e))
        .unwrap_or_else(|_| ThrottleKey::user(user));
    let address = ThrottleKey::address(auth::client_addr());
    throttle::count_attempt(&st.pool, &[&address, &account]).await?;

    // No connection is held while hashing; the update below checks nothing changed meanwhile.
    let stored = db::password_hash(&st.pool, user).await?;
    if !st
        .hashing
        .verify(current_password, Some(stored.clone()))
        .await?
    {
        return Err(AppError::invalid("current_password", Invalid::Credentials));
    }
    let hash = st.hashing.hash(new.expose().to_string()).await?;

    let (token, token_hash) = auth::new_token();
    let user_agent = auth::request_header(http::header::USER_AGENT);
    let mut tx = st.pool.begin().await?;
    if !db::replace_password(&mut tx, user, &stored, &hash).await? {
        return Err(AppError::Conflict);
    }
    db::insert_session(&mut *tx, user, &token_hash, user_agent.as_deref()).await?;
    db::delete_other_sessions(&mut tx, user, &token_hash).await?;
    throttle::succeeded(&mut tx, &account, &address).await?;
    tx.commit().await?;
    st.sessions.forget_user(user);
    server::set_cookie(auth::session_cookie(&token, st.secure_cookies, st.limits))?;
    Ok(())
}
