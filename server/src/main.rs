//! `keel`: the Keel CRM server and its admin commands.
#![recursion_limit = "512"]
use clap::Parser;

/// mimalloc: rendering a page allocates and frees many small strings and views, and with glibc's
/// malloc that was about a third of the server's CPU time under load (`scripts/bench-load.sh`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(test)]
mod access_tests;
mod api;
#[cfg(test)]
mod api_activity_tests;
#[cfg(test)]
mod api_deal_tests;
#[cfg(test)]
mod api_tests;
#[cfg(test)]
mod api_ticket_tests;
#[cfg(test)]
mod api_token_tests;
#[cfg(test)]
mod api_transfer_tests;
#[cfg(test)]
mod api_trash_tests;
#[cfg(test)]
mod bad_input_tests;
#[cfg(test)]
mod board_page_tests;
mod bulk;
mod cli;
mod config;
#[cfg(test)]
mod date_form_tests;
#[cfg(test)]
mod desk_http_tests;
mod embedded_pg;
mod events;
mod export;
#[cfg(test)]
mod http_tests;
mod import;
mod input_guard;
#[cfg(test)]
mod page_data_tests;
mod pwa;
#[cfg(test)]
mod race_tests;
mod report_csv;
#[cfg(test)]
mod report_http_tests;
mod security;
mod seed;
mod session_layer;
#[cfg(test)]
mod sign_in_tests;
mod startup;
mod telemetry;
#[cfg(test)]
mod webhook_tests;
mod webhooks;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let settings = match config::Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("keel: configuration error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(&settings);
    match cli::run(cli, settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("keel: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
