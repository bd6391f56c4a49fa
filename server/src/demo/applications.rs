//! Demo connection applications: every class in every state (draft, waiting for
//! acceptance, at each kind of step, with the customer, completed and visited, rejected,
//! cancelled), some of them overdue. They are made through the same services as real ones,
//! with the clock set back, so their history, clock and notices are what real use gives.

use std::path::Path;

use serde_json::{Value, json};
use shared::api::applications::{
    ApplicationForm, AssignRequest, CustomerAction, DocumentKind, FollowUpRequest, NewApplication, StaffAction,
};
use shared::connection::{ApplicationKind, CustomerClass, Step};
use shared::roles::UserKind;
use shared::validation::format_day;
use sqlx::Row;

use crate::context::Ctx;
use crate::services::Actor;
use crate::services::applications::{customer, documents, staff};
use crate::services::sessions::{SessionUser, staff_grants};

/// A tiny valid PDF, standing in for scanned documents.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn user(ctx: &Ctx, email: &str) -> anyhow::Result<SessionUser> {
    let row = sqlx::query(
        "SELECT u.id, u.kind, m.org_id, m.role FROM users u LEFT JOIN org_members m ON m.user_id = u.id WHERE u.email = $1",
    )
    .bind(email)
    .fetch_one(ctx.db.pool())
    .await?;
    let id: i64 = row.try_get("id")?;
    let kind: UserKind = row.try_get::<String, _>("kind")?.parse().map_err(|_| anyhow::anyhow!("kind"))?;
    let org: Option<i64> = row.try_get("org_id")?;
    let role: Option<String> = row.try_get("role")?;
    let (staff_roles, regions) = staff_grants(ctx, id).await?;
    Ok(SessionUser {
        user_id: id,
        kind,
        email: email.to_owned(),
        org: org.zip(role.and_then(|r| r.parse().ok())),
        staff_roles,
        regions,
        session_hash: String::new(),
        expires_at: 0,
        second_factor_at: None,
        profile: crate::services::sessions::Profile::default(),
    })
}

fn actor(user: &SessionUser) -> Actor {
    Actor { user_id: Some(user.user_id), label: user.email.clone(), ip: "demo".to_owned() }
}

/// One demo application: whether the company applies (else the resident), the kind, the
/// class, the form, how many days ago it was sent (`None`: a draft) and what happened to it
/// since, each with how many days ago.
type Story = (bool, ApplicationKind, CustomerClass, ApplicationForm, Option<i64>, Vec<(i64, Move)>);

/// One step of a demo story: days ago, who, what.
enum Move {
    Customer(CustomerAction),
    Staff(StaffAction),
    Supervisor(StaffAction),
    Claim,
    Visit(u8, &'static str),
}

fn form(region: &str, address: &str, usage: &str, kva: &str, voltage: &str, wanted_in_days: i64) -> ApplicationForm {
    let wanted = chrono::Utc::now().date_naive() + chrono::Duration::days(wanted_in_days);
    ApplicationForm {
        region: region.into(),
        supply_address: address.into(),
        usage: usage.into(),
        capacity_kva: kva.into(),
        voltage: voltage.into(),
        wanted_date: format_day(wanted),
        contact_name: "演示联系人".into(),
        contact_mobile: "13900139000".into(),
        ..ApplicationForm::default()
    }
}

fn staff(value: Value) -> Move {
    Move::Staff(serde_json::from_value(value).unwrap_or(StaffAction::Accept))
}

fn customer_act(value: Value) -> Move {
    Move::Customer(serde_json::from_value(value).unwrap_or(CustomerAction::Submit))
}

/// Loads the demo applications unless the demo customer has some already; answers how
/// many were made.
pub async fn load(ctx: &Ctx) -> anyhow::Result<usize> {
    let config = &ctx.config;
    let resident = user(ctx, "zhang.wei@demo.gridhall.example").await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE applicant_id = $1")
        .bind(resident.user_id)
        .fetch_one(ctx.db.pool())
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let company = user(ctx, "chen.jing@demo.gridhall.example").await?;
    let handler = user(ctx, "zhou.jie@staff.gridhall.example").await?;
    let supervisor = user(ctx, "sun.lei@staff.gridhall.example").await?;
    let survey = |findings: &str| staff(json!({"action": "complete_survey", "findings": findings}));
    let contract = || {
        staff(
            json!({"action": "issue_offer", "step": "contract", "body": "供用电合同（演示）：供电方按约定供电，用电方按期交纳电费。"}),
        )
    };
    let scheme = |fee: &str| {
        staff(
            json!({"action": "issue_offer", "step": "supply_scheme", "body": "供电方案（演示）：由附近公用变压器低压接入，新装计量箱一只。", "fee": fee}),
        )
    };
    let sign = |step: Step| customer_act(json!({"action": "accept_offer", "step": step.as_str(), "version": 1}));
    let ready = |step: Step| customer_act(json!({"action": "ready", "step": step.as_str(), "note": "已完工"}));
    let pass = |step: Step| staff(json!({"action": "review", "step": step.as_str(), "passed": true}));
    let accept = || staff(json!({"action": "accept"}));
    let energise = |meter: &str| staff(json!({"action": "energise", "meter_no": meter}));
    use ApplicationKind::*;
    use CustomerClass::*;
    let stories: Vec<Story> = vec![
        (
            false,
            NewConnection,
            Residential,
            form("JD03", "上海市嘉定区博乐路 12 弄 3 号 402 室", "住宅", "8", "220v", 20),
            None,
            vec![],
        ),
        (
            false,
            NewConnection,
            Residential,
            form("JD03", "上海市嘉定区城中路 88 号 501 室", "住宅", "8", "220v", 10),
            Some(0),
            vec![],
        ),
        (
            false,
            NewConnection,
            Residential,
            form("JD03", "上海市嘉定区清河路 5 号 101 室", "住宅", "12", "220v", 10),
            Some(9),
            vec![(8, Move::Claim)],
        ),
        (
            false,
            NewConnection,
            Residential,
            form("JD03", "上海市嘉定区叶城路 66 号 202 室", "住宅", "8", "220v", 10),
            Some(3),
            vec![(3, Move::Claim), (2, accept())],
        ),
        (
            false,
            Temporary,
            Residential,
            ApplicationForm {
                until_date: format_day(chrono::Utc::now().date_naive() + chrono::Duration::days(120)),
                ..form("JD03", "上海市嘉定区城中路 88 号 501 室", "装修临时用电", "6", "220v", 5)
            },
            Some(2),
            vec![
                (2, Move::Claim),
                (1, staff(json!({"action": "request_documents", "step": "acceptance", "note": "请补充装修许可证明"}))),
            ],
        ),
        (
            false,
            NewConnection,
            Residential,
            form("JD03", "上海市嘉定区沪宜公路 1 号 8 室", "住宅", "8", "220v", 5),
            Some(30),
            vec![
                (30, Move::Claim),
                (29, accept()),
                (28, survey("单相 8 kVA，表位已确认")),
                (27, contract()),
                (26, sign(Step::Contract)),
                (25, energise("DEMO00000001")),
                (20, Move::Visit(5, "接电很快，师傅很专业")),
            ],
        ),
        (
            false,
            NewConnection,
            Residential,
            form("PD01", "上海市浦东新区张杨路 500 号 12 室", "住宅", "8", "220v", 5),
            Some(12),
            vec![(
                11,
                Move::Supervisor(StaffAction::Reject {
                    reason: "该地址已由开发商统一报装，请联系物业".into()
                }),
            )],
        ),
        (
            false,
            CapacityIncrease,
            Residential,
            ApplicationForm { account_no: "3100012345".into(), ..form("PD01", "", "", "16", "220v", 15) },
            Some(6),
            vec![(6, customer_act(json!({"action": "cancel", "reason": "暂不需要增容"})))],
        ),
        (
            true,
            NewConnection,
            LvNonResidential,
            form("JD03", "上海市嘉定区安亭镇墨玉路 28 号", "商铺", "60", "380v", 30),
            Some(12),
            vec![(12, Move::Claim), (11, accept()), (9, scheme("1200.00")), (8, sign(Step::SupplyScheme))],
        ),
        (
            true,
            NewConnection,
            LvNonResidential,
            form("JD03", "上海市嘉定区南翔镇德园路 9 号", "餐饮", "80", "380v", 30),
            Some(20),
            vec![
                (20, Move::Claim),
                (19, accept()),
                (17, scheme("1500.00")),
                (16, sign(Step::SupplyScheme)),
                (10, ready(Step::CompletionInspection)),
                (
                    9,
                    staff(
                        json!({"action": "review", "step": "completion_inspection", "passed": false, "note": "漏电保护器未安装"}),
                    ),
                ),
            ],
        ),
        (
            true,
            NewConnection,
            LvNonResidential,
            form("JD03", "上海市嘉定区马陆镇宝安公路 3 号", "仓库", "100", "380v", 10),
            Some(40),
            vec![
                (40, Move::Claim),
                (39, accept()),
                (37, scheme("2000.00")),
                (36, sign(Step::SupplyScheme)),
                (30, ready(Step::CompletionInspection)),
                (29, pass(Step::CompletionInspection)),
                (28, contract()),
                (27, sign(Step::Contract)),
                (25, energise("DEMO00000002")),
            ],
        ),
        (
            true,
            NewConnection,
            HighVoltage,
            form("JD03", "上海市嘉定工业区叶城路 1288 号", "厂房", "2000", "10kv", 90),
            Some(25),
            vec![
                (25, Move::Claim),
                (24, accept()),
                (22, survey("10kV 专线接入，需新建开关站")),
                (
                    20,
                    staff(
                        json!({"action": "issue_offer", "step": "supply_scheme", "body": "10kV 单电源专线供电方案（演示）", "fee": "0"}),
                    ),
                ),
                (18, sign(Step::SupplyScheme)),
                (14, ready(Step::DesignReview)),
            ],
        ),
        (
            true,
            NewConnection,
            HighVoltage,
            form("JD03", "上海市嘉定区嘉定新城医院路 1 号", "医院", "4000", "10kv", 60),
            Some(5),
            vec![
                (5, Move::Supervisor(StaffAction::GreenChannel { reason: "医院，重要客户".into() })),
                (5, Move::Claim),
                (4, accept()),
            ],
        ),
        (
            true,
            CapacityIncrease,
            HighVoltage,
            ApplicationForm { account_no: "3200000001".into(), ..form("JD03", "", "", "3150", "10kv", 60) },
            Some(1),
            vec![],
        ),
    ];
    let mut made = 0;
    // Each story happened days ago: the clock is set back for each step, and put back after.
    let offset_before = ctx.clock.offset();
    let real_now = ctx.now();
    let env_at = |days_ago: i64| {
        ctx.clock.set(real_now - days_ago * 86_400);
        ctx
    };
    let fail = |f: crate::services::Fail| anyhow::anyhow!("demo application: {f:?}");
    for (by_company, kind, class, form, submitted, moves) in stories {
        let applicant = if by_company { &company } else { &resident };
        let start = submitted.unwrap_or(0) + 1;
        let env = env_at(start);
        let created =
            customer::create(env, &actor(applicant), applicant, &NewApplication { kind, customer_class: class, form })
                .await
                .map_err(fail)?;
        let id = created.summary.id;
        made += 1;
        let Some(days_ago) = submitted else { continue };
        // What the kind requires, and the project's approval for a high-voltage increase.
        let mut kinds = shared::api::applications::required_documents(kind).to_vec();
        if kind == CapacityIncrease && class == HighVoltage {
            kinds.push(DocumentKind::ProjectApproval);
        }
        for doc in kinds {
            documents::upload(
                env,
                Path::new(&config.document_dir),
                &actor(applicant),
                applicant,
                id,
                &documents::Upload { kind: doc.as_str(), file_name: "扫描件.pdf", bytes: PDF },
            )
            .await
            .map_err(fail)?;
        }
        customer::act(env_at(days_ago), &actor(applicant), applicant, id, &CustomerAction::Submit)
            .await
            .map_err(fail)?;
        for (ago, step) in moves {
            let env = env_at(ago);
            match step {
                Move::Customer(action) => {
                    customer::act(env, &actor(applicant), applicant, id, &action).await.map(|_| ())
                }
                Move::Staff(action) => staff::act(env, &actor(&handler), &handler, id, &action).await.map(|_| ()),
                Move::Supervisor(action) => {
                    staff::act(env, &actor(&supervisor), &supervisor, id, &action).await.map(|_| ())
                }
                Move::Claim => staff::assign(env, &actor(&handler), &handler, id, &AssignRequest { handler_id: None })
                    .await
                    .map(|_| ()),
                Move::Visit(score, comment) => {
                    let request = FollowUpRequest { score, comment: comment.into() };
                    staff::follow_up(env, &actor(&handler), &handler, id, &request).await.map(|_| ())
                }
            }
            .map_err(fail)?;
        }
    }
    ctx.clock.set_offset(offset_before);
    Ok(made)
}
