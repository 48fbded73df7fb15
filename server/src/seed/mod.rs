//! Demo data: users of every role, two pipelines, companies, contacts and deals with realistic
//! English and Chinese names. Idempotent: a marker in `app_meta` says it was done.
use sqlx::PgPool;
use uuid::Uuid;

use app::users::model::Role;
use app::users::{db as users_db, password};

use crate::startup::BoxError;

mod history;
mod tickets;

pub const DEMO_PASSWORD: &str = "keel-demo";

pub const DEMO_USERS: [(&str, &str, Role, &str); 7] = [
    ("admin@keel.demo", "Alex Admin", Role::Admin, "en"),
    ("manager@keel.demo", "李娜 Li Na", Role::Manager, "zh-CN"),
    ("sales@keel.demo", "王伟 Wang Wei", Role::Sales, "zh-CN"),
    ("sales2@keel.demo", "Sarah Miller", Role::Sales, "en"),
    (
        "support@keel.demo",
        "张敏 Zhang Min",
        Role::Support,
        "zh-CN",
    ),
    ("marketing@keel.demo", "Tom Becker", Role::Viewer, "en"),
    ("viewer@keel.demo", "Vera Viewer", Role::Viewer, "en"),
];

pub fn print_logins() {
    println!("Demo logins (password for all: {DEMO_PASSWORD}):");
    for (email, name, role, _) in DEMO_USERS {
        println!("  {email:<22} {:<8} {name}", role.as_str());
    }
}

/// A tiny deterministic generator, so every demo database looks the same.
pub struct Dice(pub u64);

impl Dice {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub const CN_SURNAMES: [&str; 16] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
pub const CN_GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "强", "婷", "涛", "明", "超",
];
pub const CN_PINYIN_SURNAMES: [&str; 16] = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo",
];
pub const EN_FIRST: [&str; 16] = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Susan",
    "Richard",
    "Jessica",
    "Thomas",
    "Karen",
];
pub const EN_LAST: [&str; 12] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
    "Anderson", "Taylor", "Moore",
];
pub const CN_COMPANY_STEMS: [&str; 12] = [
    "华信", "远航", "金桥", "东方", "恒通", "新锐", "博雅", "天成", "瑞丰", "海川", "中科", "联创",
];
pub const CN_COMPANY_KINDS: [&str; 6] = [
    "科技有限公司",
    "贸易有限公司",
    "制造有限公司",
    "咨询有限公司",
    "物流有限公司",
    "软件有限公司",
];
pub const CN_CITIES: [&str; 6] = ["北京", "上海", "深圳", "杭州", "成都", "广州"];
pub const EN_COMPANY_STEMS: [&str; 12] = [
    "Northwind",
    "Bluebird",
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
];
pub const EN_COMPANY_KINDS: [&str; 6] = [
    "Labs",
    "Logistics",
    "Systems",
    "Trading",
    "Consulting",
    "Manufacturing",
];
pub const EN_CITIES: [&str; 6] = [
    "London",
    "Berlin",
    "New York",
    "Singapore",
    "Sydney",
    "Toronto",
];
pub const INDUSTRIES: [&str; 8] = [
    "Software",
    "Manufacturing",
    "Retail",
    "Logistics",
    "Finance",
    "Healthcare",
    "Education",
    "Energy",
];
pub const TITLES: [&str; 8] = [
    "CEO",
    "CTO",
    "采购经理",
    "Head of Sales",
    "运营总监",
    "Procurement Lead",
    "IT Manager",
    "财务经理",
];
pub const SOURCES: [&str; 5] = ["website", "referral", "trade show", "展会", "cold call"];
pub const DEAL_KINDS: [&str; 8] = [
    "年度订阅",
    "Annual licence",
    "Pilot project",
    "系统集成",
    "Support renewal",
    "硬件采购",
    "Expansion seats",
    "培训服务",
];

const PIPELINES: [(&str, &[(&str, i16, Option<i32>)]); 2] = [
    (
        "销售 Sales",
        &[
            ("Lead 线索", 10, Some(14)),
            ("Qualified 已确认", 25, Some(14)),
            ("Proposal 方案", 50, Some(10)),
            ("Negotiation 谈判", 75, Some(7)),
            ("Closing 成交中", 90, Some(5)),
        ],
    ),
    (
        "Partnerships 合作伙伴",
        &[
            ("Intro 初步接触", 10, Some(21)),
            ("Evaluation 评估", 40, Some(21)),
            ("Contract 合同", 80, Some(14)),
        ],
    ),
];

/// Loads the demo data unless it is already there. Returns whether it loaded it now.
pub async fn seed_demo(pool: &PgPool) -> Result<bool, BoxError> {
    let done: Option<String> =
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'demo_seeded'")
            .fetch_optional(pool)
            .await?;
    if done.is_some() {
        return Ok(false);
    }
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let mut tx = pool.begin().await?;
    // Serialise concurrent seeders: the second one waits here and then finds the marker.
    sqlx::query("SELECT pg_advisory_xact_lock(4242)")
        .execute(&mut *tx)
        .await?;
    let done: Option<String> =
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = 'demo_seeded'")
            .fetch_optional(&mut *tx)
            .await?;
    if done.is_some() {
        return Ok(false);
    }

    let mut owners = Vec::new();
    for (email, name, role, locale) in DEMO_USERS {
        let id = users_db::upsert_user(&mut tx, email, name, &hash, role, locale).await?;
        if matches!(role, Role::Sales | Role::Manager) {
            owners.push(id.0);
        }
        // Two sales teams, so data scopes show: Sarah Miller sells in the West team.
        let team = match (role, email) {
            (Role::Sales, "sales2@keel.demo") => Some("West"),
            (Role::Sales | Role::Manager, _) => Some("East"),
            (Role::Support, _) => Some("Service"),
            _ => None,
        };
        sqlx::query("UPDATE users SET team = $2 WHERE id = $1")
            .bind(id.0)
            .bind(team)
            .execute(&mut *tx)
            .await?;
    }

    let mut dice = Dice(0x5eed_cafe_f00d);
    let mut companies = Vec::new();
    for i in 0..50 {
        let chinese = i % 2 == 0;
        let (name, city) = if chinese {
            (
                format!(
                    "{}{}{}",
                    dice.pick(&CN_CITIES),
                    dice.pick(&CN_COMPANY_STEMS),
                    dice.pick(&CN_COMPANY_KINDS)
                ),
                *dice.pick(&CN_CITIES),
            )
        } else {
            (
                format!(
                    "{} {} {}",
                    dice.pick(&EN_COMPANY_STEMS),
                    dice.pick(&EN_COMPANY_KINDS),
                    i
                ),
                *dice.pick(&EN_CITIES),
            )
        };
        let website = format!("https://company{i}.example.com");
        let phone = if chinese {
            format!("+86 21 {:04} {:04}", dice.below(10000), dice.below(10000))
        } else {
            format!("+44 20 {:04} {:04}", dice.below(10000), dice.below(10000))
        };
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO companies (name, industry, website, phone, city, address, size, tags, source, owner_id)
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&name)
        .bind(dice.pick(&INDUSTRIES))
        .bind(website)
        .bind(phone)
        .bind(city)
        .bind(*dice.pick(&app::companies::model::SIZES))
        .bind(if i % 5 == 0 { vec!["key-account".to_string()] } else { Vec::new() })
        .bind(*dice.pick(&SOURCES))
        .bind(dice.pick(&owners))
        .fetch_one(&mut *tx)
        .await?;
        companies.push((id, chinese));
    }

    for i in 0..200 {
        let (company, chinese) = *dice.pick(&companies);
        let (name, email) = if chinese {
            let s = dice.below(CN_SURNAMES.len());
            let g1 = *dice.pick(&CN_GIVEN);
            let g2 = if dice.below(2) == 0 {
                *dice.pick(&CN_GIVEN)
            } else {
                ""
            };
            (
                format!("{}{g1}{g2}", CN_SURNAMES[s]),
                format!("{}.{i}@example.cn", CN_PINYIN_SURNAMES[s].to_lowercase()),
            )
        } else {
            let first = *dice.pick(&EN_FIRST);
            let last = *dice.pick(&EN_LAST);
            (
                format!("{first} {last}"),
                format!(
                    "{}.{}{i}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
            )
        };
        let phone = if chinese {
            format!(
                "+86 13{:01}{:04}{:04}",
                dice.below(10),
                dice.below(10000),
                dice.below(10000)
            )
        } else {
            format!("+1 415 {:03} {:04}", dice.below(1000), dice.below(10000))
        };
        sqlx::query(
            "INSERT INTO contacts (company_id, full_name, title, emails, phones, owner_id, tags, source)
             VALUES ($1, $2, $3, ARRAY[$4], ARRAY[$5], $6, $7, $8)",
        )
        .bind(company)
        .bind(name)
        .bind(dice.pick(&TITLES))
        .bind(email)
        .bind(phone)
        .bind(dice.pick(&owners))
        .bind(if i % 7 == 0 { vec!["vip".to_string()] } else { Vec::new() })
        .bind(*dice.pick(&SOURCES))
        .execute(&mut *tx)
        .await?;
    }

    // Leads in every status, half of them Chinese.
    for i in 0..60 {
        let chinese = i % 2 == 0;
        let (name, company, email) = if chinese {
            let s = dice.below(CN_SURNAMES.len());
            (
                format!("{}{}", CN_SURNAMES[s], dice.pick(&CN_GIVEN)),
                format!(
                    "{}{}{}",
                    dice.pick(&CN_CITIES),
                    dice.pick(&CN_COMPANY_STEMS),
                    dice.pick(&CN_COMPANY_KINDS)
                ),
                format!(
                    "{}.lead{i}@example.cn",
                    CN_PINYIN_SURNAMES[s].to_lowercase()
                ),
            )
        } else {
            let (first, last) = (*dice.pick(&EN_FIRST), *dice.pick(&EN_LAST));
            (
                format!("{first} {last}"),
                format!(
                    "{} {}",
                    dice.pick(&EN_COMPANY_STEMS),
                    dice.pick(&EN_COMPANY_KINDS)
                ),
                format!("{}.lead{i}@example.com", first.to_lowercase()),
            )
        };
        sqlx::query(
            "INSERT INTO leads (full_name, company_name, emails, status, source, owner_id, created_at)
             VALUES ($1, $2, ARRAY[$3], $4, $5, $6, now() - make_interval(days => $7))",
        )
        .bind(name)
        .bind(company)
        .bind(email)
        .bind(*dice.pick(&app::leads::model::STATUSES))
        .bind(*dice.pick(&SOURCES))
        .bind(dice.pick(&owners))
        .bind(dice.below(30) as i32)
        .execute(&mut *tx)
        .await?;
    }
    // Some logged history: calls and notes on the first contacts (by email, which holds the
    // contact's number: the same ones on every machine, as the screenshot tests need).
    sqlx::query(
        "INSERT INTO activities (contact_id, kind, body, call_outcome, duration_minutes, author_id, occurred_at)
         SELECT c.id, CASE WHEN n % 2 = 0 THEN 'call' ELSE 'note' END,
                CASE WHEN n % 2 = 0 THEN 'Discussed the renewal and next steps.' ELSE '客户对新方案感兴趣，下周再联系。' END,
                CASE WHEN n % 2 = 0 THEN 'connected' END, CASE WHEN n % 2 = 0 THEN 15 END, c.owner_id,
                now() - make_interval(days => n)
           FROM (SELECT id, owner_id FROM contacts ORDER BY created_at, emails[1], id LIMIT 40) c, generate_series(1, 3) n",
    )
    .execute(&mut *tx)
    .await?;

    let mut stages = Vec::new();
    for (p_pos, (pname, pstages)) in PIPELINES.iter().enumerate() {
        let pid: Uuid = sqlx::query_scalar(
            "INSERT INTO pipelines (name, position) VALUES ($1, $2) RETURNING id",
        )
        .bind(pname)
        .bind(p_pos as i32)
        .fetch_one(&mut *tx)
        .await?;
        for (s_pos, (sname, prob, rot)) in pstages.iter().enumerate() {
            let sid: Uuid = sqlx::query_scalar(
                "INSERT INTO stages (pipeline_id, name, position, win_probability, rotting_days) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(pid)
            .bind(sname)
            .bind(s_pos as i32)
            .bind(prob)
            .bind(rot)
            .fetch_one(&mut *tx)
            .await?;
            stages.push((pid, sid, p_pos));
        }
    }

    for i in 0..80 {
        // Three in four deals sit in the main sales pipeline.
        let pool_of_stages: Vec<_> = stages
            .iter()
            .filter(|s| (i % 4 == 3) == (s.2 == 1))
            .collect();
        let (pid, sid, _) = **dice.pick(&pool_of_stages);
        let (company, chinese) = *dice.pick(&companies);
        let title = format!("{} #{}", dice.pick(&DEAL_KINDS), 1000 + i);
        let value_minor = ((dice.below(200) + 1) * 5_000 * 100) as i64;
        let currency = if chinese {
            "CNY"
        } else if dice.below(2) == 0 {
            "USD"
        } else {
            "EUR"
        };
        let status = match dice.below(10) {
            0 => "won",
            1 => "lost",
            _ => "open",
        };
        let close_in_days = dice.below(120) as i32 - 20;
        sqlx::query(
            "INSERT INTO deals (pipeline_id, stage_id, title, value_minor, currency, company_id, owner_id, rank, status, expected_close_date,
                                stage_entered_at, closed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, current_date + $10, now() - make_interval(days => $11),
                     CASE WHEN $9 <> 'open' THEN now() END)",
        )
        .bind(pid)
        .bind(sid)
        .bind(title)
        .bind(value_minor)
        .bind(currency)
        .bind(company)
        .bind(dice.pick(&owners))
        .bind(format!("{i:08}V"))
        .bind(status)
        .bind(close_in_days)
        .bind(dice.below(30) as i32)
        .execute(&mut *tx)
        .await?;
    }

    history::seed(&mut tx, &mut dice).await?;
    tickets::seed(&mut tx, &mut dice).await?;

    sqlx::query("INSERT INTO app_meta (key, value) VALUES ('demo_seeded', now()::text)")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[sqlx::test(migrations = "../migrations")]
    async fn seeding_twice_loads_the_demo_data_once(pool: PgPool) {
        assert!(seed_demo(&pool).await.unwrap());
        assert!(!seed_demo(&pool).await.unwrap());
        let count = |sql: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            count("SELECT count(*) FROM users").await,
            DEMO_USERS.len() as i64
        );
        assert_eq!(count("SELECT count(*) FROM companies").await, 50);
        assert_eq!(count("SELECT count(*) FROM contacts").await, 200);
        assert_eq!(count("SELECT count(*) FROM deals").await, 80);
        assert_eq!(count("SELECT count(*) FROM tickets").await, 30);
        assert!(count("SELECT count(DISTINCT status) FROM tickets").await >= 4);
        assert_eq!(count("SELECT count(*) FROM pipelines").await, 2);
        assert_eq!(count("SELECT count(DISTINCT role) FROM users").await, 5);
        assert!(count("SELECT count(DISTINCT stage_id) FROM deals").await >= 6);
    }
}
