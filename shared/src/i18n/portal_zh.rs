//! 简体中文: the signed-in portal.

use super::portal::*;
use crate::roles::{Notice, OrgRole, StaffRole, TokenScope};

pub(super) const PORTAL: PortalMessages = PortalMessages {
    nav: NavMessages {
        login: "登录",
        register: "注册",
        account: "我的账号",
        my_accounts: "我的户号",
        enterprise: "企业管理",
        staff_users: "员工管理",
        audit: "审计日志",
        logout: "退出登录",
        account_menu: "账号",
    },
    auth: AuthMessages {
        email: "邮箱",
        mobile: "手机号码",
        mobile_hint: "选填，11 位手机号码，用于接收停电等重要通知",
        display_name: "姓名或称呼",
        password: "密码",
        password_hint: "至少 10 个字符。请勿使用常见密码或与邮箱、姓名相关的密码",
        new_password: "新密码",
        current_password: "当前密码",
        register_title: "注册",
        register_intro: "注册网上营业厅账号后，您可以绑定户号，查询电费、缴费并办理业务。",
        register_submit: "注册",
        have_account: "已有账号？请登录",
        confirm_title: "验证邮箱",
        confirm_intro: "点击下面的按钮，确认这是您的邮箱。",
        confirm_submit: "验证我的邮箱",
        confirm_done: "邮箱已验证，现在可以登录了。",
        missing_token: "链接不完整，请从邮件中复制完整的链接。",
        login_title: "登录",
        login_submit: "登录",
        forgot_link: "忘记密码？",
        no_account: "还没有账号？立即注册",
        forgot_title: "找回密码",
        forgot_intro: "请输入注册时使用的邮箱，我们会发送重设密码的链接（1 小时内有效）。",
        forgot_submit: "发送重设邮件",
        reset_title: "设置新密码",
        reset_submit: "保存新密码",
        reset_done: "密码已设置，所有设备已退出登录，请使用新密码登录。",
        welcome_title: "欢迎使用网上营业厅",
        welcome_intro: "您已受邀开通账号，请设置登录密码。",
        go_to_login: "前往登录",
        submitting: "正在提交…",
        login_required: "请先登录后再访问此页面。",
        forbidden: "您的账号无权访问此页面。",
        loading: "正在加载…",
    },
    account: AccountMessages {
        title: "我的账号",
        profile_heading: "个人资料",
        language: "界面与邮件语言",
        notices_heading: "邮件通知",
        notices_intro: "选择您希望通过邮件接收的通知。欠费停电预警等法定通知总会发送。",
        save: "保存",
        saved: "已保存。",
        password_heading: "修改密码",
        change_password_submit: "修改密码",
        password_changed: "密码已修改，其他设备已退出登录。",
        sessions_heading: "登录设备",
        sessions_intro: "如果您在别人的电脑上登录过，或怀疑密码泄露，可以退出所有设备。",
        logout_everywhere: "退出所有设备",
        notice,
    },
    link: LinkMessages {
        title: "我的户号",
        intro: "绑定户号后即可查询电费、缴费和办理业务。一个户号可以绑定多个账号（例如家人）。",
        empty: "您还没有绑定户号。",
        column_account: "户号",
        column_holder: "户名",
        column_address: "用电地址",
        column_mode: "缴费方式",
        link_heading: "绑定户号",
        account_no: "户号",
        account_no_hint: "10 位数字，见电费账单或缴费凭证",
        proof_legend: "验证方式",
        proof_bill: "户名和最近一期电费金额",
        proof_code: "向户号预留邮箱发送验证码",
        holder_name: "户名",
        last_bill_amount: "最近一期电费金额（元）",
        code: "验证码",
        send_code: "发送验证码",
        code_sent: "如果户号正确且预留了邮箱，验证码已发送到该邮箱，15 分钟内有效。",
        link_submit: "绑定",
        linked,
        logins_heading,
        linked_by_name_title,
        linked_by_name_body,
        show_logins: "查看绑定的账号",
        remove: "解除绑定",
        removed: "已解除该账号的绑定。",
        you: "（您）",
        payment_mode,
    },
    org: OrgMessages {
        title: "企业管理",
        members_heading: "成员",
        column_name: "姓名",
        column_email: "邮箱",
        column_role: "角色",
        pending: "待接受邀请",
        invite_heading: "邀请同事",
        role_label: "角色",
        invite_submit: "发送邀请",
        invited: "邀请已发送，对方接受前显示在“待接受的邀请”中。",
        invitations_heading: "待接受的邀请",
        invitations_intro: "同事打开邮件中的链接并设置密码后即加入。如需重发链接，请再次邀请该邮箱。",
        link_valid_until: "链接有效期至",
        expired: "已过期",
        withdraw: "撤回",
        withdrawn: "邀请已撤回，链接已失效。",
        role_changed: "角色已修改，该同事重新登录后生效。",
        removed: "已移除该同事，其账号已停用。",
        change_role: "保存角色",
        remove: "移除",
        tokens_heading: "API 令牌",
        tokens_intro: "企业自有系统可以使用令牌调用网上营业厅 API（Authorization: Bearer …）。令牌只在生成时显示一次。",
        token_name: "用途",
        scope_label: "权限",
        expires_days: "有效天数（1–366）",
        issue: "生成令牌",
        token_once: "请立即复制此令牌，它只显示这一次：",
        revoke: "吊销",
        revoked: "已吊销",
        column_expires: "到期",
        column_last_used: "最近使用",
        never: "从未",
        admin_only: "只有企业管理员可以管理成员和令牌。",
        role: org_role,
        scope: token_scope,
    },
    staff: StaffMessages {
        users_title: "员工管理",
        column_roles: "角色",
        column_regions: "供电所",
        column_status: "状态",
        all_regions: "全部",
        disabled: "已停用",
        active: "正常",
        create_heading: "新增员工",
        roles_legend: "角色",
        regions_legend: "限定供电所（不选则为全部）",
        create_submit: "创建并发送邀请",
        created: "已创建，邀请邮件已发送。",
        disable: "停用",
        edit: "修改角色和供电所",
        enable: "启用",
        audit_title: "审计日志",
        filter_actor: "操作人",
        filter_action: "操作类型",
        search: "查询",
        column_time: "时间",
        column_actor: "操作人",
        column_ip: "来源地址",
        column_action: "操作",
        column_subject: "对象",
        column_detail: "详情",
        older: "更早的记录",
        no_entries: "没有符合条件的记录。",
        role: staff_role,
    },
    second_factor: SecondFactorMessages {
        code: "动态验证码",
        code_hint: "身份验证器应用中的 6 位数字，或一个恢复码",
        login_intro: "您的账号已开启两步验证，请输入身份验证器应用当前显示的验证码。",
        login_submit: "验证并登录",
        enrol_title: "设置两步验证",
        enrol_intro: "请用身份验证器应用（如 Microsoft Authenticator、Google Authenticator 或 FreeOTP）扫描下面的二维码，或手动输入下方密钥，然后输入应用显示的验证码。",
        qr_label: "身份验证器应用的二维码",
        secret_label: "密钥（无法扫码时手动输入）",
        enrol_start: "设置身份验证器",
        enrol_submit: "确认",
        recovery_heading: "您的恢复码",
        recovery_intro: "请将这些恢复码妥善保存在手机以外的地方。丢失身份验证器时，每个恢复码可代替验证码使用一次。它们只显示这一次。",
        recovery_done: "我已保存，继续",
        settings_heading: "两步验证",
        settings_on: "已开启：登录时需要输入身份验证器应用中的验证码。",
        settings_off: "未开启：登录只需要密码。开启后账号更安全。",
        settings_staff: "员工账号必须使用两步验证，不能关闭。",
        disable_submit: "关闭两步验证",
        disabled: "两步验证已关闭。",
        step_up_intro: "此项修改需要重新验证：请输入身份验证器应用中的验证码，验证后将自动重新提交。",
        step_up_submit: "验证并重试",
    },
};

fn notice(notice: Notice) -> &'static str {
    match notice {
        Notice::Applications => "业扩报装进度",
        Notice::Bills => "电费账单",
        Notice::Payments => "缴费成功",
        Notice::LowBalance => "预付费余额不足",
        Notice::Outages => "停电通知",
        Notice::Complaints => "诉求回复",
    }
}

fn linked(account_no: &str) -> String {
    format!("已绑定户号 {account_no}。")
}

fn logins_heading(account_no: &str) -> String {
    format!("绑定户号 {account_no} 的账号")
}

fn payment_mode(mode: &str) -> &'static str {
    match mode {
        "prepaid" => "预付费（费控）",
        _ => "后付费",
    }
}

fn org_role(role: OrgRole) -> &'static str {
    match role {
        OrgRole::Admin => "管理员",
        OrgRole::Payer => "缴费人",
        OrgRole::Viewer => "查看者",
    }
}

fn token_scope(scope: TokenScope) -> &'static str {
    match scope {
        TokenScope::Read => "只读",
        TokenScope::ReadWrite => "读写",
    }
}

fn staff_role(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Agent => "客服坐席",
        StaffRole::Supervisor => "班长",
        StaffRole::ConnectionHandler => "业扩受理",
        StaffRole::BillingOperator => "抄核收",
        StaffRole::KeyAccountManager => "大客户经理",
        StaffRole::Admin => "系统管理员",
        StaffRole::Auditor => "审计员",
    }
}

fn linked_by_name_title(account_no: &str) -> String {
    format!("户号 {account_no} 被新的账号绑定")
}

fn linked_by_name_body(account_no: &str, who: &str) -> String {
    format!(
        "账号 {who} 凭户主姓名和上期电费金额绑定了户号 {account_no}。如果不是您或您认识的人，请登录后在“我的户号”中查看绑定的账号，并拨打 95598。凭姓名和金额绑定的账号不能解除其他账号的绑定。"
    )
}
