//! The access matrix itself: one row per server function call or route, the answer per user.
use uuid::Uuid;

use super::E::*;
use super::fixtures::Fx;
use super::{ADMIN, ADMIN_EDIT, CREATE, E, EDIT_EAST, READ_EAST, SIGNED_IN, Who};

/// How a cell calls.
pub(super) enum Call {
    /// A server function, form-encoded as the browser's forms send it.
    Form(String),
    /// A server function whose input is JSON.
    Json(serde_json::Value),
    /// A plain GET route.
    Get(&'static str),
    /// An upload to `/import/{kind}`.
    Upload(&'static str, &'static str),
}

pub(super) struct Row {
    /// The server function's endpoint (`/api/<endpoint>`), or the route's pattern.
    pub(super) path: &'static str,
    pub(super) call: Call,
    pub(super) expect: [E; 8],
    /// Text some users must find (so that the absence of another team's rows means something).
    pub(super) shows: &'static [(Who, &'static str)],
}

pub(super) fn row(path: &'static str, call: Call, expect: [E; 8]) -> Row {
    Row {
        path,
        call,
        expect,
        shows: &[],
    }
}

pub(super) fn form(s: impl Into<String>) -> Call {
    Call::Form(s.into())
}

/// The matrix. Writes that would change the fixtures are sent at a stale version (`C`), so each
/// cell's answer does not depend on the cells before it.
pub(super) fn matrix(fx: &Fx) -> Vec<Row> {
    let (company, contact, lead, deal) = (fx.company, fx.contact, fx.lead, fx.deal);
    let stage = fx.stages[0];
    let pipeline = fx.pipeline;
    let nowhere = Uuid::nil();
    let order: String = fx
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| format!("&order[{i}]={s}"))
        .collect();
    let east_rows: &'static [(Who, &'static str)] =
        &[(Who::Owner, "EAST-SECRET"), (Who::Teammate, "EAST-SECRET")];
    let everyone_sees = |text: &'static str| -> &'static [(Who, &'static str)] {
        Box::leak(Box::new([
            (Who::Owner, text),
            (Who::Teammate, text),
            (Who::Admin, text),
        ]))
    };
    let with_shows = |mut r: Row, shows: &'static [(Who, &'static str)]| {
        r.shows = shows;
        r
    };
    let rows = vec![
        // Companies
        with_shows(
            row("list_companies", form("query[q]=Common"), SIGNED_IN),
            everyone_sees("Common Co"),
        ),
        row("get_company", form(format!("id={company}")), READ_EAST),
        row("create_company", form("input[name]=Matrix%20Co"), CREATE),
        row(
            "update_company",
            form(format!("id={company}&version=99&input[name]=Renamed")),
            EDIT_EAST,
        ),
        // Lists' machinery
        row("list_owners", form(""), SIGNED_IN),
        row("saved_views", form("list=contacts"), SIGNED_IN),
        row(
            "save_view",
            form("list=contacts&name=Matrix&query[q]=x"),
            SIGNED_IN,
        ),
        row(
            "delete_view",
            form(format!("id={}", fx.view)),
            [U, N, D, N, N, N, N, N],
        ),
        row(
            "bulk_edit",
            Call::Json(serde_json::json!({
                "list": "contacts", "target": {"ids": [contact]}, "action": {"add_tag": "matrix"}
            })),
            CREATE,
        ),
        // Deals
        row("get_deal", form(format!("id={deal}")), READ_EAST),
        with_shows(
            row(
                "deal_table",
                form(format!(
                    "pipeline={pipeline}&filter[q]=SECRET&query[status]="
                )),
                SIGNED_IN,
            ),
            everyone_sees("EAST-SECRET Deal"),
        ),
        row(
            "update_deal",
            form(format!(
                "id={deal}&version=99&input[title]=T&input[value]=1&input[currency]=EUR"
            )),
            EDIT_EAST,
        ),
        row(
            "delete_deal",
            form(format!("id={deal}&version=99")),
            EDIT_EAST,
        ),
        row(
            "create_deal",
            form("stage=&company=&input[title]=Matrix&input[value]=10&input[currency]=EUR"),
            CREATE,
        ),
        with_shows(
            row("deal_contacts", form(format!("id={deal}")), READ_EAST),
            everyone_sees("EAST-SECRET Kim"),
        ),
        with_shows(
            row(
                "contact_deals",
                form(format!("contact={contact}")),
                READ_EAST,
            ),
            &[
                (Who::Owner, "EAST-SECRET Deal"),
                (Who::Admin, "WEST-SECRET Deal"),
            ],
        ),
        // History
        row("audit_log", form("filter[actor]="), ADMIN),
        // Users
        row(
            "login",
            // Refused before any password work or throttling: the same for everyone.
            form("email=nobody%40keel.demo&password="),
            [I; 8],
        ),
        row("me", form(""), SIGNED_IN),
        // Anyone: signed out, it sets the language cookie alone.
        row("set_locale", form("locale=en"), [D; 8]),
        row("my_time_zone", form(""), SIGNED_IN),
        // API tokens: each user's own (an administrator's list: everyone's)
        row("list_api_tokens", form(""), SIGNED_IN),
        row(
            "create_api_token",
            form("input[name]=&input[days]=30&input[scopes][contacts]=read"),
            [U, I, I, I, I, I, I, I],
        ),
        row(
            "revoke_api_token",
            form(format!("id={nowhere}")),
            [U, N, N, N, N, N, N, N],
        ),
        // Webhooks: administrators only (checked before the input)
        row("list_webhooks", form(""), ADMIN),
        row(
            "create_webhook",
            form("input[url]=&input[events][*.*]=on"),
            [U, F, F, F, F, F, F, I],
        ),
        row(
            "set_webhook_paused",
            form(format!("id={nowhere}&paused=true")),
            [U, F, F, F, F, F, F, N],
        ),
        row(
            "delete_webhook",
            form(format!("id={nowhere}")),
            [U, F, F, F, F, F, F, N],
        ),
        row("webhook_deliveries", form(format!("id={nowhere}")), ADMIN),
        row(
            "replay_webhook_delivery",
            form("id=0"),
            [U, F, F, F, F, F, F, N],
        ),
        // Refused as a zone no one has: nobody's zone changes here.
        row(
            "set_time_zone",
            form("time_zone=Nowhere%2FAt-All"),
            [U, I, I, I, I, I, I, I],
        ),
        row(
            "change_password",
            form(
                "current_password=not-it-at-all&new_password=another-one-1&confirm_password=another-one-1",
            ),
            [U, I, I, I, I, I, I, I],
        ),
        // Pipeline settings
        row("load_pipeline_settings", form(""), ADMIN),
        row("create_pipeline", form("name=Matrix"), ADMIN),
        row(
            "rename_pipeline",
            form(format!("pipeline={pipeline}&version=99&name=Renamed")),
            ADMIN_EDIT,
        ),
        row(
            "add_stage",
            form(format!("pipeline={pipeline}&version=99&input[name]=New")),
            ADMIN_EDIT,
        ),
        row(
            "update_stage",
            form(format!("stage={stage}&version=99&input[name]=Renamed")),
            ADMIN_EDIT,
        ),
        row(
            "reorder_stages",
            form(format!("pipeline={pipeline}&version=99{order}")),
            ADMIN_EDIT,
        ),
        row(
            "archive_stage",
            form(format!("stage={stage}&version=99&move_to={}", fx.stages[1])),
            ADMIN_EDIT,
        ),
        // The board
        with_shows(
            row(
                "board",
                form(format!("pipeline={pipeline}&filter[q]=SECRET")),
                SIGNED_IN,
            ),
            everyone_sees("EAST-SECRET Deal"),
        ),
        row(
            "column_page",
            form(format!(
                "stage={stage}&after_rank=&after_id={nowhere}&filter[q]="
            )),
            SIGNED_IN,
        ),
        row(
            "move_deal",
            form(format!("id={deal}&version=99&to[stage]={stage}")),
            EDIT_EAST,
        ),
        row(
            "close_deal",
            form(format!("id={deal}&version=99&won=true&reason=")),
            EDIT_EAST,
        ),
        with_shows(
            row(
                "company_deals",
                form(format!("company={company}")),
                READ_EAST,
            ),
            &[
                (Who::Owner, "EAST-SECRET Deal"),
                (Who::Teammate, "EAST-SECRET Deal"),
                (Who::Admin, "WEST-SECRET Deal"),
            ],
        ),
        // Leads
        with_shows(
            row("list_leads", form("query[q]=SECRET"), SIGNED_IN),
            east_rows,
        ),
        row("get_lead", form(format!("id={lead}")), READ_EAST),
        row(
            "create_lead",
            form("input[full_name]=Matrix&input[status]=new"),
            CREATE,
        ),
        row(
            "update_lead",
            form(format!(
                "id={lead}&version=99&input[full_name]=Renamed&input[status]=new"
            )),
            EDIT_EAST,
        ),
        row(
            "convert_lead",
            form(format!("id={lead}&version=99&input[company]=")),
            EDIT_EAST,
        ),
        // Contacts
        with_shows(
            row("list_contacts", form("query[q]=SECRET"), SIGNED_IN),
            &[
                (Who::Owner, "EAST-SECRET Kim"),
                (Who::OtherTeam, "WEST-SECRET Wu"),
                (Who::Admin, "WEST-SECRET Wu"),
            ],
        ),
        row("get_contact", form(format!("id={contact}")), READ_EAST),
        row("create_contact", form("input[full_name]=Matrix"), CREATE),
        row(
            "update_contact",
            form(format!("id={contact}&version=99&input[full_name]=Renamed")),
            EDIT_EAST,
        ),
        with_shows(
            row(
                "company_contacts",
                form(format!("company={company}")),
                READ_EAST,
            ),
            &[
                (Who::Owner, "EAST-SECRET Kim"),
                (Who::Admin, "WEST-SECRET Wu"),
            ],
        ),
        // Activities and tasks
        with_shows(
            row(
                "timeline",
                form(format!("about=company&id={company}")),
                READ_EAST,
            ),
            &[
                (Who::Owner, "EAST-SECRET note"),
                (Who::Owner, "EAST-SECRET stage"),
                (Who::Admin, "WEST-SECRET note"),
                (Who::Admin, "WEST-SECRET stage"),
            ],
        ),
        with_shows(
            row(
                "timeline",
                form(format!("about=contact&id={contact}")),
                READ_EAST,
            ),
            &[
                (Who::Teammate, "EAST-SECRET stage"),
                (Who::Admin, "WEST-SECRET stage"),
            ],
        ),
        row("timeline", form(format!("about=lead&id={lead}")), READ_EAST),
        row("timeline", form(format!("about=deal&id={deal}")), READ_EAST),
        row(
            "log_interaction",
            form(format!(
                "about=contact&id={contact}&input[kind]=note&input[body]=matrix"
            )),
            [U, F, D, D, N, D, D, D],
        ),
        with_shows(
            row("my_tasks", form(""), SIGNED_IN),
            &[(Who::Owner, "EAST-SECRET task")],
        ),
        row(
            "set_task_done",
            form(format!("task={}&done=false", fx.task)),
            [U, F, D, N, N, D, D, D],
        ),
        row(
            "delete_task",
            form(format!("task={}&version=99", fx.task)),
            [U, F, C, N, N, C, C, C],
        ),
        // Imports (of an upload nobody made)
        row(
            "import_preview",
            form(format!("id={nowhere}")),
            [U, N, N, N, N, N, N, N],
        ),
        row(
            "start_import",
            form(format!(
                "id={nowhere}&mapping[0]=full_name&on_duplicate=skip&all_or_nothing=false"
            )),
            [U, F, N, N, N, N, N, N],
        ),
        row(
            "import_status",
            form(format!("id={nowhere}")),
            [U, N, N, N, N, N, N, N],
        ),
        row(
            "import_sheet",
            form(format!("id={nowhere}&sheet=Sheet1")),
            [U, F, N, N, N, N, N, N],
        ),
        // Trash
        row("trash", form(""), CREATE),
        row(
            "restore",
            form(format!("kind=contacts&id={contact}")),
            // Only its owner (and administrators) may restore it: it is not in the trash.
            [U, F, C, F, N, F, F, C],
        ),
        row(
            "forget",
            form(format!("kind=contacts&id={nowhere}")),
            [U, F, F, F, F, F, F, N],
        ),
        // Merging and duplicates
        row(
            "load_merge",
            form(format!("kind=contacts&a={contact}&b={}", fx.contact2)),
            READ_EAST,
        ),
        row(
            "load_merge",
            form(format!("kind=contacts&a={contact}&b={}", fx.west_contact)),
            [U, D, N, N, N, D, D, D],
        ),
        row(
            "merge",
            Call::Json(serde_json::json!({
                "kind": "contacts", "keep": contact, "keep_version": 99,
                "other": fx.contact2, "other_version": 99,
                "fields": {"full_name": "EAST-SECRET Kim"}
            })),
            EDIT_EAST,
        ),
        with_shows(
            row(
                "likely_duplicates",
                form("kind=contacts&name=&emails=shared%40dup.test&phones="),
                SIGNED_IN,
            ),
            &[
                (Who::Owner, "EAST-SECRET Kim"),
                (Who::OtherTeam, "WEST-SECRET Wu"),
                (Who::Admin, "WEST-SECRET Wu"),
            ],
        ),
        // "Merge with…": the record's likely duplicates, or a search; both within scope.
        with_shows(
            row(
                "merge_candidates",
                form(format!("kind=contacts&id={contact}&q=")),
                [U, F, D, D, N, D, D, D],
            ),
            &[
                (Who::Owner, "EAST-SECRET Kim Two"),
                (Who::Admin, "WEST-SECRET Wu"),
            ],
        ),
        with_shows(
            row(
                "merge_candidates",
                form(format!("kind=contacts&id={contact}&q=SECRET")),
                [U, F, D, D, N, D, D, D],
            ),
            &[
                (Who::Owner, "EAST-SECRET Kim Two"),
                (Who::Admin, "WEST-SECRET Wu"),
            ],
        ),
        with_shows(
            row("duplicate_groups", form("kind=contacts"), CREATE),
            &[
                (Who::Owner, "EAST-SECRET Kim"),
                (Who::Admin, "WEST-SECRET Wu"),
            ],
        ),
        // Plain routes. Export is a permission of administrators and managers.
        row(
            "/export/{file}",
            Call::Get("/export/contacts.csv?q=SECRET"),
            [S, F, F, F, F, F, D, D],
        ),
        row(
            "/import/{kind}",
            Call::Upload("contacts", "Name,Email\nMatrix,matrix@x.test\n"),
            CREATE,
        ),
        row("/api/events", Call::Get("/api/events"), SIGNED_IN),
        // Last: it ends the session it is called with.
        // Without a session there is nothing to end: it only clears the cookie.
        row("logout", form(""), [D; 8]),
    ];
    rows
}
