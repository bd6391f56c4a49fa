//! English: the signed-in portal.

use super::portal::*;
use crate::roles::{Notice, OrgRole, StaffRole, TokenScope};

pub(super) const PORTAL: PortalMessages = PortalMessages {
    nav: NavMessages {
        login: "Log in",
        register: "Register",
        account: "My login",
        my_accounts: "My accounts",
        enterprise: "Enterprise",
        staff_users: "Staff",
        audit: "Audit log",
        logout: "Log out",
        account_menu: "Account",
    },
    auth: AuthMessages {
        email: "Email address",
        mobile: "Mobile number",
        mobile_hint: "Optional: 11 digits, for important notices such as outages",
        display_name: "Name",
        password: "Password",
        password_hint: "At least 10 characters. Avoid common passwords and anything from your email or name",
        new_password: "New password",
        current_password: "Current password",
        register_title: "Register",
        register_intro: "With a login you can link your electricity accounts, see and pay bills, and apply for services.",
        register_submit: "Register",
        have_account: "Already registered? Log in",
        confirm_title: "Confirm your email address",
        confirm_intro: "Press the button below to confirm this address is yours.",
        confirm_submit: "Confirm my address",
        confirm_done: "Your address is confirmed. You can log in now.",
        missing_token: "This link is incomplete. Copy the whole link from the email.",
        login_title: "Log in",
        login_submit: "Log in",
        forgot_link: "Forgot your password?",
        no_account: "No login yet? Register",
        forgot_title: "Forgot your password",
        forgot_intro: "Enter the address you registered with; we will send a link to choose a new password (valid for 1 hour).",
        forgot_submit: "Send the link",
        reset_title: "Choose a new password",
        reset_submit: "Save the new password",
        reset_done: "Your password is set and every device was logged out. Log in with the new password.",
        welcome_title: "Welcome to the Online Service Hall",
        welcome_intro: "You have been invited. Choose your password.",
        go_to_login: "Go to the login page",
        submitting: "Sending…",
        login_required: "Please log in to see this page.",
        forbidden: "Your login may not open this page.",
        loading: "Loading…",
    },
    account: AccountMessages {
        title: "My login",
        profile_heading: "Profile",
        language: "Language of pages and emails",
        notices_heading: "Email notices",
        notices_intro: "Choose the notices you want by email. Notices the law requires, such as disconnection warnings, are always sent.",
        save: "Save",
        saved: "Saved.",
        password_heading: "Change password",
        change_password_submit: "Change password",
        password_changed: "Your password is changed; other devices were logged out.",
        sessions_heading: "Devices",
        sessions_intro: "If you logged in on someone else's computer, or think your password is known, log out everywhere.",
        logout_everywhere: "Log out on every device",
        notice,
    },
    link: LinkMessages {
        title: "My accounts",
        intro: "Link your electricity accounts to see bills, pay and apply for services. An account can be linked to several logins (a family, say).",
        empty: "You have not linked an account yet.",
        column_account: "Account",
        column_holder: "Holder",
        column_address: "Supply address",
        column_mode: "Payment",
        link_heading: "Link an account",
        account_no: "Account number",
        account_no_hint: "10 digits, printed on your bill",
        proof_legend: "How to prove it is yours",
        proof_bill: "Holder's name and the amount of the last bill",
        proof_code: "A code sent to the account's email address on file",
        holder_name: "Holder's name",
        last_bill_amount: "Last bill amount (yuan)",
        code: "Code",
        send_code: "Send the code",
        code_sent: "If the account number is right and has an email address on file, a code is on its way there. It is valid for 15 minutes.",
        link_submit: "Link",
        linked,
        logins_heading,
        linked_by_name_title,
        linked_by_name_body,
        show_logins: "Who is linked",
        remove: "Unlink",
        removed: "The link was removed.",
        you: " (you)",
        payment_mode,
    },
    org: OrgMessages {
        title: "Enterprise",
        members_heading: "Members",
        column_name: "Name",
        column_email: "Email",
        column_role: "Role",
        pending: "Invitation pending",
        invite_heading: "Invite a colleague",
        role_label: "Role",
        invite_submit: "Send the invitation",
        invited: "The invitation is on its way. It is listed under open invitations until it is accepted.",
        invitations_heading: "Open invitations",
        invitations_intro: "A colleague joins when they open the link in their email and choose a password. Invite the address again to send a new link.",
        link_valid_until: "Link valid until",
        expired: "Expired",
        withdraw: "Withdraw",
        withdrawn: "The invitation was withdrawn; its link no longer works.",
        role_changed: "The role was changed. The colleague logs in again to use it.",
        removed: "The colleague was removed; their login no longer works.",
        change_role: "Save role",
        remove: "Remove",
        tokens_heading: "API tokens",
        tokens_intro: "Your company's systems can call the portal's API with a token (Authorization: Bearer …). A token is shown only once, when it is issued.",
        token_name: "Purpose",
        scope_label: "Access",
        expires_days: "Valid for (days, 1–366)",
        issue: "Issue a token",
        token_once: "Copy this token now; it is shown only this once:",
        revoke: "Revoke",
        revoked: "Revoked",
        column_expires: "Expires",
        column_last_used: "Last used",
        never: "Never",
        admin_only: "Only the enterprise's admins manage members and tokens.",
        role: org_role,
        scope: token_scope,
    },
    staff: StaffMessages {
        users_title: "Staff",
        column_roles: "Roles",
        column_regions: "Supply stations",
        column_status: "Status",
        all_regions: "All",
        disabled: "Disabled",
        active: "Active",
        create_heading: "Add a staff member",
        roles_legend: "Roles",
        regions_legend: "Limit to supply stations (none: all)",
        create_submit: "Create and send the invitation",
        created: "Created; the invitation is on its way.",
        disable: "Disable",
        edit: "Change roles and stations",
        enable: "Enable",
        audit_title: "Audit log",
        filter_actor: "Who",
        filter_action: "Action",
        search: "Search",
        column_time: "Time",
        column_actor: "Who",
        column_ip: "From",
        column_action: "Action",
        column_subject: "Subject",
        column_detail: "Detail",
        older: "Older entries",
        no_entries: "No entries match.",
        role: staff_role,
    },
    second_factor: SecondFactorMessages {
        code: "Verification code",
        code_hint: "Six digits from your authenticator app, or one of your recovery codes",
        login_intro: "Your login is protected by a second factor. Enter the code your authenticator app shows now.",
        login_submit: "Verify and log in",
        enrol_title: "Set up two-step verification",
        enrol_intro: "Scan this QR code with an authenticator app (such as Microsoft Authenticator, Google Authenticator or FreeOTP), or type in the key below, then enter the code the app shows.",
        qr_label: "QR code for your authenticator app",
        secret_label: "Key (to type in instead of scanning)",
        enrol_start: "Set up my authenticator app",
        enrol_submit: "Confirm",
        recovery_heading: "Your recovery codes",
        recovery_intro: "Keep these codes somewhere safe, apart from your phone. Each works once, in place of a code, if you lose your authenticator. They are shown only now.",
        recovery_done: "I have saved them: continue",
        settings_heading: "Two-step verification",
        settings_on: "On: logging in asks for a code from your authenticator app.",
        settings_off: "Off: logging in needs only your password. Turn it on for more protection.",
        settings_staff: "Staff logins always need it; it cannot be turned off.",
        disable_submit: "Turn off two-step verification",
        disabled: "Two-step verification is off.",
        step_up_intro: "This change needs a fresh check: enter the code from your authenticator app, then it is sent again.",
        step_up_submit: "Verify and retry",
    },
};

fn notice(notice: Notice) -> &'static str {
    match notice {
        Notice::Applications => "Connection application steps",
        Notice::Bills => "Bills",
        Notice::Payments => "Payments received",
        Notice::LowBalance => "Low prepaid balance",
        Notice::Outages => "Outages",
        Notice::Complaints => "Replies to complaints",
    }
}

fn linked(account_no: &str) -> String {
    format!("Account {account_no} is linked.")
}

fn logins_heading(account_no: &str) -> String {
    format!("Logins linked to account {account_no}")
}

fn payment_mode(mode: &str) -> &'static str {
    match mode {
        "prepaid" => "Prepaid",
        _ => "Postpaid",
    }
}

fn org_role(role: OrgRole) -> &'static str {
    match role {
        OrgRole::Admin => "Admin",
        OrgRole::Payer => "Payer",
        OrgRole::Viewer => "Viewer",
    }
}

fn token_scope(scope: TokenScope) -> &'static str {
    match scope {
        TokenScope::Read => "Read only",
        TokenScope::ReadWrite => "Read and write",
    }
}

fn staff_role(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Agent => "Service agent",
        StaffRole::Supervisor => "Supervisor",
        StaffRole::ConnectionHandler => "Connection handler",
        StaffRole::BillingOperator => "Billing operator",
        StaffRole::KeyAccountManager => "Key account manager",
        StaffRole::Admin => "Administrator",
        StaffRole::Auditor => "Auditor",
    }
}

fn linked_by_name_title(account_no: &str) -> String {
    format!("Account {account_no} was linked to a new login")
}

fn linked_by_name_body(account_no: &str, who: &str) -> String {
    format!(
        "The login {who} linked account {account_no} with the holder's name and the last bill amount. If you do not know who that is, log in, check who is linked under My accounts, and call 95598. A login linked this way cannot remove the other logins."
    )
}
