//! Strings of the signed-in portal: header links, the identity forms, the profile, linked
//! accounts, enterprise administration, staff administration and the audit log.

use crate::roles::{Notice, OrgRole, StaffRole, TokenScope};

/// Everything the signed-in part of the portal says.
pub struct PortalMessages {
    /// Header and navigation.
    pub nav: NavMessages,
    /// Register, confirm, log in, passwords.
    pub auth: AuthMessages,
    /// The profile page.
    pub account: AccountMessages,
    /// Linked electricity accounts.
    pub link: LinkMessages,
    /// Enterprise members and tokens.
    pub org: OrgMessages,
    /// Staff users and the audit log.
    pub staff: StaffMessages,
    /// The second factor.
    pub second_factor: SecondFactorMessages,
}

/// Header links.
pub struct NavMessages {
    /// Log in.
    pub login: &'static str,
    /// Register.
    pub register: &'static str,
    /// The profile.
    pub account: &'static str,
    /// Linked accounts.
    pub my_accounts: &'static str,
    /// Enterprise administration.
    pub enterprise: &'static str,
    /// Staff users.
    pub staff_users: &'static str,
    /// The audit log.
    pub audit: &'static str,
    /// Log out.
    pub logout: &'static str,
    /// The accessible name of the account menu.
    pub account_menu: &'static str,
}

/// The identity forms.
pub struct AuthMessages {
    /// Field: email.
    pub email: &'static str,
    /// Field: mobile.
    pub mobile: &'static str,
    /// Under the mobile field.
    pub mobile_hint: &'static str,
    /// Field: name.
    pub display_name: &'static str,
    /// Field: password.
    pub password: &'static str,
    /// Under a new password field.
    pub password_hint: &'static str,
    /// Field: new password.
    pub new_password: &'static str,
    /// Field: current password.
    pub current_password: &'static str,
    /// Register page title.
    pub register_title: &'static str,
    /// Under the register title.
    pub register_intro: &'static str,
    /// Register button.
    pub register_submit: &'static str,
    /// Link from register to login.
    pub have_account: &'static str,
    /// Confirm page title.
    pub confirm_title: &'static str,
    /// Under the confirm title.
    pub confirm_intro: &'static str,
    /// Confirm button.
    pub confirm_submit: &'static str,
    /// After confirming.
    pub confirm_done: &'static str,
    /// A link without its token.
    pub missing_token: &'static str,
    /// Login page title.
    pub login_title: &'static str,
    /// Login button.
    pub login_submit: &'static str,
    /// Link to the forgot-password page.
    pub forgot_link: &'static str,
    /// Link from login to register.
    pub no_account: &'static str,
    /// Forgot page title.
    pub forgot_title: &'static str,
    /// Under the forgot title.
    pub forgot_intro: &'static str,
    /// Forgot button.
    pub forgot_submit: &'static str,
    /// Reset page title.
    pub reset_title: &'static str,
    /// Reset button.
    pub reset_submit: &'static str,
    /// After setting a password.
    pub reset_done: &'static str,
    /// Invitation page title.
    pub welcome_title: &'static str,
    /// Under the invitation title.
    pub welcome_intro: &'static str,
    /// Link to the login page.
    pub go_to_login: &'static str,
    /// While a form is being sent.
    pub submitting: &'static str,
    /// A page that needs a login.
    pub login_required: &'static str,
    /// A page this login may not see.
    pub forbidden: &'static str,
    /// Shown while the page loads.
    pub loading: &'static str,
}

/// The profile page.
pub struct AccountMessages {
    /// Page title.
    pub title: &'static str,
    /// Profile section.
    pub profile_heading: &'static str,
    /// Language field.
    pub language: &'static str,
    /// Notices section.
    pub notices_heading: &'static str,
    /// Under the notices heading.
    pub notices_intro: &'static str,
    /// Save button.
    pub save: &'static str,
    /// After saving.
    pub saved: &'static str,
    /// Password section.
    pub password_heading: &'static str,
    /// Change password button.
    pub change_password_submit: &'static str,
    /// After changing the password.
    pub password_changed: &'static str,
    /// Devices section.
    pub sessions_heading: &'static str,
    /// Under the devices heading.
    pub sessions_intro: &'static str,
    /// Log out of every device.
    pub logout_everywhere: &'static str,
    /// A notice's name.
    pub notice: fn(Notice) -> &'static str,
}

/// Linked accounts.
pub struct LinkMessages {
    /// Page title.
    pub title: &'static str,
    /// Under the title.
    pub intro: &'static str,
    /// No accounts yet.
    pub empty: &'static str,
    /// Column: account number.
    pub column_account: &'static str,
    /// Column: holder.
    pub column_holder: &'static str,
    /// Column: address.
    pub column_address: &'static str,
    /// Column: payment mode.
    pub column_mode: &'static str,
    /// Link section.
    pub link_heading: &'static str,
    /// Field: account number.
    pub account_no: &'static str,
    /// Under the account number.
    pub account_no_hint: &'static str,
    /// The proof choice.
    pub proof_legend: &'static str,
    /// Proof by bill.
    pub proof_bill: &'static str,
    /// Proof by code.
    pub proof_code: &'static str,
    /// Field: holder name.
    pub holder_name: &'static str,
    /// Field: last bill.
    pub last_bill_amount: &'static str,
    /// Field: code.
    pub code: &'static str,
    /// Send-code button.
    pub send_code: &'static str,
    /// After sending the code.
    pub code_sent: &'static str,
    /// Link button.
    pub link_submit: &'static str,
    /// After linking: "已绑定户号 …".
    pub linked: fn(&str) -> String,
    /// Logins section of an account.
    pub logins_heading: fn(&str) -> String,
    /// Button that shows the logins.
    pub show_logins: &'static str,
    /// Remove a link.
    pub remove: &'static str,
    /// After removing a link.
    pub removed: &'static str,
    /// Marks the caller.
    pub you: &'static str,
    /// The notice to an account's address on file and its other logins when someone links
    /// it by the holder's name and last bill: title, for the account number.
    pub linked_by_name_title: fn(&str) -> String,
    /// Its text, for the account number and the new login's masked address.
    pub linked_by_name_body: fn(&str, &str) -> String,
    /// A payment mode's name.
    pub payment_mode: fn(&str) -> &'static str,
}

/// Enterprise members and tokens.
pub struct OrgMessages {
    /// Page title.
    pub title: &'static str,
    /// Members section.
    pub members_heading: &'static str,
    /// Column: name.
    pub column_name: &'static str,
    /// Column: email.
    pub column_email: &'static str,
    /// Column: role.
    pub column_role: &'static str,
    /// An invitation not accepted yet.
    pub pending: &'static str,
    /// Invite section.
    pub invite_heading: &'static str,
    /// Field: role.
    pub role_label: &'static str,
    /// Invite button.
    pub invite_submit: &'static str,
    /// After inviting.
    pub invited: &'static str,
    /// Open invitations section.
    pub invitations_heading: &'static str,
    /// Under it: what an invitation does until it is accepted.
    pub invitations_intro: &'static str,
    /// Column: when the link stops working.
    pub link_valid_until: &'static str,
    /// An invitation whose link stopped working.
    pub expired: &'static str,
    /// Withdraw an invitation.
    pub withdraw: &'static str,
    /// After withdrawing.
    pub withdrawn: &'static str,
    /// After a change of role.
    pub role_changed: &'static str,
    /// After removing a member.
    pub removed: &'static str,
    /// Save a role.
    pub change_role: &'static str,
    /// Remove a member.
    pub remove: &'static str,
    /// Tokens section.
    pub tokens_heading: &'static str,
    /// Under the tokens heading.
    pub tokens_intro: &'static str,
    /// Field: token name.
    pub token_name: &'static str,
    /// Field: scope.
    pub scope_label: &'static str,
    /// Field: days.
    pub expires_days: &'static str,
    /// Issue button.
    pub issue: &'static str,
    /// Above a new token.
    pub token_once: &'static str,
    /// Revoke button.
    pub revoke: &'static str,
    /// A revoked token.
    pub revoked: &'static str,
    /// Column: expiry.
    pub column_expires: &'static str,
    /// Column: last use.
    pub column_last_used: &'static str,
    /// Never used.
    pub never: &'static str,
    /// Shown to non-admins.
    pub admin_only: &'static str,
    /// A role's name.
    pub role: fn(OrgRole) -> &'static str,
    /// A scope's name.
    pub scope: fn(TokenScope) -> &'static str,
}

/// Staff users and the audit log.
pub struct StaffMessages {
    /// Users page title.
    pub users_title: &'static str,
    /// Column: roles.
    pub column_roles: &'static str,
    /// Column: regions.
    pub column_regions: &'static str,
    /// Column: status.
    pub column_status: &'static str,
    /// No region limit.
    pub all_regions: &'static str,
    /// A disabled login.
    pub disabled: &'static str,
    /// An active login.
    pub active: &'static str,
    /// Create section.
    pub create_heading: &'static str,
    /// Field: roles.
    pub roles_legend: &'static str,
    /// Field: regions.
    pub regions_legend: &'static str,
    /// Create button.
    pub create_submit: &'static str,
    /// After creating.
    pub created: &'static str,
    /// Disable a login.
    pub disable: &'static str,
    /// Enable a login.
    pub enable: &'static str,
    /// Open the role editor.
    pub edit: &'static str,
    /// Audit page title.
    pub audit_title: &'static str,
    /// Filter: actor.
    pub filter_actor: &'static str,
    /// Filter: action.
    pub filter_action: &'static str,
    /// Search button.
    pub search: &'static str,
    /// Column: time.
    pub column_time: &'static str,
    /// Column: actor.
    pub column_actor: &'static str,
    /// Column: address.
    pub column_ip: &'static str,
    /// Column: action.
    pub column_action: &'static str,
    /// Column: subject.
    pub column_subject: &'static str,
    /// Column: detail.
    pub column_detail: &'static str,
    /// Next page.
    pub older: &'static str,
    /// Nothing found.
    pub no_entries: &'static str,
    /// A role's name.
    pub role: fn(StaffRole) -> &'static str,
}

/// The second factor: the login's second step, setting up an authenticator, recovery
/// codes, the profile's switch and the fresh check before sensitive changes.
pub struct SecondFactorMessages {
    /// Field: the code from the authenticator app (or a recovery code).
    pub code: &'static str,
    /// Under the code field.
    pub code_hint: &'static str,
    /// The login's second step.
    pub login_intro: &'static str,
    /// Button of the login's second step.
    pub login_submit: &'static str,
    /// Heading of the set-up step.
    pub enrol_title: &'static str,
    /// Under that heading.
    pub enrol_intro: &'static str,
    /// The QR code's accessible name.
    pub qr_label: &'static str,
    /// Label of the secret as text.
    pub secret_label: &'static str,
    /// Button that starts the set-up (with the password).
    pub enrol_start: &'static str,
    /// Button that confirms the set-up.
    pub enrol_submit: &'static str,
    /// Heading above the recovery codes.
    pub recovery_heading: &'static str,
    /// Under that heading.
    pub recovery_intro: &'static str,
    /// Button after the recovery codes.
    pub recovery_done: &'static str,
    /// Heading on the profile page.
    pub settings_heading: &'static str,
    /// When it is on.
    pub settings_on: &'static str,
    /// When it is off.
    pub settings_off: &'static str,
    /// For staff.
    pub settings_staff: &'static str,
    /// Button that turns it off.
    pub disable_submit: &'static str,
    /// After turning it off.
    pub disabled: &'static str,
    /// A change that needs a fresh check.
    pub step_up_intro: &'static str,
    /// Button of the fresh check.
    pub step_up_submit: &'static str,
}
