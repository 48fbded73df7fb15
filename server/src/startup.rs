//! Builds the application from `Settings`: database, router with its layers, and the server loop.
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::StatusCode;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::PgPool;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use app::users::auth::ServerState;
use app::users::db::SessionLimits;
use app::{App, shell};

use crate::config::{Database, DbTimeouts, Settings};
use crate::embedded_pg::EmbeddedPostgres;
use crate::security::{self, CspNonce};
use crate::session_layer;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The database Keel talks to, and the embedded cluster behind it when it runs one.
pub struct Db {
    pub pool: PgPool,
    embedded: Option<(EmbeddedPostgres, bool)>,
}

impl Db {
    /// Stops the embedded cluster if this process started it.
    pub fn shutdown(self) {
        if let Some((pg, started_here)) = self.embedded {
            if started_here {
                if let Err(e) = pg.stop() {
                    tracing::warn!("could not stop the embedded Postgres: {e}");
                }
            }
        }
    }
}

/// Starts the embedded cluster when needed, creates the database if missing, connects and migrates.
pub async fn connect(settings: &Settings) -> Result<Db, BoxError> {
    let (url, embedded) = match &settings.database {
        Database::Url(url) => (url.clone(), None),
        Database::Embedded { data_dir, port } => {
            let pg = EmbeddedPostgres::new(data_dir, *port)?;
            let started = tokio::task::block_in_place(|| pg.start())?;
            (pg.url("keel"), Some((pg, started)))
        }
    };
    if !sqlx::Postgres::database_exists(&url).await? {
        tracing::info!("creating the database");
        sqlx::Postgres::create_database(&url).await?;
    }
    // Migrations run on a connection of their own, without the request time budget (building
    // an index over a large table may take longer than any request should).
    {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&url).await?;
        MIGRATOR.run(&mut conn).await?;
        conn.close().await?;
    }
    let options = with_time_budget(url.parse()?, &settings.db_timeouts);
    let pool = PgPoolOptions::new()
        .max_connections(settings.db_max_connections)
        .acquire_timeout(std::time::Duration::from_secs(10))
        // sqlx pings every connection before handing it out: a round trip per query. Ping only
        // connections that sat idle long enough to have been dropped by a server or a proxy.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > std::time::Duration::from_secs(30) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await?;
    Ok(Db { pool, embedded })
}

/// Every connection of the pool starts with the request time budget (statement, lock and
/// idle-in-transaction timeouts), so no request holds a connection or a lock for long.
pub fn with_time_budget(options: PgConnectOptions, timeouts: &DbTimeouts) -> PgConnectOptions {
    options.options(timeouts.options())
}

pub fn leptos_options(settings: &Settings) -> LeptosOptions {
    // Leptos joins the hash file's name to the binary's folder: an absolute path stands alone.
    let hash_file = settings.hash_file.clone();
    LeptosOptions::builder()
        .output_name("keel")
        .site_root(settings.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .hash_files(hash_file.is_some())
        .hash_file(hash_file.map_or_else(|| "hash.txt".into(), Into::into))
        .build()
}

pub fn server_state(settings: &Settings, pool: PgPool) -> ServerState {
    ServerState {
        pool,
        limits: SessionLimits {
            idle: settings.session_idle,
            absolute: settings.session_absolute,
        },
        secure_cookies: settings.secure_cookies(),
        sessions: Default::default(),
        hashing: Default::default(),
        client_ip_header: settings.client_ip_header.clone(),
    }
}

/// Per-request Leptos context: the server state, the customer lists (handed to the shared list
/// machinery), the front end's links, and this response's CSP nonce.
fn context(state: ServerState, front: app::FrontEnd) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(state.clone());
        provide_context(app::lists::LISTS);
        provide_context(front.clone());
        provide_context(app::ui::PageResources::default());
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(CspNonce(n)) = parts.extensions.get::<CspNonce>() {
                provide_context(leptos::nonce::Nonce::from_value(n.clone()));
            }
        }
    }
}

#[derive(Clone)]
struct AppState {
    server: ServerState,
    leptos: LeptosOptions,
    front: app::FrontEnd,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos.clone()
    }
}

async fn server_fns(State(state): State<AppState>, req: Request) -> impl IntoResponse {
    leptos_axum::handle_server_fns_with_context(context(state.server, state.front), req).await
}

async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(&state.server.pool)
        .await
    {
        Ok(_) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!("health check: database unavailable: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

/// Unknown paths that are not files: the app renders its not-found page (status 404).
async fn not_found(State(state): State<AppState>, req: Request) -> Response {
    let handler =
        leptos_axum::render_app_to_stream_with_context(context(state.server, state.front), shell);
    handler(req).await.into_response()
}

pub fn router(settings: &Settings, pool: PgPool) -> Router {
    // Leptos spawns rendering tasks on tokio; a second call (tests) is a harmless no-op.
    let _ = any_spawner::Executor::init_tokio();
    let server = server_state(settings, pool);
    let leptos = leptos_options(settings);
    let assets = crate::pwa::Assets::load(settings.hash_file.as_deref());
    let front = app::FrontEnd::new(
        &format!("/{}", assets.js),
        &format!("/{}", assets.wasm),
        &format!("/{}", assets.css),
    );
    let state = AppState {
        server: server.clone(),
        leptos: leptos.clone(),
        front: front.clone(),
    };
    let routes = generate_route_list(App);
    let site_root = Arc::<str>::from(settings.site_root.as_str());

    let pages = Router::new().leptos_routes_with_context(
        &state,
        routes,
        context(server.clone(), front),
        shell,
    );
    let files = ServeDir::new(&*site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found.with_state(state.clone()));
    let files = Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn_with_state(
            assets.clone(),
            crate::pwa::cache_lifetime,
        ));

    let release = crate::pwa::Release::load(&site_root, &assets);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/sw.js", get(crate::pwa::worker))
        .route("/shell.html", get(crate::pwa::shell_page))
        .route("/shell.js", get(crate::pwa::shell_script))
        .route("/manifest.webmanifest", get(crate::pwa::manifest))
        .route("/api/events", get(crate::events::stream))
        .route("/export/{file}", get(crate::export::csv))
        .route("/export/report/{file}", get(crate::report_csv::csv))
        // Leptos registers each server function under /api/<endpoint>; this catches unknown names.
        .route("/api/{*fn_name}", post(server_fns))
        .merge(pages)
        .fallback_service(files)
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(settings.body_limit))
        // Uploaded files may be larger than any other request.
        .merge(
            Router::new()
                .route("/import/{kind}", post(crate::import::upload))
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::import::UPLOAD_LIMIT,
                ))
                .layer(RequestBodyLimitLayer::new(crate::import::UPLOAD_LIMIT)),
        )
        // The public REST API (a token in the Authorization header, never the session cookie).
        .merge(crate::api::router(
            server.pool.clone(),
            crate::api::limits::Limits::per_minute(settings.api_rate),
        ))
        .layer(axum::Extension(server.pool.clone()))
        .layer(SetResponseHeaderLayer::overriding(
            http::HeaderName::from_static("x-keel-version"),
            release.version.clone(),
        ))
        .layer(axum::Extension(release))
        .layer(axum::Extension(crate::events::Hub::start(
            server.pool.clone(),
            server.sessions.clone(),
            server.limits,
        )))
        .layer(axum::middleware::from_fn_with_state(
            settings.body_limit,
            crate::input_guard::refuse_nul_bytes,
        ))
        .layer(axum::middleware::from_fn(security::server_fn_error_status))
        .layer(axum::middleware::from_fn_with_state(
            server.clone(),
            session_layer::resolve,
        ))
        .layer(axum::middleware::from_fn(
            security::reject_cross_site_writes,
        ))
        .layer(axum::middleware::from_fn(security::csp))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::X_CONTENT_TYPE_OPTIONS,
            http::HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::REFERRER_POLICY,
            http::HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            http::header::X_FRAME_OPTIONS,
            http::HeaderValue::from_static("DENY"),
        ))
        // Pages and server functions are compressed as they are answered: at the fastest level,
        // whose small tables cost little per response (the default level's zeroed tables and
        // window were the largest part of a rendered page's server time; the files under
        // /pkg are compressed once, at build time).
        .layer(
            CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ))
        .layer(TraceLayer::new_for_http())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
    crate::events::stop_streams();
}

pub async fn serve(settings: Settings, db: Db) -> Result<(), BoxError> {
    let app = router(&settings, db.pool.clone());
    session_layer::spawn_session_sweeper(server_state(&settings, db.pool.clone()));
    session_layer::spawn_breach_scan(db.pool.clone(), settings.breach_scan);
    let sender = crate::webhooks::Sender::new(crate::webhooks::Settings::default())
        .map_err(|e| format!("the webhook client cannot start: {e}"))?;
    crate::webhooks::spawn(db.pool.clone(), sender);
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| format!("cannot listen on {} (KEEL_ADDR): {e}", settings.addr))?;
    let addr = listener.local_addr()?;
    // Pages are streamed in several writes; with Nagle's algorithm on, a write after the first
    // waits for the client's delayed ACK (40 ms on Linux).
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    tracing::info!(%addr, "Keel is listening");
    println!("Keel is running at http://{addr}");
    // The socket peer is the client's address for sign-in throttling (see KEEL_CLIENT_IP_HEADER).
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    db.pool.close().await;
    db.shutdown();
    result.map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::error::AppError;
    use sqlx::Connection;
    use std::time::Duration;

    fn budget() -> DbTimeouts {
        DbTimeouts {
            statement: Duration::from_millis(300),
            lock: Duration::from_millis(200),
            idle_in_transaction: Duration::from_secs(60),
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_statement_past_its_budget_is_cancelled_and_answered_busy(
        _: PgPoolOptions,
        options: PgConnectOptions,
    ) {
        let pool = PgPoolOptions::new()
            .connect_with(with_time_budget(options, &budget()))
            .await
            .unwrap();
        let e = sqlx::query("SELECT pg_sleep(2)")
            .execute(&pool)
            .await
            .unwrap_err();
        assert_eq!(AppError::from(e), AppError::Busy);
        let shown: String = sqlx::query_scalar("SHOW idle_in_transaction_session_timeout")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(shown, "1min");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_text_longer_than_its_column_is_a_field_error_not_a_500(pool: PgPool) {
        let e =
            sqlx::query("INSERT INTO companies (name, industry) VALUES ('Co', repeat('a', 101))")
                .execute(&pool)
                .await
                .unwrap_err();
        assert_eq!(
            AppError::from(e),
            AppError::invalid("industry", app::error::Invalid::TooLong { max: 100 })
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_lock_wait_past_its_budget_is_answered_busy(
        _: PgPoolOptions,
        options: PgConnectOptions,
    ) {
        let mut holder = sqlx::PgConnection::connect_with(&options).await.unwrap();
        let mut tx = holder.begin().await.unwrap();
        sqlx::query("LOCK TABLE app_meta IN ACCESS EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .unwrap();
        let pool = PgPoolOptions::new()
            .connect_with(with_time_budget(options, &budget()))
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let e = sqlx::query("SELECT count(*) FROM app_meta")
            .execute(&pool)
            .await
            .unwrap_err();
        assert_eq!(AppError::from(e), AppError::Busy);
        assert!(started.elapsed() < Duration::from_secs(5));
        tx.rollback().await.unwrap();
    }
}
