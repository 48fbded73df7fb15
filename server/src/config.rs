//! Settings from the environment, each bad value refused with a message naming the variable.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Database {
    /// `DATABASE_URL` was given: use that server.
    Url(String),
    /// No `DATABASE_URL`: Keel runs its own Postgres cluster under the data folder.
    Embedded { data_dir: PathBuf, port: u16 },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: Database,
    pub addr: SocketAddr,
    pub site_root: String,
    /// The names the release build gave the front end's files (`js: …`, `wasm: …`, `css: …`):
    /// `KEEL_HASH_FILE`, else the `hash.txt` that cargo-leptos writes beside the binary. None for
    /// a build without hashed names (the files are then `pkg/keel.js` and so on).
    pub hash_file: Option<String>,
    pub public_url: Option<String>,
    pub session_idle: chrono::Duration,
    pub session_absolute: chrono::Duration,
    pub request_timeout: Duration,
    pub body_limit: usize,
    pub db_max_connections: u32,
    /// `KEEL_CLIENT_IP_HEADER`: set only when Keel runs behind a reverse proxy that writes the
    /// client's address into this header (e.g. `X-Forwarded-For`, `X-Real-IP`); the last entry is
    /// taken. Unset, the TCP peer is the client, and a header sent by the client counts for nothing.
    /// Sign-in throttling counts attempts per client address.
    pub client_ip_header: Option<http::HeaderName>,
    /// Each request's database time budget, set on every pooled connection.
    pub db_timeouts: DbTimeouts,
    /// `KEEL_BREACH_SCAN_SECS`: how often tickets past a due time are looked for (a breach is
    /// told within this long).
    pub breach_scan: Duration,
    /// `KEEL_API_RATE`: the public API's requests a minute per token (bursts of a tenth), and
    /// twice that per client address; per instance.
    pub api_rate: u32,
    pub log_filter: String,
    pub log_format: LogFormat,
}

/// Postgres settings that keep one slow statement, lock wait or forgotten transaction from
/// holding a pooled connection (and the rows it locks) for long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DbTimeouts {
    /// `statement_timeout`: a statement running longer is cancelled.
    pub statement: Duration,
    /// `lock_timeout`: a statement waiting longer for a row or table lock is cancelled.
    pub lock: Duration,
    /// `idle_in_transaction_session_timeout`: a connection idle this long inside a transaction
    /// is closed (its transaction rolled back, its locks released).
    pub idle_in_transaction: Duration,
}

impl DbTimeouts {
    /// The settings as `-c name=value` startup options of a connection.
    pub fn options(&self) -> [(&'static str, String); 3] {
        let ms = |d: Duration| format!("{}ms", d.as_millis());
        [
            ("statement_timeout", ms(self.statement)),
            ("lock_timeout", ms(self.lock)),
            (
                "idle_in_transaction_session_timeout",
                ms(self.idle_in_transaction),
            ),
        ]
    }
}

#[derive(Debug, PartialEq, thiserror::Error)]
#[error("{var}={value:?} is not valid: expected {expected}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl Settings {
    /// Cookies get `Secure` when Keel is reached over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    pub fn from_env() -> Result<Settings, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        fn bad(var: &'static str, value: &str, expected: &'static str) -> ConfigError {
            ConfigError {
                var,
                value: value.to_string(),
                expected,
            }
        }
        fn number<T: std::str::FromStr + PartialOrd + Copy>(
            get: &impl Fn(&str) -> Option<String>,
            var: &'static str,
            default: T,
            min: T,
            expected: &'static str,
        ) -> Result<T, ConfigError> {
            match get(var) {
                None => Ok(default),
                Some(v) => match v.trim().parse::<T>() {
                    Ok(n) if n >= min => Ok(n),
                    _ => Err(bad(var, &v, expected)),
                },
            }
        }

        let database = match get("DATABASE_URL") {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Url(url)
            }
            Some(url) => {
                return Err(bad(
                    "DATABASE_URL",
                    &url,
                    "a postgres:// or postgresql:// URL",
                ));
            }
            None => Database::Embedded {
                data_dir: match get("KEEL_DATA_DIR") {
                    Some(d) if !d.trim().is_empty() => PathBuf::from(d),
                    _ => default_data_dir(),
                },
                port: number(
                    &get,
                    "KEEL_PG_PORT",
                    5433u16,
                    1024,
                    "a port number from 1024 to 65535",
                )?,
            },
        };
        let addr = match get("KEEL_ADDR") {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| bad("KEEL_ADDR", &v, "a socket address such as 127.0.0.1:3000"))?,
        };
        let public_url = match get("KEEL_PUBLIC_URL") {
            None => None,
            Some(u)
                if (u.starts_with("http://") || u.starts_with("https://"))
                    && !u.trim_end_matches('/').ends_with(':') =>
            {
                Some(u.trim_end_matches('/').to_string())
            }
            Some(u) => {
                return Err(bad(
                    "KEEL_PUBLIC_URL",
                    &u,
                    "an http:// or https:// URL such as https://crm.example.com",
                ));
            }
        };
        let idle: i64 = number(
            &get,
            "KEEL_SESSION_IDLE_MINUTES",
            480,
            1,
            "a whole number of minutes, at least 1",
        )?;
        let absolute: i64 = number(
            &get,
            "KEEL_SESSION_ABSOLUTE_HOURS",
            168,
            1,
            "a whole number of hours, at least 1",
        )?;
        let timeout: u64 = number(
            &get,
            "KEEL_REQUEST_TIMEOUT_SECS",
            30,
            1,
            "a whole number of seconds, at least 1",
        )?;
        let body_limit: usize = number(
            &get,
            "KEEL_BODY_LIMIT_BYTES",
            2 * 1024 * 1024,
            1024,
            "a number of bytes, at least 1024",
        )?;
        let breach_scan: u64 = number(
            &get,
            "KEEL_BREACH_SCAN_SECS",
            30,
            1,
            "a whole number of seconds, at least 1",
        )?;
        let api_rate: u32 = number(
            &get,
            "KEEL_API_RATE",
            600,
            10,
            "a whole number of requests a minute, at least 10",
        )?;
        let db_max_connections: u32 = number(
            &get,
            "KEEL_DB_MAX_CONNECTIONS",
            10,
            1,
            "a whole number, at least 1",
        )?;
        let client_ip_header = match get("KEEL_CLIENT_IP_HEADER") {
            None => None,
            Some(h) => Some(
                http::HeaderName::from_bytes(h.trim().as_bytes()).map_err(|_| {
                    bad(
                        "KEEL_CLIENT_IP_HEADER",
                        &h,
                        "a header name such as X-Forwarded-For",
                    )
                })?,
            ),
        };
        let statement_timeout: u64 = number(
            &get,
            "KEEL_DB_STATEMENT_TIMEOUT_SECS",
            20,
            1,
            "a whole number of seconds, at least 1",
        )?;
        let lock_timeout: u64 = number(
            &get,
            "KEEL_DB_LOCK_TIMEOUT_SECS",
            5,
            1,
            "a whole number of seconds, at least 1",
        )?;
        let idle_tx_timeout: u64 = number(
            &get,
            "KEEL_DB_IDLE_TRANSACTION_TIMEOUT_SECS",
            60,
            1,
            "a whole number of seconds, at least 1",
        )?;
        let log_format = match get("KEEL_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(bad("KEEL_LOG_FORMAT", other, "text or json")),
        };
        let log_filter = get("KEEL_LOG").unwrap_or_else(|| "info,sqlx=warn,tower_http=info".into());
        if tracing_subscriber::EnvFilter::try_new(&log_filter).is_err() {
            return Err(bad(
                "KEEL_LOG",
                &log_filter,
                "a tracing filter such as info or keel=debug,sqlx=warn",
            ));
        }
        let site_root = get("KEEL_SITE_ROOT")
            .or_else(|| get("LEPTOS_SITE_ROOT"))
            .unwrap_or_else(|| "target/site".into());

        let hash_file = get("KEEL_HASH_FILE")
            .map(|f| {
                std::path::absolute(&f)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or(f)
            })
            .or_else(|| {
                let beside = std::env::current_exe().ok()?.parent()?.join("hash.txt");
                beside
                    .exists()
                    .then(|| beside.to_string_lossy().into_owned())
            });

        Ok(Settings {
            database,
            addr,
            site_root,
            hash_file,
            public_url,
            session_idle: chrono::Duration::minutes(idle),
            session_absolute: chrono::Duration::hours(absolute),
            request_timeout: Duration::from_secs(timeout),
            body_limit,
            db_max_connections,
            client_ip_header,
            db_timeouts: DbTimeouts {
                statement: Duration::from_secs(statement_timeout),
                lock: Duration::from_secs(lock_timeout),
                idle_in_transaction: Duration::from_secs(idle_tx_timeout),
            },
            breach_scan: Duration::from_secs(breach_scan),
            api_rate,
            log_filter,
            log_format,
        })
    }
}

/// Root keeps its data in /var/lib/keel (readable by the `postgres` user, which runs the
/// cluster); anyone else in their own data folder.
fn default_data_dir() -> PathBuf {
    if crate::embedded_pg::is_root() {
        PathBuf::from("/var/lib/keel")
    } else {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        home.join(".local/share/keel")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_serve_on_localhost_3000_with_the_embedded_database() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert!(matches!(s.database, Database::Embedded { port: 5433, .. }));
        assert!(!s.secure_cookies());
        assert_eq!(s.session_idle, chrono::Duration::minutes(480));
    }

    #[test]
    fn a_database_url_replaces_the_embedded_default() {
        let s = settings(&[("DATABASE_URL", "postgres://u@h/db")]).unwrap();
        assert_eq!(s.database, Database::Url("postgres://u@h/db".into()));
    }

    #[test]
    fn a_bad_listen_address_names_the_variable() {
        let e = settings(&[("KEEL_ADDR", "localhost")]).unwrap_err();
        assert_eq!(e.var, "KEEL_ADDR");
        assert!(
            e.to_string()
                .contains("KEEL_ADDR=\"localhost\" is not valid")
        );
    }

    #[test]
    fn a_database_url_of_another_scheme_is_refused() {
        assert_eq!(
            settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err().var,
            "DATABASE_URL"
        );
    }

    #[test]
    fn numbers_out_of_range_or_not_numbers_are_refused() {
        assert_eq!(
            settings(&[("KEEL_SESSION_IDLE_MINUTES", "0")])
                .unwrap_err()
                .var,
            "KEEL_SESSION_IDLE_MINUTES"
        );
        assert_eq!(
            settings(&[("KEEL_PG_PORT", "80")]).unwrap_err().var,
            "KEEL_PG_PORT"
        );
        assert_eq!(
            settings(&[("KEEL_BODY_LIMIT_BYTES", "lots")])
                .unwrap_err()
                .var,
            "KEEL_BODY_LIMIT_BYTES"
        );
        assert_eq!(
            settings(&[("KEEL_LOG_FORMAT", "xml")]).unwrap_err().var,
            "KEEL_LOG_FORMAT"
        );
    }

    #[test]
    fn a_client_ip_header_is_trusted_only_when_configured_and_valid() {
        assert_eq!(settings(&[]).unwrap().client_ip_header, None);
        assert_eq!(
            settings(&[("KEEL_CLIENT_IP_HEADER", "X-Forwarded-For")])
                .unwrap()
                .client_ip_header,
            Some(http::HeaderName::from_static("x-forwarded-for"))
        );
        assert_eq!(
            settings(&[("KEEL_CLIENT_IP_HEADER", "not a header")])
                .unwrap_err()
                .var,
            "KEEL_CLIENT_IP_HEADER"
        );
    }

    #[test]
    fn database_timeouts_default_below_the_request_timeout_and_can_be_set() {
        let s = settings(&[]).unwrap();
        assert!(s.db_timeouts.statement < s.request_timeout);
        assert_eq!(
            s.db_timeouts.options()[1],
            ("lock_timeout", "5000ms".to_string())
        );
        let s = settings(&[("KEEL_DB_STATEMENT_TIMEOUT_SECS", "3")]).unwrap();
        assert_eq!(
            s.db_timeouts.options()[0],
            ("statement_timeout", "3000ms".to_string())
        );
        assert_eq!(
            settings(&[("KEEL_DB_LOCK_TIMEOUT_SECS", "0")])
                .unwrap_err()
                .var,
            "KEEL_DB_LOCK_TIMEOUT_SECS"
        );
    }

    #[test]
    fn an_https_public_url_turns_on_secure_cookies() {
        assert!(
            settings(&[("KEEL_PUBLIC_URL", "https://crm.example.com/")])
                .unwrap()
                .secure_cookies()
        );
        assert_eq!(
            settings(&[("KEEL_PUBLIC_URL", "crm.example.com")])
                .unwrap_err()
                .var,
            "KEEL_PUBLIC_URL"
        );
    }
}
