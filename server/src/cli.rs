//! The `keel` command line: serve, migrate, seed-demo, create-admin, and the embedded database.
use std::io::{BufRead, IsTerminal, Write};

use clap::{Parser, Subcommand};

use app::users::model::{Email, NewPassword, Role};
use app::users::{db as users_db, password};

use crate::bulk;
use crate::config::{Database, Settings};
use crate::embedded_pg::EmbeddedPostgres;
use crate::seed;
use crate::startup::{self, BoxError};

#[derive(Parser, Debug)]
#[command(name = "keel", version, about = "Keel CRM server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate and serve Keel (the default).
    Serve {
        /// Seed the demo data first (idempotent).
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Print the public API's OpenAPI document (as served at /api/v1/openapi.json).
    Openapi,
    /// Load the demo data (idempotent) and print the demo logins.
    SeedDemo,
    /// Load a large synthetic data set through COPY (for benchmarks; run seed-demo first).
    SeedBulk {
        #[arg(long, default_value_t = 1_000_000)]
        contacts: usize,
        #[arg(long, default_value_t = 100_000)]
        companies: usize,
        #[arg(long, default_value_t = 200_000)]
        leads: usize,
        /// Timeline entries (logged interactions).
        #[arg(long, default_value_t = 5_000_000)]
        timeline: usize,
        /// Service desk tickets, and the messages on them.
        #[arg(long, default_value_t = 1_000_000)]
        tickets: usize,
        #[arg(long, default_value_t = 5_000_000)]
        replies: usize,
        /// Deals over the last three years, with their stage history (for the reports; made once:
        /// a second run adds only what is missing).
        #[arg(long, default_value_t = 200_000)]
        deals: usize,
    },
    /// Look for SLA breaches once, as the server does every KEEL_BREACH_SCAN_SECS, and print how
    /// long each batch and the whole run took (a benchmark of the scan).
    BreachScan,
    /// Create an administrator, or make an existing account (even a deactivated one) an active
    /// administrator with a new password, signed out everywhere. The password is never an argument
    /// (anyone can read arguments in `ps`): it comes from KEEL_ADMIN_PASSWORD, else a prompt
    /// without echo, else a line of standard input when that is not a terminal.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Make an API token for an existing user (a service account, a script) and print its secret,
    /// as Settings → API tokens does. Grants: `contacts=write,companies=read`, or `all=read` /
    /// `all=write` for every kind of record.
    CreateToken {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Command line")]
        name: String,
        #[arg(long, default_value = "all=read")]
        grants: String,
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// Manage the embedded Postgres cluster (used when DATABASE_URL is not set).
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbAction {
    /// Start the cluster, create the database if needed, and print its URL.
    Start,
    /// Stop the cluster.
    Stop,
    /// Print the URL of the embedded database.
    Url,
}

pub async fn run(cli: Cli, settings: Settings) -> Result<(), BoxError> {
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            let db = startup::connect(&settings).await?;
            if demo {
                seed::seed_demo(&db.pool).await?;
                seed::print_logins();
            }
            startup::serve(settings, db).await
        }
        Command::Openapi => {
            println!("{}", crate::api::openapi_json());
            Ok(())
        }
        Command::Migrate => {
            let db = startup::connect(&settings).await?;
            println!("migrations applied");
            db.pool.close().await;
            db.shutdown();
            Ok(())
        }
        Command::SeedDemo => {
            let db = startup::connect(&settings).await?;
            let seeded = seed::seed_demo(&db.pool).await?;
            println!(
                "{}",
                if seeded {
                    "demo data loaded"
                } else {
                    "demo data already present"
                }
            );
            seed::print_logins();
            db.pool.close().await;
            db.shutdown();
            Ok(())
        }
        Command::SeedBulk {
            contacts,
            companies,
            leads,
            timeline,
            tickets,
            replies,
            deals,
        } => {
            let db = startup::connect(&settings).await?;
            bulk::seed_bulk(
                &db.pool,
                bulk::Sizes {
                    contacts,
                    companies,
                    leads,
                    timeline,
                    tickets,
                    replies,
                    deals,
                },
            )
            .await?;
            db.pool.close().await;
            db.shutdown();
            Ok(())
        }
        Command::BreachScan => {
            let db = startup::connect(&settings).await?;
            let run = std::time::Instant::now();
            let mut total = 0;
            loop {
                let batch = std::time::Instant::now();
                let n = crate::session_layer::scan_batch(&db.pool).await?;
                println!(
                    "batch: {n} breaches told in {:.1} ms",
                    batch.elapsed().as_secs_f64() * 1000.0
                );
                total += n;
                if n < crate::session_layer::BREACH_BATCH as u64 {
                    break;
                }
            }
            println!(
                "run: {total} breaches told in {:.1} ms",
                run.elapsed().as_secs_f64() * 1000.0
            );
            db.pool.close().await;
            db.shutdown();
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let email = Email::parse(&email)
                .map_err(|why| format!("--email: not a valid email address ({why:?})"))?;
            let password = match std::env::var(ADMIN_PASSWORD_VAR) {
                Ok(p) if !p.is_empty() => p,
                _ => read_password()?,
            };
            let password = NewPassword::parse(&password)
                .map_err(|why| format!("password refused: {why:?}"))?;
            let db = startup::connect(&settings).await?;
            create_admin(&db.pool, &email, &password, &name).await?;
            println!("administrator {} is ready", email.as_str());
            db.pool.close().await;
            db.shutdown();
            Ok(())
        }
        Command::CreateToken {
            email,
            name,
            grants,
            days,
        } => {
            let db = startup::connect(&settings).await?;
            let secret = create_token(&db.pool, &email, name, &grants, days).await?;
            println!("{secret}");
            db.pool.close().await;
            db.shutdown();
            Ok(())
        }
        Command::Db { action } => {
            let Database::Embedded { data_dir, port } = &settings.database else {
                return Err(
                    "DATABASE_URL is set: Keel is not managing a database of its own".into(),
                );
            };
            let pg = EmbeddedPostgres::new(data_dir, *port)?;
            match action {
                DbAction::Start => {
                    pg.start()?;
                    let url = pg.url("keel");
                    if !<sqlx::Postgres as sqlx::migrate::MigrateDatabase>::database_exists(&url)
                        .await?
                    {
                        <sqlx::Postgres as sqlx::migrate::MigrateDatabase>::create_database(&url)
                            .await?;
                    }
                    println!("{url}");
                }
                DbAction::Stop => pg.stop()?,
                DbAction::Url => println!("{}", pg.url("keel")),
            }
            Ok(())
        }
    }
}

/// Where `create-admin` reads the password from when it is set.
pub const ADMIN_PASSWORD_VAR: &str = "KEEL_ADMIN_PASSWORD";

/// Creates an administrator, or makes the account with that email an active one with this
/// password. Every session the account had ends: a reset is a fresh start, and a deactivated
/// account's old sessions must not come back to life with it.
pub async fn create_admin(
    pool: &sqlx::PgPool,
    email: &Email,
    password: &NewPassword,
    name: &str,
) -> Result<(), BoxError> {
    let hash = password::hash(password.expose().to_string()).await?;
    let mut tx = pool.begin().await?;
    let id = users_db::upsert_user(&mut tx, email.as_str(), name, &hash, Role::Admin, "en").await?;
    users_db::activate(&mut tx, id).await?;
    users_db::delete_sessions_of(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

fn read_password() -> Result<String, BoxError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for the administrator: ");
        std::io::stderr().flush()?;
        let _ = std::process::Command::new("stty").arg("-echo").status();
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line);
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
        read?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// A token of the user with `email`, made through the same parsing and code as the Settings page.
async fn create_token(
    pool: &sqlx::PgPool,
    email: &str,
    name: String,
    grants: &str,
    days: u32,
) -> Result<String, BoxError> {
    use app::tokens::model::{Entity, TokenInput};
    let mut scopes = std::collections::BTreeMap::new();
    for grant in grants.split(',').filter(|g| !g.trim().is_empty()) {
        let (kind, access) = grant
            .split_once('=')
            .ok_or_else(|| format!("--grants: {grant:?} is not kind=access"))?;
        if kind.trim() == "all" {
            for e in Entity::ALL {
                let a = if e.read_only() { "read" } else { access.trim() };
                scopes.insert(e.key().to_string(), a.to_string());
            }
        } else {
            scopes.insert(kind.trim().to_string(), access.trim().to_string());
        }
    }
    let draft = TokenInput {
        name,
        days: days.to_string(),
        scopes,
    }
    .parse()
    .map_err(|e| format!("refused: {e:?}"))?;
    let user = app::users::db::user_by_email(pool, email)
        .await?
        .ok_or_else(|| format!("--email: no active user {email}"))?;
    let mut tx = pool.begin().await?;
    let token = app::tokens::db::create(&mut tx, &user, &draft).await?;
    tx.commit().await?;
    Ok(token.secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrations = "../migrations")]
    async fn create_admin_makes_an_admin_who_can_sign_in_and_resets_on_a_second_call(
        pool: sqlx::PgPool,
    ) {
        let email = Email::parse("Boss@Example.com").unwrap();
        create_admin(
            &pool,
            &email,
            &NewPassword::parse("first-password").unwrap(),
            "Boss",
        )
        .await
        .unwrap();
        create_admin(
            &pool,
            &email,
            &NewPassword::parse("second-password").unwrap(),
            "Boss",
        )
        .await
        .unwrap();
        let (user, hash) = users_db::find_for_login(&pool, "boss@example.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.role, Role::Admin);
        assert!(
            password::verify("second-password".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !password::verify("first-password".into(), Some(hash))
                .await
                .unwrap()
        );
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn create_admin_reactivates_a_deactivated_account_and_ends_its_sessions(
        pool: sqlx::PgPool,
    ) {
        let email = Email::parse("gone@example.com").unwrap();
        let first = NewPassword::parse("first-password").unwrap();
        create_admin(&pool, &email, &first, "Gone").await.unwrap();
        let (user, _) = users_db::find_for_login(&pool, email.as_str())
            .await
            .unwrap()
            .unwrap();
        users_db::insert_session(&pool, user.id, b"old-session", None)
            .await
            .unwrap();
        sqlx::query("UPDATE users SET active = false WHERE id = $1")
            .bind(user.id.0)
            .execute(&pool)
            .await
            .unwrap();
        assert!(
            users_db::find_for_login(&pool, email.as_str())
                .await
                .unwrap()
                .is_none(),
            "a deactivated account cannot sign in"
        );

        let second = NewPassword::parse("second-password").unwrap();
        create_admin(&pool, &email, &second, "Back").await.unwrap();
        let (back, hash) = users_db::find_for_login(&pool, email.as_str())
            .await
            .unwrap()
            .expect("reactivated");
        assert_eq!((back.id, back.role), (user.id, Role::Admin));
        assert!(
            password::verify("second-password".into(), Some(hash))
                .await
                .unwrap()
        );
        let limits = users_db::SessionLimits {
            idle: chrono::Duration::hours(1),
            absolute: chrono::Duration::hours(2),
        };
        assert!(
            users_db::session_user(&pool, b"old-session", limits)
                .await
                .unwrap()
                .is_none(),
            "the session from before the deactivation stays dead"
        );
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 0);
    }

    #[test]
    fn the_cli_takes_no_password_argument() {
        let cli = Cli::try_parse_from(["keel", "create-admin", "--email", "a@b.co"]).unwrap();
        assert!(matches!(cli.command, Some(Command::CreateAdmin { .. })));
        assert!(
            Cli::try_parse_from([
                "keel",
                "create-admin",
                "--email",
                "a@b.co",
                "--password",
                "secret-123",
            ])
            .is_err(),
            "a password on the command line would show in ps"
        );
        assert!(
            Cli::try_parse_from(["keel", "create-admin"]).is_err(),
            "--email is required"
        );
    }
}
