//! Electricity accounts (户号) a login may see, and linking them (`/api/v1/me/accounts`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::{self as v, Checks, FieldError};

/// An account as its customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSummary {
    /// The 10-digit account number.
    pub account_no: String,
    /// The name on the account.
    pub holder_name: String,
    /// Where the supply is.
    pub supply_address: String,
    /// The supply station's code.
    pub region: String,
    /// Residential, low voltage, high voltage, agricultural or temporary.
    pub customer_class: String,
    /// `postpaid` or `prepaid`.
    pub payment_mode: String,
    /// When this login was linked (absent for an enterprise's own accounts).
    pub linked_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/me/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountsResponse {
    /// Linked accounts (customers) or the organisation's accounts (enterprise users).
    pub accounts: Vec<AccountSummary>,
}

/// How a customer proves an account is theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LinkProof {
    /// The holder's name and the amount of the last bill.
    BillAmount {
        /// As on the bill.
        holder_name: String,
        /// In yuan, e.g. `"128.50"`.
        last_bill_amount: String,
    },
    /// The code emailed to the address on file (`POST /api/v1/me/accounts/code`).
    EmailCode {
        /// Six digits.
        code: String,
    },
}

/// `POST /api/v1/me/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkAccountRequest {
    /// The 10-digit account number.
    pub account_no: String,
    /// The proof.
    pub proof: LinkProof,
}

/// A proof that passed the field checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckedProof {
    /// Name and amount in fen.
    BillAmount {
        /// Trimmed name.
        holder_name: String,
        /// Amount in fen.
        fen: i64,
    },
    /// Six digits.
    EmailCode(String),
}

impl LinkAccountRequest {
    /// The field checks both sides run.
    pub fn validate(&self) -> Result<(String, CheckedProof), Vec<FieldError>> {
        let mut checks = Checks::new();
        let account_no = checks.check("account_no", v::account_number(&self.account_no));
        let proof = match &self.proof {
            LinkProof::BillAmount { holder_name, last_bill_amount } => {
                let name = checks.check("proof.holder_name", v::required_text(holder_name, v::NAME_MAX_CHARS));
                let amount = checks.check(
                    "proof.last_bill_amount",
                    v::yuan_amount(last_bill_amount).and_then(|m| m.to_fen().ok_or(v::Problem::InvalidAmount)),
                );
                name.zip(amount).map(|(holder_name, fen)| CheckedProof::BillAmount { holder_name, fen })
            }
            LinkProof::EmailCode { code } => {
                checks.check("proof.code", v::one_time_code(code)).map(CheckedProof::EmailCode)
            }
        };
        checks.finish(account_no.zip(proof))
    }
}

/// `POST /api/v1/me/accounts/code`: send a code to the account's address on file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkCodeRequest {
    /// The 10-digit account number.
    pub account_no: String,
}

/// A login linked to an account, as the account's other logins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountLogin {
    /// The user's id (to remove the link).
    pub user_id: i64,
    /// Their name.
    pub display_name: String,
    /// Their address, partly hidden.
    pub email_hint: String,
    /// When they linked.
    pub linked_at: DateTime<Utc>,
    /// Whether this is the caller.
    pub is_you: bool,
    /// Whether the caller may remove this link ([`may_remove_link`]).
    pub may_remove: bool,
}

/// Whether a login may remove a link to an account it is linked to: its own always; another
/// login's only if its own link was proved by the code sent to the address on file. A link
/// proved by the holder's name and last bill (which landlords, neighbours and former
/// tenants know) cannot push the others out.
pub fn may_remove_link(own_link_by_bill: bool, is_own_link: bool) -> bool {
    is_own_link || !own_link_by_bill
}

/// `GET /api/v1/me/accounts/{account_no}/logins`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountLoginsResponse {
    /// Every linked login.
    pub logins: Vec<AccountLogin>,
}

/// `j***@example.com`: enough to recognise an address, not to harvest it.
pub fn email_hint(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::Problem;

    #[test]
    fn proofs_are_checked_by_field() {
        let request = LinkAccountRequest {
            account_no: "12345".into(),
            proof: LinkProof::BillAmount { holder_name: "".into(), last_bill_amount: "12.345".into() },
        };
        let fields: Vec<_> =
            request.validate().expect_err("invalid").into_iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            fields,
            [
                ("account_no".to_owned(), Problem::InvalidAccountNumber),
                ("proof.holder_name".to_owned(), Problem::Required),
                ("proof.last_bill_amount".to_owned(), Problem::InvalidAmount)
            ]
        );
        let good = LinkAccountRequest {
            account_no: "3100012345".into(),
            proof: LinkProof::BillAmount { holder_name: " 张伟 ".into(), last_bill_amount: "¥86.40".into() },
        };
        assert_eq!(
            good.validate(),
            Ok(("3100012345".into(), CheckedProof::BillAmount { holder_name: "张伟".into(), fen: 8640 }))
        );
    }

    #[test]
    fn proofs_travel_tagged_by_method() {
        let json = serde_json::to_value(LinkProof::EmailCode { code: "123456".into() }).expect("json");
        assert_eq!(json, serde_json::json!({"method": "email_code", "code": "123456"}));
    }

    #[test]
    fn email_hints_hide_the_local_part() {
        assert_eq!(email_hint("zhang.wei@example.com"), "z***@example.com");
        assert_eq!(email_hint("broken"), "***");
    }
}
