//! The portal's emails, in the recipient's language, as text and HTML. Every value put in
//! the HTML goes through maud, which escapes it.

use maud::{DOCTYPE, Markup, html};
use shared::i18n::Locale;

use super::Email;

/// What an email is about, with what it needs.
#[derive(Debug, Clone)]
pub enum Template<'a> {
    /// Confirm the address of a new login.
    ConfirmEmail {
        /// The person's name.
        name: &'a str,
        /// The confirmation link.
        link: &'a str,
    },
    /// Someone tried to register an address that already has a login.
    AlreadyRegistered {
        /// The person's name.
        name: &'a str,
        /// The login page.
        login_link: &'a str,
        /// The reset page.
        reset_link: &'a str,
    },
    /// Set a new password.
    ResetPassword {
        /// The person's name.
        name: &'a str,
        /// The reset link.
        link: &'a str,
    },
    /// Someone invites the person to the portal (staff or an enterprise).
    Invitation {
        /// The person's name.
        name: &'a str,
        /// Who invites them: the organisation or the utility.
        inviter: &'a str,
        /// The link to set a password.
        link: &'a str,
    },
    /// An organisation invited an address that already has a login: a login belongs to
    /// one customer or one organisation, so it cannot join; the owner is told why.
    InvitationForExistingLogin {
        /// The name on the existing login.
        name: &'a str,
        /// The organisation that invited the address.
        inviter: &'a str,
    },
    /// The code that proves access to an account's address on file.
    LinkCode {
        /// The account number.
        account_no: &'a str,
        /// The code.
        code: &'a str,
    },
    /// The password was changed (a warning in case it was not them).
    PasswordChanged {
        /// The person's name.
        name: &'a str,
    },
    /// A notice that also appears in the portal (an application step, a deadline).
    Notice {
        /// The person's name.
        name: &'a str,
        /// The headline (also the subject).
        title: &'a str,
        /// The text.
        body: &'a str,
        /// Where to look in the portal.
        link: &'a str,
    },
}

/// How long the links in emails stay valid, in hours (stated in the emails).
pub const CONFIRM_HOURS: i64 = 48;
/// Reset links.
pub const RESET_HOURS: i64 = 1;
/// Invitations.
pub const INVITATION_HOURS: i64 = 72;
/// Link codes, in minutes.
pub const LINK_CODE_MINUTES: i64 = 15;

struct Parts {
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    action: Option<(String, String)>,
    code: Option<String>,
}

fn parts(template: &Template<'_>, locale: Locale) -> Parts {
    let zh = locale == Locale::Zh;
    let greet = |name: &str| if zh { format!("{name}，您好：") } else { format!("Dear {name},") };
    match *template {
        Template::ConfirmEmail { name, link } => Parts {
            subject: if zh {
                "请验证您的邮箱 — 网上营业厅".into()
            } else {
                "Confirm your email address — Online Service Hall".into()
            },
            greeting: greet(name),
            paragraphs: vec![if zh {
                format!("感谢注册网上营业厅。请在 {CONFIRM_HOURS} 小时内点击下面的链接验证邮箱，之后即可登录。")
            } else {
                format!(
                    "Thank you for registering. Open the link below within {CONFIRM_HOURS} hours to confirm your address; then you can log in."
                )
            }],
            action: Some((if zh { "验证邮箱".into() } else { "Confirm my address".into() }, link.to_owned())),
            code: None,
        },
        Template::AlreadyRegistered { name, login_link, reset_link } => Parts {
            subject: if zh {
                "您已注册过网上营业厅".into()
            } else {
                "You already have a login — Online Service Hall".into()
            },
            greeting: greet(name),
            paragraphs: vec![
                if zh {
                    format!("有人（可能是您）用此邮箱再次注册。您已有账号，可直接登录：{login_link}")
                } else {
                    format!(
                        "Someone, probably you, tried to register this address again. You already have a login: {login_link}"
                    )
                },
                if zh {
                    "如忘记密码，请点击下面的链接重设。".into()
                } else {
                    "If you forgot your password, reset it with the link below.".into()
                },
            ],
            action: Some((if zh { "重设密码".into() } else { "Reset my password".into() }, reset_link.to_owned())),
            code: None,
        },
        Template::ResetPassword { name, link } => Parts {
            subject: if zh {
                "重设密码 — 网上营业厅".into()
            } else {
                "Reset your password — Online Service Hall".into()
            },
            greeting: greet(name),
            paragraphs: vec![if zh {
                format!(
                    "我们收到了重设密码的请求。请在 {RESET_HOURS} 小时内点击下面的链接设置新密码；链接只能使用一次。如果不是您本人操作，请忽略此邮件，您的密码不会改变。"
                )
            } else {
                format!(
                    "We were asked to reset your password. Open the link below within {RESET_HOURS} hour to choose a new one; it works once. If this was not you, ignore this email: your password stays as it is."
                )
            }],
            action: Some((if zh { "设置新密码".into() } else { "Choose a new password".into() }, link.to_owned())),
            code: None,
        },
        Template::Invitation { name, inviter, link } => Parts {
            subject: if zh {
                format!("{inviter}邀请您使用网上营业厅")
            } else {
                format!("{inviter} invites you to the Online Service Hall")
            },
            greeting: greet(name),
            paragraphs: vec![if zh {
                format!("{inviter}为您开通了网上营业厅账号。请在 {INVITATION_HOURS} 小时内点击下面的链接设置密码。")
            } else {
                format!(
                    "{inviter} has opened a login for you. Open the link below within {INVITATION_HOURS} hours to choose your password."
                )
            }],
            action: Some((if zh { "设置密码".into() } else { "Choose my password".into() }, link.to_owned())),
            code: None,
        },
        Template::InvitationForExistingLogin { name, inviter } => Parts {
            subject: if zh {
                format!("{inviter}邀请您使用网上营业厅")
            } else {
                format!("{inviter} invites you to the Online Service Hall")
            },
            greeting: greet(name),
            paragraphs: vec![
                if zh {
                    format!(
                        "{inviter}邀请此邮箱加入其企业账号。此邮箱已有网上营业厅账号，一个账号只能属于一位客户或一家企业，因此无法加入。"
                    )
                } else {
                    format!(
                        "{inviter} invited this address to join them in the Online Service Hall. This address already has a login, and a login belongs to one customer or one company, so it cannot join."
                    )
                },
                if zh {
                    format!(
                        "如需为{inviter}办理业务，请请其管理员改用另一个邮箱邀请您。如果您不认识该企业，请忽略此邮件，您的账号不受影响。"
                    )
                } else {
                    format!(
                        "To act for {inviter}, ask their administrator to invite another address of yours. If you do not know them, ignore this email: your login is not affected."
                    )
                },
            ],
            action: None,
            code: None,
        },
        Template::LinkCode { account_no, code } => Parts {
            subject: if zh {
                format!("户号 {account_no} 绑定验证码")
            } else {
                format!("Code to link account {account_no}")
            },
            greeting: if zh { "您好：".into() } else { "Hello,".into() },
            paragraphs: vec![if zh {
                format!(
                    "有人请求将户号 {account_no} 绑定到其网上营业厅账号。验证码 {LINK_CODE_MINUTES} 分钟内有效。如果不是您本人操作，请勿将验证码告诉任何人。"
                )
            } else {
                format!(
                    "Someone asked to link account {account_no} to their Online Service Hall login. The code is valid for {LINK_CODE_MINUTES} minutes. If this was not you, do not share it with anyone."
                )
            }],
            action: None,
            code: Some(code.to_owned()),
        },
        Template::PasswordChanged { name } => Parts {
            subject: if zh {
                "您的密码已修改 — 网上营业厅".into()
            } else {
                "Your password was changed — Online Service Hall".into()
            },
            greeting: greet(name),
            paragraphs: vec![if zh {
                "您的网上营业厅密码刚刚被修改，其他设备上的登录已退出。如果不是您本人操作，请立即重设密码并拨打 95598。"
                    .into()
            } else {
                "The password of your Online Service Hall login was just changed, and other devices were logged out. If this was not you, reset your password now and call 95598.".into()
            }],
            action: None,
            code: None,
        },
        Template::Notice { name, title, body, link } => Parts {
            subject: if zh {
                format!("{title} — 网上营业厅")
            } else {
                format!("{title} — Online Service Hall")
            },
            greeting: greet(name),
            paragraphs: vec![body.to_owned()],
            action: Some((if zh { "查看详情".into() } else { "View in the portal".into() }, link.to_owned())),
            code: None,
        },
    }
}

/// Renders an email for a recipient.
pub fn render(to: &str, template: &Template<'_>, locale: Locale) -> Email {
    let parts = parts(template, locale);
    let footer = if locale == Locale::Zh {
        "此邮件由系统发送，请勿回复。服务热线 95598（24 小时）。"
    } else {
        "This email was sent automatically; please do not reply. Service hotline 95598 (24 hours)."
    };
    let mut text = format!("{}\n\n", parts.greeting);
    for paragraph in &parts.paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    if let Some(code) = &parts.code {
        text.push_str(&format!("{code}\n\n"));
    }
    if let Some((label, link)) = &parts.action {
        text.push_str(&format!("{label}: {link}\n\n"));
    }
    text.push_str("-- \n");
    text.push_str(footer);
    text.push('\n');
    let html = html_body(&parts, footer, locale).into_string();
    Email { to: to.to_owned(), subject: parts.subject, text, html }
}

fn html_body(parts: &Parts, footer: &str, locale: Locale) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(locale.tag()) {
            head { meta charset="utf-8"; title { (parts.subject) } }
            body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a;" {
                p { (parts.greeting) }
                @for paragraph in &parts.paragraphs { p { (paragraph) } }
                @if let Some(code) = &parts.code {
                    p style="font-size: 1.6em; letter-spacing: 0.2em; font-weight: bold;" { (code) }
                }
                @if let Some((label, link)) = &parts.action {
                    p { a href=(link) style="background: #0b5cad; color: #fff; padding: 0.5em 1em; text-decoration: none; border-radius: 4px;" { (label) } }
                    p style="font-size: 0.9em; color: #555;" { (link) }
                }
                hr;
                p style="font-size: 0.85em; color: #555;" { (footer) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_kept_in_text() {
        let email = render(
            "a@example.com",
            &Template::ConfirmEmail { name: "<script>alert(1)</script>", link: "https://x.example/confirm?token=a&b" },
            Locale::En,
        );
        assert!(!email.html.contains("<script>"), "{}", email.html);
        assert!(email.html.contains("&lt;script&gt;"));
        assert!(email.html.contains("token=a&amp;b"));
        assert!(email.text.contains("Dear <script>alert(1)</script>,"));
        assert!(email.text.contains("https://x.example/confirm?token=a&b"));
    }

    #[test]
    fn emails_speak_the_recipients_language() {
        let zh = render("a@example.com", &Template::ResetPassword { name: "王芳", link: "l" }, Locale::Zh);
        assert!(zh.subject.contains("重设密码"));
        assert!(zh.text.starts_with("王芳，您好："));
        let en = render("a@example.com", &Template::LinkCode { account_no: "3100012345", code: "012345" }, Locale::En);
        assert!(en.subject.contains("3100012345"));
        assert!(en.text.contains("012345"));
    }
}
