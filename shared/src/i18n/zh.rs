//! 简体中文.

use chrono::{Datelike, NaiveDate};

use super::{FieldMessages, FooterMessages, HomeMessages, Messages, NotFoundMessages};
use crate::api::ErrorCode;
use crate::commitments::{LimitUnit, ServiceArea, codes};
use crate::validation::Problem;

pub(super) const MESSAGES: Messages = Messages {
    product_name: "网上营业厅",
    utility_name: "Gridhall 供电公司",
    skip_to_content: "跳到主要内容",
    language_label: "语言",
    language_name: "简体中文",
    nav_label: "主导航",
    nav_home: "首页",
    nav_api_docs: "开放接口",
    home: HomeMessages {
        title: "服务承诺",
        commitments_heading: "我们的服务承诺",
        commitments_intro: "以下是我们向社会公开承诺的办电、抢修、投诉处理等服务时限。工作日按国家法定节假日安排计算，不含周末和节假日，调休上班日计入。",
        filter_label: "按服务类别筛选",
        filter_all: "全部",
        column_service: "服务事项",
        column_limit: "承诺时限",
        column_area: "类别",
        column_since: "施行日期",
        loading: "正在加载服务承诺……",
        empty: "该类别暂无公开承诺。",
        retry: "重新加载",
        as_of,
    },
    footer: FooterMessages {
        hotline: "供电服务热线 95598，全天 24 小时服务",
        working_days_note: "时限只计供电企业办理时间，客户自身原因耗时不计入。",
    },
    not_found: NotFoundMessages {
        title: "页面不存在", body: "您访问的页面不存在或已移动。", back_home: "返回首页"
    },
    error,
    field: FieldMessages { problem: field_problem },
    area,
    commitment,
    limit,
    date,
    apply: &super::apply::ZH,
    bills: &super::bills::ZH,
    portal: &super::portal_zh::PORTAL,
};

fn as_of(date: &str, count: usize) -> String {
    format!("截至 {date}，共 {count} 项承诺")
}

fn error(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::BadRequest => "请求有误，请检查后重试。",
        ErrorCode::MalformedJson => "请求内容不是有效的 JSON。",
        ErrorCode::UnsupportedMediaType => "请求内容须为 JSON（Content-Type: application/json）。",
        ErrorCode::ValidationFailed => "部分内容填写有误，请按提示修改。",
        ErrorCode::Unauthenticated => "请先登录。",
        ErrorCode::Forbidden => "您没有权限进行此操作。",
        ErrorCode::NotFound => "未找到您要访问的内容。",
        ErrorCode::MethodNotAllowed => "该地址不支持此操作。",
        ErrorCode::Conflict => "数据已被更改，请刷新后重试。",
        ErrorCode::PayloadTooLarge => "提交的内容过大。",
        ErrorCode::RateLimited => "操作过于频繁，请稍后再试。",
        ErrorCode::Timeout => "处理超时，请稍后再试。",
        ErrorCode::Internal => "系统出现故障，我们已记录，请稍后再试。",
        ErrorCode::Unavailable => "系统暂时无法提供服务，请稍后再试。",
        ErrorCode::InvalidCredentials => "邮箱或密码不正确。",
        ErrorCode::EmailUnconfirmed => "您的邮箱尚未验证。我们已重新发送验证邮件，请点击邮件中的链接后再登录。",
        ErrorCode::AccountDisabled => "该账号已被停用，如有疑问请联系 95598。",
        ErrorCode::LinkExpired => "该链接或验证码已失效（已使用或已过期），请重新获取。",
        ErrorCode::ProofMismatch => "户号与您提供的信息不符，请核对后重试。",
        ErrorCode::EmailTaken => "该邮箱已有账号。",
        ErrorCode::StepNotAllowed => "申请当前所处的环节不能办理此项操作，请刷新后查看最新进度。",
        ErrorCode::OfferSuperseded => "该文本已有更新版本，请阅读最新版本后再确认。",
        ErrorCode::OwnRequest => "须由另一位操作员审批：不能审批自己提交的申请。",
        ErrorCode::UnsupportedFile => "文件类型不支持：请上传 PDF、JPEG 或 PNG 文件。",
        ErrorCode::SecondFactorRequired => "请输入身份验证器应用中的 6 位动态验证码（或一个恢复码）以继续。",
        ErrorCode::SecondFactorInvalid => "验证码不正确、已使用或已过期，请等待下一个验证码后重试。",
        ErrorCode::SecondFactorEnrolmentRequired => "员工账号需要第二重验证：请先设置身份验证器应用，再完成登录。",
        ErrorCode::StationNotHeld => "此操作涉及您未负责的供电所，请联系负责这些供电所的管理员。",
        ErrorCode::RoleNotHeld => "您不能给自己授予未持有的角色，请联系其他管理员。",
        ErrorCode::WeakLinkCannotUnlink => {
            "您是凭户主姓名和上期电费绑定该户号的，不能解除其他账号的绑定。请用发送到预留邮箱的验证码重新绑定，或拨打 95598。"
        }
        ErrorCode::Network => "无法连接到服务器，请检查网络后重试。",
        ErrorCode::Unknown => "出现未知错误，请稍后再试。",
    }
}

fn area(area: ServiceArea) -> &'static str {
    match area {
        ServiceArea::Connection => "业扩报装",
        ServiceArea::Complaint => "投诉与诉求",
        ServiceArea::MeterTest => "电能表校验",
        ServiceArea::Reconnection => "复电",
        ServiceArea::Outage => "停电通知",
        ServiceArea::Repair => "故障抢修",
    }
}

fn commitment(code: &str) -> Option<&'static str> {
    Some(match code {
        codes::CONNECTION_TOTAL_RESIDENTIAL => "居民客户办电全流程",
        codes::CONNECTION_TOTAL_LV_NON_RESIDENTIAL => "低压非居民客户办电全流程",
        codes::CONNECTION_TOTAL_HV_SINGLE => "高压单电源客户办电全流程",
        codes::CONNECTION_TOTAL_HV_DUAL => "高压双电源客户办电全流程",
        codes::SCHEME_REPLY_RESIDENTIAL => "居民客户供电方案答复",
        codes::SCHEME_REPLY_LV => "低压客户供电方案答复",
        codes::SCHEME_REPLY_HV_SINGLE => "高压单电源客户供电方案答复",
        codes::SCHEME_REPLY_HV_DUAL => "高压双电源客户供电方案答复",
        codes::ENERGISE_RESIDENTIAL => "居民客户检验合格后装表接电",
        codes::ENERGISE_NON_RESIDENTIAL => "非居民客户检验合格后装表接电",
        codes::STEP_ACCEPTANCE => "受理办电申请",
        codes::STEP_SITE_SURVEY => "现场勘查（非居民）",
        codes::STEP_DESIGN_REVIEW => "设计审查",
        codes::STEP_MID_INSPECTION => "中间检查",
        codes::STEP_COMPLETION_INSPECTION => "竣工检验",
        codes::STEP_CONTRACT => "供用电合同出具",
        codes::COMPLAINT_FIRST_CONTACT => "受理投诉后联系客户",
        codes::COMPLAINT_REPLY => "投诉处理结果答复",
        codes::COMPLAINT_METER_ANOMALY => "计量异常诉求答复",
        codes::SERVICE_REQUEST_REPLY => "其他服务诉求答复",
        codes::METER_TEST_RESULT => "电能表校验结果告知",
        codes::RECONNECTION_AFTER_PAYMENT => "欠费停电缴清后复电",
        codes::OUTAGE_PLANNED_NOTICE => "计划停电提前公告",
        codes::OUTAGE_TEMPORARY_NOTICE => "临时检修停电提前公告",
        codes::OUTAGE_LARGE_CUSTOMER_FIRST => "大客户计划停电首次通知",
        codes::OUTAGE_LARGE_CUSTOMER_SECOND => "大客户计划停电再次通知",
        codes::OUTAGE_LARGE_CUSTOMER_CONFIRM => "大客户停电前确认",
        codes::REPAIR_ARRIVAL_URBAN => "抢修人员到达现场（城区）",
        codes::REPAIR_ARRIVAL_RURAL => "抢修人员到达现场（农村）",
        codes::REPAIR_ARRIVAL_REMOTE => "抢修人员到达现场（边远地区）",
        _ => return None,
    })
}

fn limit(value: u32, unit: LimitUnit) -> String {
    let unit = match unit {
        LimitUnit::WorkingDays => "个工作日",
        LimitUnit::CalendarDays => "天",
        LimitUnit::Hours => "小时",
        LimitUnit::Minutes => "分钟",
    };
    format!("{value} {unit}")
}

fn date(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

fn field_problem(problem: Problem) -> &'static str {
    match problem {
        Problem::UnknownArea => "未知的服务类别",
        Problem::InvalidDate => "日期格式应为 YYYY-MM-DD，且须为有效日期",
        Problem::UnknownLanguage => "仅支持 zh-CN 或 en",
        Problem::InvalidValue => "取值无效",
        Problem::Required => "请填写此项",
        Problem::TooLong => "内容过长",
        Problem::InvalidEmail => "请输入有效的邮箱地址，例如 name@example.com",
        Problem::InvalidMobile => "请输入 11 位手机号码",
        Problem::PasswordTooShort => "密码至少需要 10 个字符",
        Problem::PasswordTooLong => "密码最多 128 个字符",
        Problem::PasswordTooWeak => "该密码过于常见或容易被猜到，请换一个更长、更独特的密码",
        Problem::WrongPassword => "当前密码不正确",
        Problem::InvalidAccountNumber => "户号为 10 位数字",
        Problem::InvalidAmount => "请输入金额（元），最多两位小数，例如 128.50",
        Problem::InvalidCode => "验证码为 6 位数字",
        Problem::NoneChosen => "请至少选择一项",
        Problem::UnknownRegion => "未知的供电所",
        Problem::OutOfRange => "超出允许的范围",
        Problem::AlreadyUsed => "已被使用，请核对",
        Problem::NotYourAccount => "不是您名下或已绑定的户号",
        Problem::TierBounds => "各档电量上限须逐档递增，且仅最后一档不设上限",
        Problem::PeriodPrices => "分时时段须各有且仅有一个电价",
        Problem::VersionOverlaps => "与已有版本的执行日期重叠",
        Problem::BeforeToday => "不能早于今天：电价不能追溯调整",
        Problem::ReadingsHeader => {
            "首行须为列名：表号(meter_no)、抄表日期(read_on)、有功总(active)；间隔数据为 meter_no、starts_at、kwh"
        }
        Problem::EmptyFile => "文件中没有读数",
    }
}
