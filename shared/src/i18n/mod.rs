//! Message catalogues: every string a user reads, in 简体中文 (the default) and English.
//!
//! The catalogues are typed: a `Messages` value per language, so a missing translation is a
//! compile error rather than a blank on a page. The server uses the same catalogues for
//! API error messages (and, later, emails), so a visitor reads one voice everywhere.

pub mod apply;
pub mod billing;
pub mod bills;
pub mod connection;
mod en;
pub mod portal;
mod portal_en;
mod portal_zh;
mod zh;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::api::ErrorCode;
use crate::commitments::{LimitUnit, ServiceArea};
use crate::validation::Problem;

/// The cookie that keeps a visitor's language choice.
pub const LANGUAGE_COOKIE: &str = "gridhall_lang";

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Locale {
    /// Simplified Chinese, the default.
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Every language, in the order the switch offers them.
    pub const ALL: [Locale; 2] = [Locale::Zh, Locale::En];

    /// The BCP 47 tag, for `<html lang>`, the cookie and JSON.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The catalogue of this language.
    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::Zh => &zh::MESSAGES,
            Locale::En => &en::MESSAGES,
        }
    }

    /// Picks the language for a request from its raw `Cookie` and `Accept-Language`
    /// headers: the one place both the server and the app decide it.
    pub fn from_request_headers(cookie_header: Option<&str>, accept_language: Option<&str>) -> Locale {
        let chosen = cookie_header.and_then(|header| {
            header.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                (name.trim() == LANGUAGE_COOKIE).then(|| value.trim())
            })
        });
        Locale::negotiate(chosen, accept_language)
    }

    /// Picks the language for a request: the cookie's choice if valid, else the best match
    /// in `Accept-Language`, else Chinese.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        cookie
            .and_then(|value| value.parse().ok())
            .or_else(|| accept_language.and_then(best_accepted))
            .unwrap_or_default()
    }
}

/// The highest-weighted language in an `Accept-Language` header that we speak.
fn best_accepted(header: &str) -> Option<Locale> {
    let mut best: Option<(Locale, f32)> = None;
    for entry in header.split(',') {
        let mut parts = entry.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality =
            parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok())).unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let locale = match primary {
            "zh" => Locale::Zh,
            "en" => Locale::En,
            _ => continue,
        };
        if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
            best = Some((locale, quality));
        }
    }
    best.map(|(locale, _)| locale)
}

impl FromStr for Locale {
    type Err = crate::commitments::UnknownName;
    /// Accepts the tags we write (`zh-CN`, `en`) and their common spellings.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "zh-cn" | "zh" | "zh-hans" | "zh-hans-cn" => Ok(Locale::Zh),
            "en" | "en-us" | "en-gb" => Ok(Locale::En),
            _ => Err(crate::commitments::UnknownName),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// Everything a user reads, in one language.
pub struct Messages {
    /// The product's name as shown in the header and the title.
    pub product_name: &'static str,
    /// The utility's name.
    pub utility_name: &'static str,
    /// The link that skips to the main content.
    pub skip_to_content: &'static str,
    /// Accessible name of the language switch.
    pub language_label: &'static str,
    /// The name of this language, written in itself (shown on the switch).
    pub language_name: &'static str,
    /// The main navigation's accessible name.
    pub nav_label: &'static str,
    /// Navigation: the home page.
    pub nav_home: &'static str,
    /// Navigation: the API reference.
    pub nav_api_docs: &'static str,
    /// The home page.
    pub home: HomeMessages,
    /// The footer.
    pub footer: FooterMessages,
    /// The page shown for an unknown address.
    pub not_found: NotFoundMessages,
    /// Error messages, by code.
    pub error: fn(ErrorCode) -> &'static str,
    /// Messages for individual fields in validation errors.
    pub field: FieldMessages,
    /// The name of a service area.
    pub area: fn(ServiceArea) -> &'static str,
    /// What a commitment promises, by its code; `None` for a code this catalogue does not know.
    pub commitment: fn(&str) -> Option<&'static str>,
    /// A limit with its unit, e.g. "5 个工作日" / "5 working days".
    pub limit: fn(u32, LimitUnit) -> String,
    /// A day as this language writes it: "2025年1月1日" / "1 January 2025".
    pub date: fn(NaiveDate) -> String,
    /// The signed-in portal.
    pub portal: &'static portal::PortalMessages,
    /// The connection pages.
    pub apply: &'static apply::ApplyMessages,
    /// The bill, usage and billing pages.
    pub bills: &'static bills::BillsMessages,
}

/// Strings of the home page.
pub struct HomeMessages {
    /// The page title.
    pub title: &'static str,
    /// The heading of the commitments section.
    pub commitments_heading: &'static str,
    /// The paragraph under the heading.
    pub commitments_intro: &'static str,
    /// Accessible name of the area filter.
    pub filter_label: &'static str,
    /// The filter button that shows every area.
    pub filter_all: &'static str,
    /// Table column: what is promised.
    pub column_service: &'static str,
    /// Table column: the limit.
    pub column_limit: &'static str,
    /// Table column: the area.
    pub column_area: &'static str,
    /// Table column: in force since.
    pub column_since: &'static str,
    /// Shown while the list loads.
    pub loading: &'static str,
    /// Shown when an area has nothing to list.
    pub empty: &'static str,
    /// The button that loads the list again after a failure.
    pub retry: &'static str,
    /// "As of <date>, N commitments shown".
    pub as_of: fn(&str, usize) -> String,
}

/// Strings of the footer.
pub struct FooterMessages {
    /// The service hotline line.
    pub hotline: &'static str,
    /// The note on the time limits.
    pub working_days_note: &'static str,
}

/// Strings of the not-found page.
pub struct NotFoundMessages {
    /// The heading.
    pub title: &'static str,
    /// The explanation.
    pub body: &'static str,
    /// The link back home.
    pub back_home: &'static str,
}

/// Messages for fields that failed validation.
pub struct FieldMessages {
    /// The message for each problem.
    pub problem: fn(Problem) -> &'static str,
}

impl FieldMessages {
    /// The message for a validation problem.
    pub fn for_problem(&self, problem: Problem) -> &'static str {
        (self.problem)(problem)
    }
}

/// The catalogue for a language; shorthand for `locale.messages()`.
pub fn messages(locale: Locale) -> &'static Messages {
    locale.messages()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commitments::codes;

    #[test]
    fn the_cookie_wins_then_accept_language_then_chinese() {
        assert_eq!(Locale::negotiate(Some("en"), Some("zh-CN")), Locale::En);
        assert_eq!(Locale::negotiate(Some("xx"), Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(Locale::negotiate(None, Some("fr-FR, en;q=0.5, zh;q=0.8")), Locale::Zh);
        assert_eq!(Locale::negotiate(None, Some("fr, de;q=0.5")), Locale::Zh);
        assert_eq!(Locale::negotiate(None, Some("en;q=0, zh;q=0.1")), Locale::Zh);
        assert_eq!(Locale::negotiate(None, None), Locale::Zh);
    }

    #[test]
    fn reads_the_language_cookie_among_others() {
        let cookies = "session=abc; gridhall_lang=en; theme=dark";
        assert_eq!(Locale::from_request_headers(Some(cookies), Some("zh-CN")), Locale::En);
        assert_eq!(Locale::from_request_headers(Some("other=en"), Some("en")), Locale::En);
        assert_eq!(Locale::from_request_headers(Some("gridhall_lang=zh-CN"), Some("en")), Locale::Zh);
        assert_eq!(Locale::from_request_headers(None, None), Locale::Zh);
    }

    #[test]
    fn dates_read_naturally() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 3).expect("date");
        assert_eq!((Locale::Zh.messages().date)(day), "2026年2月3日");
        assert_eq!((Locale::En.messages().date)(day), "3 February 2026");
    }

    #[test]
    fn tags_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(locale.tag().parse::<Locale>(), Ok(locale));
            let json = serde_json::to_string(&locale).expect("json");
            assert_eq!(json, format!("\"{}\"", locale.tag()));
        }
    }

    #[test]
    fn every_shipped_commitment_has_a_label_in_every_language() {
        for locale in Locale::ALL {
            let m = locale.messages();
            for code in codes::ALL {
                assert!((m.commitment)(code).is_some(), "{locale}: {code}");
            }
            assert_eq!((m.commitment)("no.such.code"), None);
        }
    }

    #[test]
    fn limits_read_naturally() {
        assert_eq!((Locale::Zh.messages().limit)(5, LimitUnit::WorkingDays), "5 个工作日");
        assert_eq!((Locale::En.messages().limit)(1, LimitUnit::WorkingDays), "1 working day");
        assert_eq!((Locale::En.messages().limit)(45, LimitUnit::Minutes), "45 minutes");
        assert_eq!((Locale::Zh.messages().limit)(24, LimitUnit::Hours), "24 小时");
    }
}
