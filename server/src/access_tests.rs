//! The access matrix: every server function and plain route, called through the real router by
//! each kind of user, with the answer each must get. Lists are read row by row: a sales user never
//! gets a row of another team (by id, checked against the owners in Postgres, and by the marked
//! names of the other team's records). A server function without a row here fails the test.
use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

use app::users::auth::{SESSION_COOKIE, new_token};
use app::users::db::{insert_session, upsert_user};
use app::users::model::Role;

use crate::config::Settings;
use crate::seed;

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Viewer,
    /// Sales, East: owns the fixture records.
    Owner,
    /// Sales, East, owns none of them.
    Teammate,
    /// Sales, West.
    OtherTeam,
    Support,
    Manager,
    Admin,
}

const WHO: [Who; 8] = [
    Who::Anonymous,
    Who::Viewer,
    Who::Owner,
    Who::Teammate,
    Who::OtherTeam,
    Who::Support,
    Who::Manager,
    Who::Admin,
];

/// The answer a cell expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum E {
    /// 200 with data (rows checked for leaks).
    D,
    /// 401: not signed in.
    U,
    /// 403: the role may not.
    F,
    /// 404: not there, or not in the user's scope.
    N,
    /// 409: allowed, and stopped only by the stale version the matrix sends on purpose.
    C,
    /// 422: allowed, and stopped only by the input the matrix sends on purpose.
    I,
    /// 303 to the sign-in page: a link opened without a session (a download).
    S,
}

impl E {
    fn status(self) -> StatusCode {
        match self {
            E::D => StatusCode::OK,
            E::U => StatusCode::UNAUTHORIZED,
            E::F => StatusCode::FORBIDDEN,
            E::N => StatusCode::NOT_FOUND,
            E::C => StatusCode::CONFLICT,
            E::I => StatusCode::UNPROCESSABLE_ENTITY,
            E::S => StatusCode::SEE_OTHER,
        }
    }
}

use E::*;

/// Anyone signed in.
const SIGNED_IN: [E; 8] = [U, D, D, D, D, D, D, D];
/// Reading a record of the East team.
const READ_EAST: [E; 8] = [U, D, D, D, N, D, D, D];
/// Changing a record of the East team (at a stale version).
const EDIT_EAST: [E; 8] = [U, F, C, C, N, C, C, C];
/// Creating a customer record.
const CREATE: [E; 8] = [U, F, D, D, D, D, D, D];
/// Administrators only.
const ADMIN: [E; 8] = [U, F, F, F, F, F, F, D];
/// Administrators only, at a stale version.
const ADMIN_EDIT: [E; 8] = [U, F, F, F, F, F, F, C];

/// The records the matrix works on: East's (owned by the East sales user), and West's hung on
/// East's company and contact, which East must never see. The company's name carries no team
/// marker: West's own records name it.
struct Fx {
    users: Vec<(Who, Uuid)>,
    pipeline: Uuid,
    stages: Vec<Uuid>,
    company: Uuid,
    contact: Uuid,
    contact2: Uuid,
    lead: Uuid,
    deal: Uuid,
    task: Uuid,
    view: Uuid,
    west_contact: Uuid,
}

impl Fx {
    fn user(&self, who: Who) -> Option<Uuid> {
        self.users
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, id)| *id)
    }
}

async fn one<T>(pool: &PgPool, sql: &str, binds: &[Uuid]) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    let mut q = sqlx::query_scalar(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_one(pool).await.unwrap()
}

async fn fixtures(pool: &PgPool) -> Fx {
    seed::seed_demo(pool).await.unwrap();
    let id = |email: &'static str| async move {
        one::<Uuid>(
            pool,
            &format!("SELECT id FROM users WHERE email = '{email}'"),
            &[],
        )
        .await
    };
    // The demo has one sales user per team; the matrix needs a second one in East.
    let mate = upsert_user(
        &mut *pool.acquire().await.unwrap(),
        "mate@keel.demo",
        "Mate East",
        "$argon2id$unused",
        Role::Sales,
        "en",
    )
    .await
    .unwrap();
    sqlx::query("UPDATE users SET team = 'East' WHERE id = $1")
        .bind(mate.0)
        .execute(pool)
        .await
        .unwrap();
    let users = vec![
        (Who::Viewer, id("viewer@keel.demo").await),
        (Who::Owner, id("sales@keel.demo").await),
        (Who::Teammate, mate.0),
        (Who::OtherTeam, id("sales2@keel.demo").await),
        (Who::Support, id("support@keel.demo").await),
        (Who::Manager, id("manager@keel.demo").await),
        (Who::Admin, id("admin@keel.demo").await),
    ];
    let east = users[1].1;
    let west = users[3].1;
    let pipeline: Uuid = one(
        pool,
        "SELECT id FROM pipelines ORDER BY position LIMIT 1",
        &[],
    )
    .await;
    let stages: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM stages WHERE pipeline_id = $1 AND archived_at IS NULL ORDER BY position",
    )
    .bind(pipeline)
    .fetch_all(pool)
    .await
    .unwrap();
    let company: Uuid = one(
        pool,
        "INSERT INTO companies (name, owner_id) VALUES ('Common Co', $1) RETURNING id",
        &[east],
    )
    .await;
    let contact_sql = "INSERT INTO contacts (full_name, company_id, owner_id, emails, email_keys) \
         VALUES ($3, $1, $2, ARRAY['shared@dup.test'], ARRAY['shared@dup.test']) RETURNING id";
    let contact_of = |name: &'static str, owner: Uuid| async move {
        let id: Uuid = sqlx::query_scalar(contact_sql)
            .bind(company)
            .bind(owner)
            .bind(name)
            .fetch_one(pool)
            .await
            .unwrap();
        id
    };
    let contact = contact_of("EAST-SECRET Kim", east).await;
    let contact2 = contact_of("EAST-SECRET Kim Two", east).await;
    let west_contact = contact_of("WEST-SECRET Wu", west).await;
    let lead: Uuid = one(
        pool,
        "INSERT INTO leads (full_name, status, owner_id) VALUES ('EAST-SECRET Lead', 'qualified', $1) RETURNING id",
        &[east],
    )
    .await;
    let deal_sql = "INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, company_id, owner_id, rank) \
         VALUES ($1, $2, $3, 1000, 'EUR', $4, $5, 'zzzz') RETURNING id";
    let deal_of = |title: &'static str, owner: Uuid| {
        let stage = stages[0];
        async move {
            let id: Uuid = sqlx::query_scalar(deal_sql)
                .bind(pipeline)
                .bind(stage)
                .bind(title)
                .bind(company)
                .bind(owner)
                .fetch_one(pool)
                .await
                .unwrap();
            id
        }
    };
    let deal = deal_of("EAST-SECRET Deal", east).await;
    let west_deal = deal_of("WEST-SECRET Deal", west).await;
    for (d, stage) in [
        (deal, "EAST-SECRET stage"),
        (west_deal, "WEST-SECRET stage"),
    ] {
        sqlx::query("INSERT INTO deal_contacts (deal_id, contact_id) VALUES ($1, $2)")
            .bind(d)
            .bind(contact)
            .execute(pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO audit_log (entity, entity_id, actor_id, action, changes)
             VALUES ('deal', $1, $2, 'update', jsonb_build_object('stage', jsonb_build_object('old', 'Lead', 'new', $3::text)))",
        )
        .bind(d)
        .bind(east)
        .bind(stage)
        .execute(pool)
        .await
        .unwrap();
    }
    for (about, body) in [
        (contact, "EAST-SECRET note"),
        (west_contact, "WEST-SECRET note"),
    ] {
        sqlx::query("INSERT INTO activities (contact_id, kind, body, author_id) VALUES ($1, 'note', $2, $3)")
            .bind(about)
            .bind(body)
            .bind(east)
            .execute(pool)
            .await
            .unwrap();
    }
    // Both assigned to East's owner; the one on West's contact is not East's to see.
    let task_sql = "INSERT INTO tasks (contact_id, title, assignee_id, due_on) VALUES ($1, $2, $3, current_date) RETURNING id";
    let task: Uuid = sqlx::query_scalar(task_sql)
        .bind(contact)
        .bind("EAST-SECRET task")
        .bind(east)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(task_sql)
        .bind(west_contact)
        .bind("WEST-SECRET task")
        .bind(east)
        .fetch_one(pool)
        .await
        .unwrap();
    let view: Uuid = one(
        pool,
        "INSERT INTO saved_views (user_id, list, name, query) VALUES ($1, 'contacts', 'Mine', '{}') RETURNING id",
        &[east],
    )
    .await;
    Fx {
        users,
        pipeline,
        stages,
        company,
        contact,
        contact2,
        lead,
        deal,
        task,
        view,
        west_contact,
    }
}

/// How a cell calls.
enum Call {
    /// A server function, form-encoded as the browser's forms send it.
    Form(String),
    /// A server function whose input is JSON.
    Json(serde_json::Value),
    /// A plain GET route.
    Get(&'static str),
    /// An upload to `/import/{kind}`.
    Upload(&'static str, &'static str),
}

struct Row {
    /// The server function's endpoint (`/api/<endpoint>`), or the route's pattern.
    path: &'static str,
    call: Call,
    expect: [E; 8],
    /// Text some users must find (so that the absence of another team's rows means something).
    shows: &'static [(Who, &'static str)],
}

fn row(path: &'static str, call: Call, expect: [E; 8]) -> Row {
    Row {
        path,
        call,
        expect,
        shows: &[],
    }
}

fn form(s: impl Into<String>) -> Call {
    Call::Form(s.into())
}

/// The matrix. Writes that would change the fixtures are sent at a stale version (`C`), so each
/// cell's answer does not depend on the cells before it.
fn matrix(fx: &Fx) -> Vec<Row> {
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
    vec![
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
        row("set_locale", form("locale=en"), SIGNED_IN),
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
    ]
}

fn app(pool: PgPool) -> Router {
    let settings = Settings::from_lookup(|k| match k {
        "DATABASE_URL" => Some("postgres://unused/unused".into()),
        _ => None,
    })
    .unwrap();
    crate::startup::router(&settings, pool)
}

async fn send(app: &Router, row: &Row, cookie: Option<&str>) -> (StatusCode, String) {
    let req = match &row.call {
        Call::Form(body) => Request::post(format!("/api/{}", row.path))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.clone())),
        Call::Json(body) => Request::post(format!("/api/{}", row.path))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        Call::Get(path) => Request::get(*path).body(Body::empty()),
        Call::Upload(kind, csv) => Request::post(format!("/import/{kind}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .header("x-file-name", "matrix.csv")
            .body(Body::from(*csv)),
    };
    let mut req = req.unwrap();
    req.headers_mut().insert(
        "sec-fetch-site",
        http::HeaderValue::from_static("same-origin"),
    );
    if let Some(c) = cookie {
        req.headers_mut()
            .insert(header::COOKIE, http::HeaderValue::from_str(c).unwrap());
    }
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    // The event stream never ends by itself: its status is the answer.
    if matches!(row.call, Call::Get("/api/events")) {
        return (status, String::new());
    }
    let bytes = axum::body::to_bytes(res.into_body(), 16 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// The record ids a response lists as rows: `"id":"…"` fields and `["…", …]` pairs.
fn row_ids(body: &str) -> Vec<Uuid> {
    let mut ids = BTreeSet::new();
    for marker in ["\"id\":\"", "[\""] {
        for (at, _) in body.match_indices(marker) {
            let start = at + marker.len();
            if let Some(id) = body
                .get(start..start + 36)
                .and_then(|s| Uuid::parse_str(s).ok())
            {
                ids.insert(id);
            }
        }
    }
    ids.into_iter().collect()
}

/// Of `ids`, the customer records, deals and tasks that `user` (of a team scope) may not open:
/// the rule written out again, independently of the code under test.
async fn out_of_scope(pool: &PgPool, user: Uuid, ids: &[Uuid]) -> Vec<Uuid> {
    sqlx::query_scalar(
        "WITH ids AS (SELECT unnest($1::uuid[]) AS id),
              rows AS (
                SELECT r.id, r.owner_id, r.deleted_at FROM contacts r JOIN ids USING (id)
                UNION ALL SELECT r.id, r.owner_id, r.deleted_at FROM companies r JOIN ids USING (id)
                UNION ALL SELECT r.id, r.owner_id, r.deleted_at FROM leads r JOIN ids USING (id)
                UNION ALL SELECT r.id, r.owner_id, r.deleted_at FROM deals r JOIN ids USING (id)
                UNION ALL SELECT t.id, coalesce(c.owner_id, l.owner_id, co.owner_id, d.owner_id),
                                 coalesce(c.deleted_at, l.deleted_at, co.deleted_at, d.deleted_at)
                            FROM tasks t JOIN ids USING (id)
                            LEFT JOIN contacts c ON c.id = t.contact_id LEFT JOIN leads l ON l.id = t.lead_id
                            LEFT JOIN companies co ON co.id = t.company_id LEFT JOIN deals d ON d.id = t.deal_id)
         SELECT id FROM rows
          WHERE NOT coalesce(owner_id = $2 OR owner_id IN (
                  SELECT u.id FROM users u WHERE u.team IS NOT NULL AND u.team = (SELECT team FROM users WHERE id = $2)), false)",
    )
    .bind(ids)
    .bind(user)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Every server function registered in this binary, by endpoint.
fn registered_server_functions() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn every_server_function_and_route_answers_each_role_as_the_matrix_says(pool: PgPool) {
    let fx = fixtures(&pool).await;
    let app = app(pool.clone());
    let rows = matrix(&fx);

    // A server function without a row fails here.
    let covered: BTreeSet<String> = rows.iter().map(|r| r.path.to_string()).collect();
    let missing: Vec<String> = registered_server_functions()
        .into_iter()
        .filter(|p| !covered.contains(p))
        .collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in the access matrix: {missing:?}"
    );
    assert!(covered.contains("timeline") && covered.len() > 50);

    // One session per user, made directly (signing in is tested elsewhere).
    let mut cookies = vec![(Who::Anonymous, None)];
    for (who, id) in &fx.users {
        let (token, hash) = new_token();
        insert_session(&pool, app::users::model::UserId(*id), &hash, None)
            .await
            .unwrap();
        cookies.push((*who, Some(format!("{SESSION_COOKIE}={token}"))));
    }

    let mut wrong = Vec::new();
    for row in &rows {
        for (i, who) in WHO.iter().enumerate() {
            let cookie = cookies.iter().find(|(w, _)| w == who).unwrap().1.clone();
            let (status, body) = send(&app, row, cookie.as_deref()).await;
            let expected = row.expect[i];
            let cell = format!("{} {:?} as {who:?}", row.path, short(&row.call));
            if status != expected.status() {
                wrong.push(format!(
                    "{cell}: expected {expected:?} ({}), got {status}: {}",
                    expected.status(),
                    body.chars().take(200).collect::<String>()
                ));
                continue;
            }
            if !status.is_success() {
                continue;
            }
            for (w, text) in row.shows {
                if w == who && !body.contains(text) {
                    wrong.push(format!("{cell}: should show {text:?}"));
                }
            }
            // Row by row: no other team's record, by id or by name.
            let foreign = match who {
                Who::Owner | Who::Teammate => Some("WEST-SECRET"),
                Who::OtherTeam => Some("EAST-SECRET"),
                _ => None,
            };
            if let Some(foreign) = foreign {
                if body.contains(foreign) {
                    wrong.push(format!("{cell}: shows {foreign}…: {body}"));
                }
                let user = fx.user(*who).unwrap();
                let leaked = out_of_scope(&pool, user, &row_ids(&body)).await;
                if !leaked.is_empty() {
                    wrong.push(format!("{cell}: rows of another team: {leaked:?}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells answer wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn short(call: &Call) -> String {
    match call {
        Call::Form(s) => s.chars().take(40).collect(),
        Call::Json(_) => "json".into(),
        Call::Get(p) => p.to_string(),
        Call::Upload(k, _) => k.to_string(),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_companys_contact_count_counts_only_the_contacts_its_reader_may_see(pool: PgPool) {
    let fx = fixtures(&pool).await;
    let app = app(pool.clone());
    for who in [Who::Owner, Who::OtherTeam, Who::Admin] {
        let (token, hash) = new_token();
        let id = app::users::model::UserId(fx.user(who).unwrap());
        insert_session(&pool, id, &hash, None).await.unwrap();
        let cookie = format!("{SESSION_COOKIE}={token}");
        let list = row("list_companies", form("query[q]=Common%20Co"), SIGNED_IN);
        let (status, body) = send(&app, &list, Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        let counts: Vec<i64> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["contact_count"].as_i64().unwrap())
            .collect();
        // East sees its two contacts of the company, an administrator all three; West not the
        // company at all.
        let expected: &[i64] = match who {
            Who::Owner => &[2],
            Who::Admin => &[3],
            _ => &[],
        };
        assert_eq!(counts, expected, "{who:?}");
    }
}
