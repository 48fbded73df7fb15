//! The access matrix's rows for reports and the home dashboard: any signed-in user reads them
//! (the SQL limits the figures to their scope); a sales rep naming another team is a field error.
use super::E::*;
use super::SIGNED_IN;
use super::fixtures::Fx;
use super::matrix::{Call, Row, form, row};

pub(super) fn report_rows(fx: &Fx) -> Vec<Row> {
    let _ = fx;
    vec![
        row(
            "report",
            form("kind=win_rate&query[period]=this_year"),
            SIGNED_IN,
        ),
        row("report_choices", form(""), SIGNED_IN),
        row("dashboard", form(""), SIGNED_IN),
        // Targets: administrators and managers; the matrix's target names no known user.
        row("list_targets", form("year=2026"), [U, F, F, F, F, F, D, D]),
        row(
            "save_target",
            form("version=0&input[whose]=team:Nowhere&input[year]=2026&input[currency]=CNY"),
            [U, F, F, F, F, F, I, I],
        ),
        row(
            "/export/report/{file}",
            Call::Get("/export/report/funnel.csv?period=this_year"),
            [S, D, D, D, D, D, D, D],
        ),
    ]
}
