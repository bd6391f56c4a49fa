//! The words of the connection pages (applying, the timeline, the staff queue, the
//! dashboard and the published figures) in both languages. Long because it is one
//! catalogue: the struct of texts and its two translations, side by side.

/// Strings of the connection pages.
pub struct ApplyMessages {
    /// Navigation: my applications.
    pub nav_applications: &'static str,
    /// Navigation: the work queue.
    pub nav_queue: &'static str,
    /// Navigation: the dashboard.
    pub nav_dashboard: &'static str,
    /// Navigation: the published figures.
    pub nav_statistics: &'static str,
    /// Navigation: notices.
    pub nav_notices: &'static str,
    /// List page title.
    pub list_title: &'static str,
    /// List page introduction.
    pub list_intro: &'static str,
    /// Start a new application.
    pub new_button: &'static str,
    /// Shown to an enterprise's payers and viewers instead of the actions.
    pub admin_acts: &'static str,
    /// No applications yet.
    pub empty: &'static str,
    /// Column: reference.
    pub col_reference: &'static str,
    /// Column: kind.
    pub col_kind: &'static str,
    /// Column: status.
    pub col_status: &'static str,
    /// Column: current step.
    pub col_step: &'static str,
    /// Column: due.
    pub col_due: &'static str,
    /// Column: place.
    pub col_place: &'static str,
    /// Column: applicant.
    pub col_applicant: &'static str,
    /// Column: handler.
    pub col_handler: &'static str,
    /// Waiting for the customer.
    pub with_customer: &'static str,
    /// New application page title.
    pub new_title: &'static str,
    /// New application introduction.
    pub new_intro: &'static str,
    /// What is asked for.
    pub kind: &'static str,
    /// The class.
    pub class: &'static str,
    /// The supply station.
    pub region: &'static str,
    /// Choose…
    pub choose: &'static str,
    /// Supply address.
    pub address: &'static str,
    /// Use.
    pub usage: &'static str,
    /// Use hint.
    pub usage_hint: &'static str,
    /// Capacity.
    pub capacity: &'static str,
    /// Capacity hint.
    pub capacity_hint: &'static str,
    /// Voltage.
    pub voltage: &'static str,
    /// Dual supply.
    pub dual_supply: &'static str,
    /// Wanted date.
    pub wanted_date: &'static str,
    /// Last day of a temporary supply.
    pub until_date: &'static str,
    /// Contact name.
    pub contact_name: &'static str,
    /// Contact mobile.
    pub contact_mobile: &'static str,
    /// Existing account.
    pub account_no: &'static str,
    /// New holder.
    pub new_holder_name: &'static str,
    /// Save the draft.
    pub save_draft: &'static str,
    /// Draft saved.
    pub saved: &'static str,
    /// Submit.
    pub submit: &'static str,
    /// What submitting needs.
    pub submit_hint: &'static str,
    /// Submitted.
    pub submitted: &'static str,
    /// Documents heading.
    pub documents: &'static str,
    /// Which document.
    pub document_kind: &'static str,
    /// The file input.
    pub file: &'static str,
    /// File rules.
    pub file_hint: &'static str,
    /// Upload.
    pub upload: &'static str,
    /// Uploaded.
    pub uploaded: &'static str,
    /// No documents yet.
    pub no_documents: &'static str,
    /// A required document is missing.
    pub document_missing: &'static str,
    /// Timeline heading.
    pub timeline: &'static str,
    /// Column: owner.
    pub col_owner: &'static str,
    /// Column: started.
    pub col_started: &'static str,
    /// Column: finished.
    pub col_finished: &'static str,
    /// Column: limit.
    pub col_limit: &'static str,
    /// Column: utility days.
    pub col_utility_days: &'static str,
    /// Column: customer days.
    pub col_customer_days: &'static str,
    /// Column: note.
    pub col_note: &'static str,
    /// Working days unit.
    pub days: &'static str,
    /// Days used by the utility, all steps.
    pub utility_total: &'static str,
    /// Days with the customer, all steps.
    pub customer_total: &'static str,
    /// Last day of the whole-process limit.
    pub total_due: &'static str,
    /// What to do next heading.
    pub next_heading: &'static str,
    /// Nothing to do.
    pub nothing_to_do: &'static str,
    /// Quoted fee.
    pub fee: &'static str,
    /// Scheme and contract heading.
    pub offers: &'static str,
    /// Version label.
    pub version: &'static str,
    /// Accept this version.
    pub accept_offer: &'static str,
    /// I have read it.
    pub accept_confirm: &'static str,
    /// Accepted by / at / from.
    pub accepted: &'static str,
    /// Superseded.
    pub superseded: &'static str,
    /// History heading.
    pub history: &'static str,
    /// Cancel.
    pub cancel: &'static str,
    /// Reason to cancel (optional).
    pub cancel_reason: &'static str,
    /// Cancelled.
    pub cancelled: &'static str,
    /// Ready for inspection / design handed in.
    pub ready: &'static str,
    /// Documents uploaded, tell the handler.
    pub provide_documents: &'static str,
    /// The account opened.
    pub new_account: &'static str,
    /// The meter.
    pub meter: &'static str,
    /// Limits kept.
    pub limits_note: &'static str,
    /// Green channel badge.
    pub green_channel: &'static str,
    /// Staff queue title.
    pub queue_title: &'static str,
    /// Staff queue introduction.
    pub queue_intro: &'static str,
    /// Filter: any.
    pub any: &'static str,
    /// Filter: timeliness.
    pub timeliness: &'static str,
    /// On time.
    pub on_time: &'static str,
    /// Due soon.
    pub due_soon: &'static str,
    /// Overdue.
    pub overdue: &'static str,
    /// Only mine.
    pub mine: &'static str,
    /// Latest due first.
    pub latest_first: &'static str,
    /// Apply filters.
    pub filter: &'static str,
    /// Next page.
    pub next_page: &'static str,
    /// Previous page.
    pub previous_page: &'static str,
    /// Claim.
    pub claim: &'static str,
    /// Assign to (user id).
    pub assign_to: &'static str,
    /// Assign.
    pub assign: &'static str,
    /// Intake warnings heading.
    pub warnings: &'static str,
    /// Staff actions heading.
    pub actions: &'static str,
    /// Accept.
    pub accept: &'static str,
    /// Reject.
    pub reject: &'static str,
    /// Reason.
    pub reason: &'static str,
    /// Ask for documents.
    pub request_documents: &'static str,
    /// Note.
    pub note: &'static str,
    /// Offer a survey appointment.
    pub schedule_survey: &'static str,
    /// Day.
    pub day: &'static str,
    /// Slot.
    pub slot: &'static str,
    /// Morning.
    pub morning: &'static str,
    /// Afternoon.
    pub afternoon: &'static str,
    /// Survey done.
    pub complete_survey: &'static str,
    /// Findings.
    pub findings: &'static str,
    /// Issue the scheme.
    pub issue_scheme: &'static str,
    /// Issue the contract.
    pub issue_contract: &'static str,
    /// The text.
    pub body: &'static str,
    /// Passed.
    pub review_pass: &'static str,
    /// Failed with defects.
    pub review_fail: &'static str,
    /// Energise.
    pub energise: &'static str,
    /// Meter number.
    pub meter_no: &'static str,
    /// Put in the green channel.
    pub set_green_channel: &'static str,
    /// Follow-up visit.
    pub follow_up: &'static str,
    /// Satisfaction.
    pub score: &'static str,
    /// Comment.
    pub comment: &'static str,
    /// Record.
    pub record: &'static str,
    /// Done.
    pub done: &'static str,
    /// Dashboard title.
    pub dashboard_title: &'static str,
    /// Open applications by step.
    pub open_by_step: &'static str,
    /// Count.
    pub count: &'static str,
    /// Finished in 12 months.
    pub finished: &'static str,
    /// Within limit share.
    pub within_limit: &'static str,
    /// Average days.
    pub average_days: &'static str,
    /// Average days by step.
    pub step_averages: &'static str,
    /// Overdue list.
    pub overdue_list: &'static str,
    /// Statistics title.
    pub statistics_title: &'static str,
    /// Statistics introduction.
    pub statistics_intro: &'static str,
    /// Notices title.
    pub notices_title: &'static str,
    /// Mark all read.
    pub mark_read: &'static str,
    /// No notices.
    pub no_notices: &'static str,
    /// Unread.
    pub unread: &'static str,
    /// Which limit.
    pub limit_item: &'static str,
    /// Navigation: limits and calendar.
    pub nav_settings: &'static str,
    /// Settings page title.
    pub settings_title: &'static str,
    /// Settings introduction.
    pub settings_intro: &'static str,
    /// Limits heading.
    pub limits_heading: &'static str,
    /// New limit.
    pub limit_value: &'static str,
    /// Effective from.
    pub effective_from: &'static str,
    /// Source.
    pub source: &'static str,
    /// Publish.
    pub publish: &'static str,
    /// Published.
    pub published: &'static str,
    /// Calendar heading.
    pub calendar_heading: &'static str,
    /// Year.
    pub year: &'static str,
    /// Days off.
    pub days_off: &'static str,
    /// Days off hint.
    pub days_off_hint: &'static str,
    /// Makeup days.
    pub makeup_days: &'static str,
    /// Makeup hint.
    pub makeup_hint: &'static str,
    /// Save the year.
    pub save_year: &'static str,
    /// Saved.
    pub saved_year: &'static str,
    /// A line is not a day.
    pub bad_line: &'static str,
    /// Assign to a handler.
    pub assign_to_handler: &'static str,
}

/// 简体中文.
pub const ZH: ApplyMessages = ApplyMessages {
    nav_applications: "办电申请",
    nav_queue: "业扩工单",
    nav_dashboard: "业扩看板",
    nav_statistics: "办电时限公示",
    nav_notices: "消息",
    list_title: "我的办电申请",
    list_intro: "新装、增容、减容、临时用电、更名过户，一次申请，全程在线查看进度。",
    new_button: "我要办电",
    admin_acts: "贵公司的办电申请由企业管理员办理；您可以查看进度。",
    empty: "您还没有办电申请。",
    col_reference: "申请编号",
    col_kind: "业务类型",
    col_status: "状态",
    col_step: "当前环节",
    col_due: "环节时限",
    col_place: "用电地址/户号",
    col_applicant: "申请人",
    col_handler: "处理人",
    with_customer: "待客户办理",
    new_title: "办电申请",
    new_intro: "请选择业务类型和用电类别，按提示填写。可随时保存草稿，资料只需上传一次。",
    kind: "业务类型",
    class: "用电类别",
    region: "供电所",
    choose: "请选择",
    address: "用电地址",
    usage: "用电用途",
    usage_hint: "如：住宅、商铺、厂房",
    capacity: "申请容量（千伏安）",
    capacity_hint: "增容、减容请填写变更后的总容量。居民不超过 100 千伏安。",
    voltage: "供电电压",
    dual_supply: "双电源供电",
    wanted_date: "期望送电日期",
    until_date: "临时用电截止日期",
    contact_name: "联系人",
    contact_mobile: "联系手机",
    account_no: "户号",
    new_holder_name: "新户名",
    save_draft: "保存草稿",
    saved: "草稿已保存。",
    submit: "提交申请",
    submit_hint: "提交前请上传身份证明（或营业执照）和房屋产权证明；高压项目请同时上传项目批复文件。",
    submitted: "申请已提交，我们将在 1 个工作日内受理。",
    documents: "申请资料",
    document_kind: "资料类型",
    file: "选择文件",
    file_hint: "PDF、JPEG 或 PNG，单个文件不超过 10 MB。",
    upload: "上传",
    uploaded: "已上传。",
    no_documents: "尚未上传资料。",
    document_missing: "缺少必需的资料",
    timeline: "办理进度",
    col_owner: "负责人",
    col_started: "开始",
    col_finished: "完成",
    col_limit: "承诺时限",
    col_utility_days: "供电方用时",
    col_customer_days: "客户方用时",
    col_note: "说明",
    days: "个工作日",
    utility_total: "供电方累计用时",
    customer_total: "客户方累计用时（不计入供电方时限）",
    total_due: "全流程时限截止",
    next_heading: "待您办理",
    nothing_to_do: "目前无需您办理任何事项，我们正在处理。",
    fee: "业务费用",
    offers: "供电方案与合同",
    version: "版本",
    accept_offer: "确认并签署",
    accept_confirm: "我已阅读并同意以上内容",
    accepted: "已确认",
    superseded: "已被新版本替代",
    history: "办理记录",
    cancel: "撤销申请",
    cancel_reason: "撤销原因（选填）",
    cancelled: "申请已撤销。",
    ready: "已完成，申请检验/审查",
    provide_documents: "资料已补充，通知处理人",
    new_account: "已为您开立户号",
    meter: "电能表号",
    limits_note: "本申请适用受理时公布的时限。",
    green_channel: "绿色通道",
    queue_title: "业扩工单",
    queue_intro: "本人辖区内在办的办电申请，按环节时限排序。",
    any: "全部",
    timeliness: "时限",
    on_time: "正常",
    due_soon: "即将到期",
    overdue: "已超期",
    mine: "只看我的",
    latest_first: "按时限倒序",
    filter: "筛选",
    next_page: "下一页",
    previous_page: "上一页",
    claim: "认领",
    assign_to: "指派给（员工编号）",
    assign: "指派",
    warnings: "受理提示",
    actions: "办理",
    accept: "受理",
    reject: "不予受理",
    reason: "原因",
    request_documents: "通知补充资料",
    note: "说明",
    schedule_survey: "预约现场勘查",
    day: "日期",
    slot: "时段",
    morning: "上午",
    afternoon: "下午",
    complete_survey: "完成现场勘查",
    findings: "勘查意见",
    issue_scheme: "出具供电方案",
    issue_contract: "出具供用电合同",
    body: "正文",
    review_pass: "合格",
    review_fail: "不合格（请写明缺陷）",
    energise: "装表送电",
    meter_no: "电能表号",
    set_green_channel: "纳入绿色通道",
    follow_up: "回访",
    score: "满意度（1–5）",
    comment: "客户意见",
    record: "记录",
    done: "已办理。",
    dashboard_title: "业扩看板",
    open_by_step: "在办申请（按类别和环节）",
    count: "件数",
    finished: "近 12 个月办结",
    within_limit: "时限达标率",
    average_days: "平均接电时间（工作日）",
    step_averages: "各环节平均用时（工作日）",
    overdue_list: "超期清单",
    statistics_title: "办电时限公示",
    statistics_intro: "近 12 个月办结的办电申请：按时限办结的比例和平均接电时间（仅计供电方用时）。",
    notices_title: "消息",
    mark_read: "全部标为已读",
    no_notices: "暂无消息。",
    unread: "未读",
    limit_item: "时限项目",
    nav_settings: "时限与日历",
    settings_title: "业扩时限与工作日历",
    settings_intro: "时限按生效日期发布新版本；已受理的申请沿用受理时的时限。工作日历按年维护，法定节假日休息，调休上班日计为工作日。",
    limits_heading: "现行时限",
    limit_value: "新时限（工作日）",
    effective_from: "生效日期",
    source: "依据",
    publish: "发布新版本",
    published: "已发布。",
    calendar_heading: "工作日历",
    year: "年份",
    days_off: "法定节假日",
    days_off_hint: "每行一段：起始日期和结束日期，如 2027-01-01 2027-01-03；单日只写一个日期。",
    makeup_days: "调休上班日",
    makeup_hint: "每行一个日期（须为周六或周日）。",
    save_year: "保存该年日历",
    saved_year: "已保存。",
    bad_line: "以下行不是有效日期：",
    assign_to_handler: "指派给",
};

/// English.
pub const EN: ApplyMessages = ApplyMessages {
    nav_applications: "Connections",
    nav_queue: "Connection queue",
    nav_dashboard: "Connection dashboard",
    nav_statistics: "Connection times",
    nav_notices: "Notices",
    list_title: "My connection applications",
    list_intro: "New connections, capacity changes, temporary supply, change of name: apply once and follow every step online.",
    new_button: "Apply for a connection",
    admin_acts: "Your company's administrator acts on its connection applications; you can follow them here.",
    empty: "You have no connection applications yet.",
    col_reference: "Reference",
    col_kind: "Kind",
    col_status: "Status",
    col_step: "Current step",
    col_due: "Step due",
    col_place: "Address or account",
    col_applicant: "Applicant",
    col_handler: "Handler",
    with_customer: "Waiting for the customer",
    new_title: "Connection application",
    new_intro: "Choose what you need and your customer class, then fill in the form. Save a draft at any time; documents are uploaded once.",
    kind: "What you need",
    class: "Customer class",
    region: "Supply station",
    choose: "Choose…",
    address: "Supply address",
    usage: "Use",
    usage_hint: "e.g. home, shop, factory",
    capacity: "Capacity (kVA)",
    capacity_hint: "For a change of capacity, the new total. Residential up to 100 kVA.",
    voltage: "Voltage",
    dual_supply: "Dual supply",
    wanted_date: "Wanted power-on date",
    until_date: "Temporary supply until",
    contact_name: "Contact name",
    contact_mobile: "Contact mobile",
    account_no: "Account number",
    new_holder_name: "New holder's name",
    save_draft: "Save draft",
    saved: "Draft saved.",
    submit: "Submit application",
    submit_hint: "Before submitting, upload your ID (or business licence) and property proof; high-voltage projects also their project approval.",
    submitted: "Submitted. We accept applications within one working day.",
    documents: "Documents",
    document_kind: "Document",
    file: "Choose a file",
    file_hint: "PDF, JPEG or PNG, up to 10 MB each.",
    upload: "Upload",
    uploaded: "Uploaded.",
    no_documents: "No documents yet.",
    document_missing: "A required document is missing",
    timeline: "Progress",
    col_owner: "Handled by",
    col_started: "Started",
    col_finished: "Finished",
    col_limit: "Limit",
    col_utility_days: "Our days",
    col_customer_days: "Your days",
    col_note: "Note",
    days: "working days",
    utility_total: "Working days used by us",
    customer_total: "Working days with you (not counted against our limit)",
    total_due: "Whole process due",
    next_heading: "What you need to do",
    nothing_to_do: "Nothing for you to do now: we are working on it.",
    fee: "Fee",
    offers: "Supply scheme and contract",
    version: "Version",
    accept_offer: "Accept and sign",
    accept_confirm: "I have read and agree to the text above",
    accepted: "Accepted",
    superseded: "Replaced by a newer version",
    history: "History",
    cancel: "Cancel the application",
    cancel_reason: "Reason (optional)",
    cancelled: "The application is cancelled.",
    ready: "Done: ask for the review or inspection",
    provide_documents: "Documents uploaded: tell the handler",
    new_account: "Your new account number",
    meter: "Meter number",
    limits_note: "This application keeps the limits in force when it was accepted.",
    green_channel: "Green channel",
    queue_title: "Connection queue",
    queue_intro: "Open connection applications of your supply stations, by due day.",
    any: "Any",
    timeliness: "Timeliness",
    on_time: "On time",
    due_soon: "Due soon",
    overdue: "Overdue",
    mine: "Only mine",
    latest_first: "Latest due first",
    filter: "Filter",
    next_page: "Next page",
    previous_page: "Previous page",
    claim: "Claim",
    assign_to: "Assign to (staff number)",
    assign: "Assign",
    warnings: "Intake warnings",
    actions: "Work this application",
    accept: "Accept",
    reject: "Reject",
    reason: "Reason",
    request_documents: "Ask for documents",
    note: "Note",
    schedule_survey: "Offer a survey appointment",
    day: "Day",
    slot: "Time",
    morning: "Morning",
    afternoon: "Afternoon",
    complete_survey: "Survey done",
    findings: "Findings",
    issue_scheme: "Issue the supply scheme",
    issue_contract: "Issue the supply contract",
    body: "Text",
    review_pass: "Passed",
    review_fail: "Failed (list the defects)",
    energise: "Meter installed, power on",
    meter_no: "Meter number",
    set_green_channel: "Put in the green channel",
    follow_up: "Follow-up visit",
    score: "Satisfaction (1–5)",
    comment: "What the customer said",
    record: "Record",
    done: "Done.",
    dashboard_title: "Connection dashboard",
    open_by_step: "Open applications by class and step",
    count: "Count",
    finished: "Finished in the last 12 months",
    within_limit: "Within the limit",
    average_days: "Average working days",
    step_averages: "Average working days per step",
    overdue_list: "Overdue",
    statistics_title: "Connection times",
    statistics_intro: "Connection applications finished in the last 12 months: the share finished within the published limit and the average time to power on (our working days only).",
    notices_title: "Notices",
    mark_read: "Mark all read",
    no_notices: "No notices.",
    unread: "Unread",
    limit_item: "Limit",
    nav_settings: "Limits and calendar",
    settings_title: "Connection limits and working-day calendar",
    settings_intro: "A limit changes by publishing a new version from a day on; applications already accepted keep the limits they had. The calendar is kept per year: public holidays off, makeup workdays on.",
    limits_heading: "Limits in force",
    limit_value: "New limit (working days)",
    effective_from: "Effective from",
    source: "Source",
    publish: "Publish the new version",
    published: "Published.",
    calendar_heading: "Working-day calendar",
    year: "Year",
    days_off: "Public holidays",
    days_off_hint: "One run per line: first and last day, e.g. 2027-01-01 2027-01-03; a single day alone.",
    makeup_days: "Makeup workdays",
    makeup_hint: "One day per line (a Saturday or Sunday).",
    save_year: "Save the year",
    saved_year: "Saved.",
    bad_line: "These lines are not days:",
    assign_to_handler: "Assign to",
};
