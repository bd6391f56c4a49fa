//! The names of connection-application terms (kinds, classes, steps, states, what the
//! customer must do) in both languages, for pages, notices and emails alike.

use super::Locale;
use crate::api::applications::{DocumentKind, IntakeWarningCode};
use crate::connection::{ApplicationKind, ApplicationStatus, CustomerClass, HistoryAction, Step, Voltage, Waiting};

fn pick(locale: Locale, zh: &'static str, en: &'static str) -> &'static str {
    if locale == Locale::Zh { zh } else { en }
}

/// The name of an application kind.
pub fn kind(locale: Locale, kind: ApplicationKind) -> &'static str {
    match kind {
        ApplicationKind::NewConnection => pick(locale, "新装", "New connection"),
        ApplicationKind::CapacityIncrease => pick(locale, "增容", "Capacity increase"),
        ApplicationKind::CapacityDecrease => pick(locale, "减容", "Capacity decrease"),
        ApplicationKind::Temporary => pick(locale, "临时用电", "Temporary supply"),
        ApplicationKind::ChangeOfName => pick(locale, "更名过户", "Change of name"),
    }
}

/// The name of a customer class.
pub fn class(locale: Locale, class: CustomerClass) -> &'static str {
    match class {
        CustomerClass::Residential => pick(locale, "居民生活用电", "Residential"),
        CustomerClass::LvNonResidential => pick(locale, "低压非居民", "Low-voltage business"),
        CustomerClass::HighVoltage => pick(locale, "高压（10千伏及以上）", "High voltage (10 kV and up)"),
    }
}

/// The name of a voltage.
pub fn voltage(locale: Locale, voltage: Voltage) -> &'static str {
    match voltage {
        Voltage::V220 => pick(locale, "220伏（单相）", "220 V (single phase)"),
        Voltage::V380 => pick(locale, "380伏（三相）", "380 V (three phase)"),
        Voltage::Kv10 => pick(locale, "10千伏", "10 kV"),
        Voltage::Kv35 => pick(locale, "35千伏", "35 kV"),
        Voltage::Kv110 => pick(locale, "110千伏", "110 kV"),
    }
}

/// The name of a step.
pub fn step(locale: Locale, step: Step) -> &'static str {
    match step {
        Step::Acceptance => pick(locale, "受理", "Acceptance"),
        Step::SiteSurvey => pick(locale, "现场勘查", "Site survey"),
        Step::SupplyScheme => pick(locale, "供电方案答复", "Supply scheme"),
        Step::DesignReview => pick(locale, "设计审查", "Design review"),
        Step::MidInspection => pick(locale, "中间检查", "Mid-construction inspection"),
        Step::CompletionInspection => pick(locale, "竣工检验", "Completion inspection"),
        Step::Contract => pick(locale, "签订供用电合同", "Supply contract"),
        Step::Energising => pick(locale, "装表接电", "Meter and power on"),
    }
}

/// The name of an application status.
pub fn status(locale: Locale, status: ApplicationStatus) -> &'static str {
    match status {
        ApplicationStatus::Draft => pick(locale, "草稿", "Draft"),
        ApplicationStatus::Submitted => pick(locale, "待受理", "Waiting for acceptance"),
        ApplicationStatus::InProgress => pick(locale, "办理中", "In progress"),
        ApplicationStatus::Completed => pick(locale, "已办结", "Completed"),
        ApplicationStatus::Rejected => pick(locale, "不予受理", "Not accepted"),
        ApplicationStatus::Cancelled => pick(locale, "已撤销", "Cancelled"),
    }
}

/// What the customer must do, as an instruction.
pub fn waiting(locale: Locale, waiting: Waiting) -> &'static str {
    match waiting {
        Waiting::Documents => pick(locale, "请按要求补充资料", "Upload the documents we asked for"),
        Waiting::SchemeAcceptance => pick(locale, "请阅读并确认供电方案", "Read and accept the supply scheme"),
        Waiting::Design => pick(locale, "请提交受电工程设计文件", "Hand in the design of your installation"),
        Waiting::Works => pick(locale, "工程完工后请申请检验", "Tell us when the works are ready for inspection"),
        Waiting::DefectRepair => {
            pick(locale, "请整改缺陷后申请复验", "Repair the defects, then ask for a new inspection")
        }
        Waiting::ContractAcceptance => pick(locale, "请阅读并签署供用电合同", "Read and sign the supply contract"),
    }
}

/// The name of a history action, as stored.
pub fn action(locale: Locale, action: HistoryAction) -> &'static str {
    match action {
        HistoryAction::Created => pick(locale, "创建草稿", "Draft created"),
        HistoryAction::Submit => pick(locale, "提交申请", "Submitted"),
        HistoryAction::Cancel => pick(locale, "撤销申请", "Cancelled"),
        HistoryAction::Accept => pick(locale, "受理", "Accepted"),
        HistoryAction::Reject => pick(locale, "不予受理", "Not accepted"),
        HistoryAction::RequestDocuments => pick(locale, "通知补充资料", "Documents requested"),
        HistoryAction::ProvideDocuments => pick(locale, "补充资料", "Documents provided"),
        HistoryAction::ScheduleSurvey => pick(locale, "预约现场勘查", "Survey appointment offered"),
        HistoryAction::CompleteSurvey => pick(locale, "完成现场勘查", "Survey done"),
        HistoryAction::IssueOffer => pick(locale, "出具文本", "Issued for acceptance"),
        HistoryAction::AcceptOffer => pick(locale, "客户确认", "Accepted by the customer"),
        HistoryAction::Ready => pick(locale, "客户申请检验", "Customer ready"),
        HistoryAction::ReviewPassed => pick(locale, "审查/检验合格", "Passed"),
        HistoryAction::ReviewFailed => pick(locale, "审查/检验不合格", "Failed, with defects"),
        HistoryAction::Energise => pick(locale, "装表送电", "Energised"),
        HistoryAction::GreenChannel => pick(locale, "纳入绿色通道", "Green channel"),
        HistoryAction::Assign => pick(locale, "指派处理人", "Handler assigned"),
        HistoryAction::FollowUp => pick(locale, "回访", "Follow-up visit"),
    }
}

/// The name of a document kind.
pub fn document_kind(locale: Locale, kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::IdOrLicence => pick(locale, "身份证明或营业执照", "ID or business licence"),
        DocumentKind::PropertyProof => pick(locale, "房屋产权证明", "Property proof"),
        DocumentKind::ProjectApproval => pick(locale, "项目批复文件", "Project approval"),
        DocumentKind::SchemeAttachment => pick(locale, "供电方案附件", "Scheme attachment"),
        DocumentKind::Other => pick(locale, "其他资料", "Other document"),
    }
}

/// The wording of an intake warning.
pub fn intake_warning(locale: Locale, code: IntakeWarningCode) -> &'static str {
    match code {
        IntakeWarningCode::AddressHasAccount => {
            pick(locale, "该地址已有在用户号", "The address already has an active account")
        }
        IntakeWarningCode::PermanentSupplyExists => {
            pick(locale, "临时用电申请地址已有正式用电", "A temporary supply asked where a permanent one exists")
        }
        IntakeWarningCode::ProjectApprovalMissing => {
            pick(locale, "高压项目未上传项目批复文件", "High-voltage project without its approval")
        }
    }
}
