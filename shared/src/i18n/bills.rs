//! The words of the bill, usage and billing pages in both languages. Long because it is
//! one catalogue: the struct of texts and its two translations, side by side.

/// Strings of the bill and billing pages.
pub struct BillsMessages {
    /// Navigation: bills and usage.
    pub nav_bills: &'static str,
    /// Navigation: billing (staff).
    pub nav_billing: &'static str,
    /// Bills page title.
    pub title: &'static str,
    /// Bills page introduction.
    pub intro: &'static str,
    /// No accounts linked yet.
    pub no_accounts: &'static str,
    /// Account picker label.
    pub account: &'static str,
    /// Heading: the account's bills.
    pub bills_heading: &'static str,
    /// No bills yet.
    pub no_bills: &'static str,
    /// Column: period.
    pub col_period: &'static str,
    /// Column: days billed.
    pub col_days: &'static str,
    /// Column: energy.
    pub col_energy: &'static str,
    /// Column: amount.
    pub col_amount: &'static str,
    /// Column: due date.
    pub col_due: &'static str,
    /// Column: status.
    pub col_status: &'static str,
    /// Column: paid.
    pub col_paid: &'static str,
    /// Open the bill.
    pub open: &'static str,
    /// Estimated reading marker.
    pub estimated: &'static str,
    /// Heading: usage by month.
    pub months_heading: &'static str,
    /// Legend: this year.
    pub this_year: &'static str,
    /// Legend: a year before.
    pub last_year: &'static str,
    /// Heading: usage by day.
    pub days_heading: &'static str,
    /// No daily readings.
    pub no_days: &'static str,
    /// Heading: tiers.
    pub tier_heading: &'static str,
    /// "2,310 of 2,880 kWh in tier 1" (used, the tier's bound, the tier).
    pub tier_position: fn(&str, Option<&str>, u8) -> String,
    /// Heading: tariff comparison.
    pub compare_heading: &'static str,
    /// Another tariff would have cost less: its name, the saving, the bills compared.
    pub compare_cheaper: fn(&str, &str, u32) -> String,
    /// The comparison when the current tariff is cheapest.
    pub compare_current_best: &'static str,
    /// Not computable without a time-of-use meter.
    pub compare_unavailable: &'static str,
    /// Marker: the current tariff.
    pub current: &'static str,
    /// Heading: the load curve.
    pub load_heading: &'static str,
    /// Day picker label.
    pub load_day: &'static str,
    /// No interval data that day.
    pub load_empty: &'static str,
    /// Maximum demand.
    pub max_demand: &'static str,
    /// Power factor.
    pub power_factor: &'static str,
    /// Heading: the organisation's accounts.
    pub org_heading: &'static str,
    /// Download the table as CSV.
    pub org_csv: &'static str,
    /// Total row.
    pub total: &'static str,
    /// Outstanding.
    pub outstanding: &'static str,
    /// Bill page title.
    pub bill_title: &'static str,
    /// The utility's name at the head of a PDF bill.
    pub utility_name: &'static str,
    /// The footer of a PDF bill.
    pub pdf_footer: &'static str,
    /// Holder.
    pub holder: &'static str,
    /// Supply address.
    pub address: &'static str,
    /// Tariff.
    pub tariff: &'static str,
    /// Issued on.
    pub issued: &'static str,
    /// Heading: readings.
    pub readings_heading: &'static str,
    /// Column: meter.
    pub col_meter: &'static str,
    /// Column: multiplier.
    pub col_multiplier: &'static str,
    /// Column: opening reading.
    pub col_start: &'static str,
    /// Column: closing reading.
    pub col_end: &'static str,
    /// Interval data instead of registers.
    pub interval_meter: &'static str,
    /// Heading: charges.
    pub lines_heading: &'static str,
    /// Column: item.
    pub col_item: &'static str,
    /// Column: days of the item.
    pub col_span: &'static str,
    /// Column: quantity.
    pub col_quantity: &'static str,
    /// Column: unit price.
    pub col_price: &'static str,
    /// Heading: adjustments.
    pub adjustments_heading: &'static str,
    /// Download the PDF.
    pub download_pdf: &'static str,
    /// Download the lines as CSV.
    pub download_csv: &'static str,
    /// Cancelled by a credit note.
    pub credited: &'static str,
    /// Replaced by a rebill.
    pub replaced_by: &'static str,
    /// Staff billing page title.
    pub staff_title: &'static str,
    /// Staff billing introduction.
    pub staff_intro: &'static str,
    /// Heading: import readings.
    pub import_heading: &'static str,
    /// Import hint.
    pub import_hint: &'static str,
    /// Choose a file.
    pub import_file: &'static str,
    /// Import button.
    pub import_button: &'static str,
    /// Result line: read, stored, rejected.
    pub import_result: fn(u64, u64, usize) -> String,
    /// A file import under way: lines checked of all, stored, refused.
    pub import_progress: fn(u64, u64, u64, u64) -> String,
    /// Label of the import's progress bar.
    pub import_progress_label: &'static str,
    /// A file import that could not finish.
    pub import_failed: &'static str,
    /// Under a long list of refused lines: how many are shown of all.
    pub import_rejections_shown: fn(usize, u64) -> String,
    /// Column: line.
    pub col_line: &'static str,
    /// Column: reason.
    pub col_reason: &'static str,
    /// Heading: billing runs.
    pub runs_heading: &'static str,
    /// Period field.
    pub run_period: &'static str,
    /// Reading day field.
    pub run_day: &'static str,
    /// Start button.
    pub run_start: &'static str,
    /// Column: progress.
    pub col_progress: &'static str,
    /// Column: bills.
    pub col_bills: &'static str,
    /// Column: held.
    pub col_held: &'static str,
    /// Column: exceptions.
    pub col_exceptions: &'static str,
    /// Run status: running.
    pub running: &'static str,
    /// Run status: done.
    pub done: &'static str,
    /// Run page title.
    pub run_title: &'static str,
    /// No exceptions.
    pub no_exceptions: &'static str,
    /// Column: what.
    pub col_kind: &'static str,
    /// Column: detail.
    pub col_detail: &'static str,
    /// Release a held bill.
    pub release: &'static str,
    /// Bill an account a run listed with no reading, now that its reading has come.
    pub bill_exception: &'static str,
    /// Refresh.
    pub refresh: &'static str,
    /// Navigation: tariffs (administrators).
    pub nav_tariffs: &'static str,
    /// Tariffs page title.
    pub tariffs_title: &'static str,
    /// Tariffs page introduction.
    pub tariffs_intro: &'static str,
    /// Column: in force from.
    pub col_from: &'static str,
    /// Column: in force to.
    pub col_to: &'static str,
    /// Open-ended.
    pub open_ended: &'static str,
    /// Heading: publish a version.
    pub new_version: &'static str,
    /// Field: the tariff's numbers as JSON.
    pub tariff_json: &'static str,
    /// Hint for the JSON field.
    pub tariff_json_hint: &'static str,
    /// Field: first day.
    pub effective_from: &'static str,
    /// Field: last day (optional).
    pub effective_to: &'static str,
    /// Publish button.
    pub publish: &'static str,
    /// Published confirmation.
    pub published: &'static str,
    /// Heading: a new tariff.
    pub new_tariff: &'static str,
    /// Field: code.
    pub code: &'static str,
    /// Field: Chinese name.
    pub name_zh: &'static str,
    /// Field: English name.
    pub name_en: &'static str,
    /// Field: class that may choose it.
    pub for_class: &'static str,
    /// Create button.
    pub create: &'static str,
    /// Heading: enter a reading by hand.
    pub manual_heading: &'static str,
    /// Field: the day read.
    pub read_on: &'static str,
    /// Field: the active register.
    pub active: &'static str,
    /// Checkbox: accept an abnormal jump.
    pub confirm_jump: &'static str,
    /// Save button.
    pub save: &'static str,
    /// Heading: hold an account's bills.
    pub hold_heading: &'static str,
    /// Field: reason.
    pub reason: &'static str,
    /// Hold button.
    pub hold: &'static str,
    /// Release the hold button.
    pub release_hold: &'static str,
    /// Done.
    pub done_saved: &'static str,
    /// Heading: adjustment.
    pub adjust_heading: &'static str,
    /// Field: amount (negative refunds).
    pub adjust_amount: &'static str,
    /// Done, but waiting for a second operator's approval.
    pub adjust_pending: &'static str,
    /// Heading: adjustments waiting for approval.
    pub pending_heading: &'static str,
    /// What the approval list is for.
    pub pending_intro: &'static str,
    /// Nothing waits for approval.
    pub no_pending: &'static str,
    /// Column: who asked.
    pub col_requested_by: &'static str,
    /// Approve button.
    pub approve: &'static str,
    /// Reject button.
    pub reject: &'static str,
    /// Heading: credit and rebill.
    pub rebill_heading: &'static str,
    /// Rebill button.
    pub rebill: &'static str,
}

/// Chinese.
pub const ZH: BillsMessages = BillsMessages {
    nav_bills: "电费与用电",
    nav_billing: "抄核收",
    title: "电费账单与用电情况",
    intro: "查看每个户号的账单、读数、分档和各项电费，下载 PDF 或明细；按月、按日查看用电，了解阶梯位置和更省钱的电价。",
    no_accounts: "您还没有绑定户号。请先在“我的户号”中绑定。",
    account: "户号",
    bills_heading: "账单",
    no_bills: "该户号还没有账单。",
    col_period: "账期",
    col_days: "计费期间",
    col_energy: "电量（千瓦时）",
    col_amount: "电费",
    col_due: "缴费截止日",
    col_status: "状态",
    col_paid: "已缴",
    open: "查看",
    estimated: "估抄",
    months_heading: "月度用电（与去年同期对比）",
    this_year: "本期",
    last_year: "去年同期",
    days_heading: "近 90 天每日用电",
    no_days: "该表计没有每日读数。",
    tier_heading: "年度阶梯",
    tier_position: |used, bound, tier| {
        let tier_name = ["一", "二", "三", "四", "五"].get(usize::from(tier).saturating_sub(1)).copied().unwrap_or("");
        match bound {
            Some(bound) => format!("今年已用 {used} 千瓦时，处于第{tier_name}档（本档上限 {bound} 千瓦时）。"),
            None => format!("今年已用 {used} 千瓦时，处于第{tier_name}档（最高档）。"),
        }
    },
    compare_heading: "电价比较",
    compare_cheaper: |name, saving, bills| format!("按最近 {bills} 期账单的用电，选择“{name}”可少付 {saving}。"),
    compare_current_best: "按过去的用电，您现在的电价最省钱。",
    compare_unavailable: "需要分时电表才能计算",
    current: "当前电价",
    load_heading: "日负荷曲线",
    load_day: "日期",
    load_empty: "当天没有 15 分钟数据。",
    max_demand: "最大需量",
    power_factor: "功率因数",
    org_heading: "企业全部户号",
    org_csv: "导出 CSV",
    total: "合计",
    outstanding: "待缴",
    bill_title: "电费账单",
    utility_name: "Gridhall 供电服务 · 电费通知单",
    pdf_footer: "本账单由 Gridhall 网上营业厅生成；如有疑问请致电客服或在网上营业厅提交咨询。",
    holder: "户名",
    address: "用电地址",
    tariff: "电价",
    issued: "出账日期",
    readings_heading: "抄表读数",
    col_meter: "表号",
    col_multiplier: "倍率",
    col_start: "上次示数",
    col_end: "本次示数",
    interval_meter: "15 分钟负荷数据",
    lines_heading: "电费明细",
    col_item: "项目",
    col_span: "期间",
    col_quantity: "数量",
    col_price: "单价",
    adjustments_heading: "退补调整",
    download_pdf: "下载 PDF 账单",
    download_csv: "下载明细（CSV）",
    credited: "本账单已冲销",
    replaced_by: "已由重出账单替代：",
    staff_title: "抄核收",
    staff_intro: "导入抄表数据，发起电费计算，查看进度和异常，审核暂缓发行的账单。",
    import_heading: "导入抄表数据",
    import_hint: "CSV 文件（UTF-8 或 GBK），首行为列名：meter_no, read_on, active（可选 peak, flat, valley, reactive, demand）；15 分钟数据为 meter_no, starts_at, kwh。",
    import_file: "选择文件",
    import_button: "导入",
    import_result: |lines, accepted, rejected| format!("共 {lines} 行：导入 {accepted} 行，拒收 {rejected} 行。"),
    import_progress: |processed, lines, accepted, rejected| {
        format!(
            "正在后台导入：已检查 {processed} / {lines} 行（导入 {accepted} 行，拒收 {rejected} 行）。可离开此页，稍后在导入记录中查看。"
        )
    },
    import_progress_label: "导入进度",
    import_failed: "文件无法读取，导入已停止。已导入的行保留，请检查文件后重新上传其余部分。",
    import_rejections_shown: |shown, total| format!("显示前 {shown} 行拒收记录，共 {total} 行。"),
    col_line: "行号",
    col_reason: "原因",
    runs_heading: "电费计算",
    run_period: "账期（年-月）",
    run_day: "抄表例日",
    run_start: "开始计算",
    col_progress: "进度",
    col_bills: "账单",
    col_held: "暂缓",
    col_exceptions: "异常",
    running: "计算中",
    done: "已完成",
    run_title: "电费计算批次",
    no_exceptions: "没有异常。",
    col_kind: "类型",
    col_detail: "说明",
    release: "审核通过并发行",
    bill_exception: "读数已到，补出账单",
    refresh: "刷新",
    nav_tariffs: "电价管理",
    tariffs_title: "电价管理",
    tariffs_intro: "电价按版本管理：新版本从生效日期起执行，并自动结束当前版本；已出账单不受影响，如需追溯请冲销重算。",
    col_from: "执行起",
    col_to: "执行止",
    open_ended: "至今",
    new_version: "发布新版本",
    tariff_json: "电价结构与数值（JSON）",
    tariff_json_hint: "已按现行版本填好；修改数值后发布。分档须逐档递增，分时各时段须各有一个电价。",
    effective_from: "生效日期",
    effective_to: "截止日期（可不填）",
    publish: "发布",
    published: "已发布。",
    new_tariff: "新增电价",
    code: "代码（小写字母、数字和连字符）",
    name_zh: "中文名称",
    name_en: "英文名称",
    for_class: "可选用的客户类别（可不填）",
    create: "新增",
    manual_heading: "手工录入读数",
    read_on: "抄表日期",
    active: "有功总示数",
    confirm_jump: "已核实：电量突增属实",
    save: "保存",
    hold_heading: "暂缓出账",
    reason: "原因",
    hold: "暂缓该户出账",
    release_hold: "恢复出账",
    done_saved: "已保存。",
    adjust_heading: "退补电费",
    adjust_amount: "金额（元，退费填负数）",
    adjust_pending: "已提交，金额超过审批限额，待另一位抄核收人员审批后计入账单。",
    pending_heading: "待审批的退补",
    pending_intro: "金额超过审批限额的退补，须由提交人以外的另一位抄核收人员审批后才计入账单；驳回的不计入。",
    no_pending: "没有待审批的退补。",
    col_requested_by: "提交人",
    approve: "批准",
    reject: "驳回",
    rebill_heading: "冲销并重算",
    rebill: "冲销并重算",
};

/// English.
pub const EN: BillsMessages = BillsMessages {
    nav_bills: "Bills and usage",
    nav_billing: "Billing",
    title: "Bills and usage",
    intro: "Every account's bills with readings, tiers and each charge, as PDF or CSV; usage by month and by day, where you stand in the tiers, and which tariff would cost less.",
    no_accounts: "You have no linked accounts yet. Link one under My accounts first.",
    account: "Account",
    bills_heading: "Bills",
    no_bills: "This account has no bills yet.",
    col_period: "Period",
    col_days: "Days billed",
    col_energy: "Energy (kWh)",
    col_amount: "Amount",
    col_due: "Due",
    col_status: "Status",
    col_paid: "Paid",
    open: "Open",
    estimated: "estimated",
    months_heading: "Energy by month, beside the same month last year",
    this_year: "This period",
    last_year: "A year before",
    days_heading: "Energy by day, last 90 days",
    no_days: "This meter has no daily readings.",
    tier_heading: "This year's tiers",
    tier_position: |used, bound, tier| match bound {
        Some(bound) => format!("{used} of {bound} kWh in tier {tier} this year."),
        None => format!("{used} kWh this year, in tier {tier} (the highest)."),
    },
    compare_heading: "Tariff comparison",
    compare_cheaper: |name, saving, bills| {
        format!("On the usage of your last {bills} bills, “{name}” would have cost {saving} less.")
    },
    compare_current_best: "On your past usage, your current tariff costs least.",
    compare_unavailable: "needs a time-of-use meter",
    current: "current tariff",
    load_heading: "Load curve of a day",
    load_day: "Day",
    load_empty: "No 15-minute data that day.",
    max_demand: "Maximum demand",
    power_factor: "Power factor",
    org_heading: "All the company's accounts",
    org_csv: "Export CSV",
    total: "Total",
    outstanding: "Outstanding",
    bill_title: "Electricity bill",
    utility_name: "Gridhall Power Supply · Electricity bill",
    pdf_footer: "Made by the Gridhall online service hall; questions: call customer service or ask in the portal.",
    holder: "Holder",
    address: "Supply address",
    tariff: "Tariff",
    issued: "Issued",
    readings_heading: "Meter readings",
    col_meter: "Meter",
    col_multiplier: "Multiplier",
    col_start: "Opening reading",
    col_end: "Closing reading",
    interval_meter: "15-minute load data",
    lines_heading: "Charges",
    col_item: "Item",
    col_span: "Days",
    col_quantity: "Quantity",
    col_price: "Unit price",
    adjustments_heading: "Adjustments",
    download_pdf: "Download the bill (PDF)",
    download_csv: "Download the lines (CSV)",
    credited: "This bill was cancelled by a credit note",
    replaced_by: "Replaced by rebill ",
    staff_title: "Billing",
    staff_intro: "Import meter readings, start billing runs, follow their progress and exceptions, and review held bills.",
    import_heading: "Import readings",
    import_hint: "A CSV file (UTF-8 or GBK) whose first line names the columns: meter_no, read_on, active (optionally peak, flat, valley, reactive, demand); 15-minute data: meter_no, starts_at, kwh.",
    import_file: "Choose a file",
    import_button: "Import",
    import_result: |lines, accepted, rejected| format!("{lines} lines: {accepted} imported, {rejected} rejected."),
    import_progress: |processed, lines, accepted, rejected| {
        format!(
            "Importing in the background: {processed} of {lines} lines checked ({accepted} imported, {rejected} rejected). You may leave this page and find the import in the list later."
        )
    },
    import_progress_label: "Import progress",
    import_failed: "The file could not be read, so the import stopped. The lines already imported stay; check the file and upload the rest again.",
    import_rejections_shown: |shown, total| format!("Showing the first {shown} of {total} rejected lines."),
    col_line: "Line",
    col_reason: "Reason",
    runs_heading: "Billing runs",
    run_period: "Period (year-month)",
    run_day: "Reading day",
    run_start: "Start",
    col_progress: "Progress",
    col_bills: "Bills",
    col_held: "Held",
    col_exceptions: "Exceptions",
    running: "running",
    done: "done",
    run_title: "Billing run",
    no_exceptions: "No exceptions.",
    col_kind: "What",
    col_detail: "Detail",
    release: "Reviewed: issue it",
    bill_exception: "Reading in: bill it now",
    refresh: "Refresh",
    nav_tariffs: "Tariffs",
    tariffs_title: "Tariffs",
    tariffs_intro: "Tariffs are versioned: a new version applies from its first day and ends the current one the day before; issued bills stay as they are (credit and rebill to correct them).",
    col_from: "From",
    col_to: "To",
    open_ended: "until replaced",
    new_version: "Publish a new version",
    tariff_json: "Structure and numbers (JSON)",
    tariff_json_hint: "Filled in from the version in force; change the numbers and publish. Tiers must ascend; each time-of-use period needs one price.",
    effective_from: "First day",
    effective_to: "Last day (optional)",
    publish: "Publish",
    published: "Published.",
    new_tariff: "Add a tariff",
    code: "Code (lower-case letters, digits, hyphens)",
    name_zh: "Chinese name",
    name_en: "English name",
    for_class: "Customer class that may choose it (optional)",
    create: "Add",
    manual_heading: "Enter a reading",
    read_on: "Day read",
    active: "Active register",
    confirm_jump: "Checked: the jump in usage is real",
    save: "Save",
    hold_heading: "Hold an account's bills",
    reason: "Reason",
    hold: "Hold its bills",
    release_hold: "Release the hold",
    done_saved: "Saved.",
    adjust_heading: "Refund or back-bill",
    adjust_amount: "Amount (yuan; negative refunds)",
    adjust_pending: "Recorded. It is above the approval limit: another billing operator must approve it before a bill carries it.",
    pending_heading: "Adjustments waiting for approval",
    pending_intro: "A refund or back-bill above the approval limit is carried by a bill only once a billing operator other than the one who asked approves it; a rejected one never is.",
    no_pending: "Nothing is waiting for approval.",
    col_requested_by: "Requested by",
    approve: "Approve",
    reject: "Reject",
    rebill_heading: "Credit and rebill",
    rebill: "Credit and rebill",
};
