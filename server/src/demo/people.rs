//! The demo's people and accounts: supply stations, a residential customer with a linked
//! account (and two more accounts to link), an enterprise with two users and several
//! service points, and one staff member for each role.
//!
//! No password is fixed anywhere: every load gives each demo login a new random password,
//! and `gridhall demo` prints them.

use serde::Serialize;
use shared::roles::{Notice, StaffRole};
use sqlx::{AnyConnection, Row};

use crate::context::Ctx;
use crate::services::{passwords, second_factor, secrets};

/// A demo login and its password for this load.
#[derive(Debug, Clone, Serialize)]
pub struct DemoLogin {
    /// Who this is, e.g. `customer`, `enterprise admin`, `staff: agent`.
    pub role: String,
    /// The login.
    pub email: String,
    /// The password set by this load.
    pub password: String,
    /// Staff: the authenticator secret (base32, RFC 6238) set by this load, for an
    /// authenticator app or a script to compute the login codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
}

const REGIONS: [(&str, &str, &str); 3] = [
    ("PD01", "浦东供电所", "Pudong Supply Station"),
    ("MH02", "闵行供电所", "Minhang Supply Station"),
    ("JD03", "嘉定供电所", "Jiading Supply Station"),
];

/// `(account_no, holder, address, region, class, payment mode, email on file, last bill in fen)`.
type AccountRow =
    (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, Option<&'static str>, i64);

/// Residential accounts; the first is linked to the demo customer, the others wait to be
/// linked (with the holder's name and last bill, or a code sent to the address on file).
const RESIDENTIAL: [AccountRow; 3] = [
    (
        "3100012345",
        "张伟",
        "上海市浦东新区张杨路 1001 弄 5 号 302 室",
        "PD01",
        "residential",
        "postpaid",
        Some("zhang.wei@demo.gridhall.example"),
        15_630,
    ),
    (
        "3100012346",
        "李娜",
        "上海市闵行区莘庄镇都市路 88 号 1201 室",
        "MH02",
        "residential",
        "prepaid",
        Some("li.na@demo.gridhall.example"),
        8_640,
    ),
    ("3100012347", "王芳", "上海市嘉定区城中路 17 号 601 室", "JD03", "residential", "postpaid", None, 12_850),
];

/// The enterprise's service points.
const ENTERPRISE_ACCOUNTS: [AccountRow; 3] = [
    (
        "3200000001",
        "华东精密制造有限公司",
        "上海市嘉定区马陆镇宝安公路 2888 号 1 号厂房",
        "JD03",
        "high_voltage",
        "postpaid",
        None,
        4_286_530,
    ),
    (
        "3200000002",
        "华东精密制造有限公司",
        "上海市嘉定区马陆镇宝安公路 2888 号 2 号厂房",
        "JD03",
        "high_voltage",
        "postpaid",
        None,
        3_104_220,
    ),
    (
        "3200000003",
        "华东精密制造有限公司",
        "上海市闵行区江川路 560 号 研发楼",
        "MH02",
        "low_voltage",
        "prepaid",
        None,
        186_075,
    ),
];

const ORG_NAME: &str = "华东精密制造有限公司";

/// Loads (or refreshes) the demo people; answers their logins with new passwords.
pub async fn load(ctx: &Ctx) -> anyhow::Result<Vec<DemoLogin>> {
    let mut tx = ctx.db.begin().await?;
    for (code, zh, en) in REGIONS {
        sqlx::query("INSERT INTO regions (code, name_zh, name_en) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING")
            .bind(code)
            .bind(zh)
            .bind(en)
            .execute(&mut *tx)
            .await?;
    }
    let org_id = organisation(ctx, &mut tx).await?;
    for account in RESIDENTIAL {
        upsert_account(ctx, &mut tx, account, None).await?;
    }
    for account in ENTERPRISE_ACCOUNTS {
        upsert_account(ctx, &mut tx, account, Some(org_id)).await?;
    }
    let mut logins = Vec::new();
    let customer =
        person(ctx, &mut tx, &mut logins, "customer", "zhang.wei@demo.gridhall.example", "张伟", "customer").await?;
    sqlx::query(
        "INSERT INTO account_links (account_id, user_id, proof, linked_at)
         SELECT id, $1, 'bill_amount', $2 FROM electricity_accounts WHERE account_no = $3
         ON CONFLICT (account_id, user_id) DO NOTHING",
    )
    .bind(customer)
    .bind(ctx.now())
    .bind(RESIDENTIAL[0].0)
    .execute(&mut *tx)
    .await?;
    for (role, email, name, org_role) in [
        ("enterprise admin", "chen.jing@demo.gridhall.example", "陈静", "admin"),
        ("enterprise payer", "liu.yang@demo.gridhall.example", "刘洋", "payer"),
    ] {
        let id = person(ctx, &mut tx, &mut logins, role, email, name, "enterprise").await?;
        sqlx::query(
            "INSERT INTO org_members (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(id)
        .bind(org_id)
        .bind(org_role)
        .bind(ctx.now())
        .execute(&mut *tx)
        .await?;
    }
    let staff = [
        (StaffRole::Agent, "zhao.min", "赵敏", Some("PD01")),
        (StaffRole::Supervisor, "sun.lei", "孙磊", None),
        (StaffRole::ConnectionHandler, "zhou.jie", "周杰", Some("JD03")),
        (StaffRole::BillingOperator, "wu.fang", "吴芳", None),
        (StaffRole::KeyAccountManager, "zheng.qiang", "郑强", None),
        (StaffRole::Admin, "admin", "系统管理员", None),
        (StaffRole::Auditor, "feng.xue", "冯雪", None),
    ];
    for (role, local, name, region) in staff {
        let email = format!("{local}@staff.gridhall.example");
        let id = person(ctx, &mut tx, &mut logins, &format!("staff: {role}"), &email, name, "staff").await?;
        // Staff need a second factor: each load gives them a new authenticator secret too.
        let secret =
            second_factor::enrol_directly(ctx, &mut tx, id).await.map_err(|fail| anyhow::anyhow!("{fail:?}"))?;
        if let Some(login) = logins.last_mut() {
            login.totp_secret = Some(secret);
        }
        sqlx::query("INSERT INTO staff_roles (user_id, role) VALUES ($1, $2) ON CONFLICT (user_id, role) DO NOTHING")
            .bind(id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        if let Some(region) = region {
            sqlx::query(
                "INSERT INTO staff_regions (user_id, region) VALUES ($1, $2) ON CONFLICT (user_id, region) DO NOTHING",
            )
            .bind(id)
            .bind(region)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(logins)
}

async fn organisation(ctx: &Ctx, conn: &mut AnyConnection) -> anyhow::Result<i64> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(ORG_NAME)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    Ok(sqlx::query("INSERT INTO organisations (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(ORG_NAME)
        .bind(ctx.now())
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?)
}

async fn upsert_account(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    account: AccountRow,
    org_id: Option<i64>,
) -> anyhow::Result<()> {
    let (account_no, holder, address, region, class, mode, email, last_bill) = account;
    sqlx::query(
        "INSERT INTO electricity_accounts
             (account_no, holder_name, supply_address, region, customer_class, payment_mode, email_on_file, org_id, last_bill_fen, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (account_no) DO NOTHING",
    )
    .bind(account_no)
    .bind(holder)
    .bind(address)
    .bind(region)
    .bind(class)
    .bind(mode)
    .bind(email)
    .bind(org_id)
    .bind(last_bill)
    .bind(ctx.now())
    .execute(conn)
    .await?;
    Ok(())
}

/// Creates the login if missing (confirmed), gives it a new random password, and ends its
/// sessions (the old password no longer works anyway).
async fn person(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    logins: &mut Vec<DemoLogin>,
    role: &str,
    email: &str,
    name: &str,
    kind: &str,
) -> anyhow::Result<i64> {
    let password: String =
        secrets::token().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?.chars().take(16).collect();
    let hash = passwords::hash(password.clone()).await?;
    let now = ctx.now();
    let id: i64 = sqlx::query(
        "INSERT INTO users (kind, email, display_name, password_hash, email_confirmed_at, language, email_notices, created_at)
         VALUES ($1, $2, $3, $4, $5, 'zh-CN', $6, $5)
         ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, disabled_at = NULL
         RETURNING id",
    )
    .bind(kind)
    .bind(email)
    .bind(name)
    .bind(&hash)
    .bind(now)
    .bind(Notice::write_list(Notice::ALL))
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    logins.push(DemoLogin { role: role.to_owned(), email: email.to_owned(), password, totp_secret: None });
    Ok(id)
}
