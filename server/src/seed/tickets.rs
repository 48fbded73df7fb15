//! The demo's service desk: thirty tickets of the first contacts, opened over the last three days
//! by the support agent, in every state a queue shows (new, answered, waiting, resolved, breached);
//! the Service team's round robin and web form.
use chrono::{Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use app::tickets::db as tickets;
use app::tickets::model::{CHANNELS, CustomerRef, KINDS, PRIORITIES, TicketDraft, Triage};
use app::users::model::{CurrentUser, Role, UserId};

use super::Dice;
use crate::startup::BoxError;

const SUBJECTS: [(&str, &str); 8] = [
    (
        "Invoice shows the wrong tax rate",
        "发票税率有误，请重新开具。",
    ),
    (
        "Cannot sign in after the update",
        "更新后无法登录，提示密码错误。",
    ),
    ("发货延迟，客户催单", "订单已付款一周仍未发货。"),
    ("Request for a training session", "新同事需要一次产品培训。"),
    ("打印机连接失败", "办公室的打印机无法连接系统。"),
    (
        "Data export is missing columns",
        "导出的表格缺少联系人电话。",
    ),
    ("合同续签咨询", "客户询问明年续签的价格。"),
    ("Report loads slowly", "月度报表打开需要一分多钟。"),
];

pub(super) async fn seed(tx: &mut PgConnection, dice: &mut Dice) -> Result<(), BoxError> {
    let (id, name): (Uuid, String) =
        sqlx::query_as("SELECT id, display_name FROM users WHERE email = 'support@keel.demo'")
            .fetch_one(&mut *tx)
            .await?;
    let agent = CurrentUser {
        id: UserId(id),
        email: "support@keel.demo".into(),
        display_name: name,
        role: Role::Support,
        locale: "zh-CN".into(),
    };
    let contacts: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM contacts ORDER BY created_at, emails[1], id LIMIT 30")
            .fetch_all(&mut *tx)
            .await?;
    let now = Utc::now();
    for (i, contact) in contacts.into_iter().enumerate() {
        let (subject, description) = SUBJECTS[i % SUBJECTS.len()];
        let draft = TicketDraft {
            subject: subject.into(),
            description: Some(description.into()),
            customer: CustomerRef::Contact(contact),
            channel: dice.pick(&CHANNELS).to_string(),
            kind: dice.pick(&KINDS).to_string(),
            priority: dice.pick(&PRIORITIES).to_string(),
            team: Some("Service".into()),
            tags: Vec::new(),
        };
        let opened = now - Duration::minutes(dice.below(3 * 24 * 60) as i64 + 30);
        let id = tickets::create(tx, &agent, &draft, opened).await?;
        let later = opened + Duration::minutes(20);
        if i % 5 == 0 {
            continue;
        }
        tickets::add_message(
            tx,
            &agent,
            id,
            "reply",
            "您好，我们已收到，正在处理。",
            later,
        )
        .await?;
        let status = match i % 5 {
            1 => "open",
            2 => "waiting_customer",
            3 => "resolved",
            _ => "open",
        };
        let t = tickets::ticket(&mut *tx, &agent, id).await?;
        let triage = Triage {
            status: status.into(),
            priority: t.priority,
            team: t.team,
            assignee: (i % 5 != 4).then_some(agent.id.0),
            deal: None,
        };
        tickets::triage(
            tx,
            &agent,
            id,
            t.version,
            &triage,
            later + Duration::minutes(5),
        )
        .await?;
    }
    // The Service team takes new tickets in turn, and from its web form (/support/Service).
    sqlx::query(
        "INSERT INTO desk_teams (team, rule, web_form) VALUES ('Service', 'round_robin', true)
         ON CONFLICT (team) DO UPDATE SET rule = excluded.rule, web_form = excluded.web_form",
    )
    .execute(&mut *tx)
    .await?;
    // The breaches of the demo's history are past news: the scan tells only of new ones.
    sqlx::query("UPDATE tickets SET breach_noted_at = due_at WHERE due_at < now()")
        .execute(&mut *tx)
        .await?;
    Ok(())
}
