//! `PUT /api/v1/preferences/language`.

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use crate::validation::{FieldError, Problem};

/// The interface language a visitor chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguagePreference {
    /// `zh-CN` or `en`.
    pub language: Locale,
}

/// The body of `PUT /api/v1/preferences/language`, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageRequest {
    /// `zh-CN` or `en`.
    #[cfg_attr(feature = "openapi", schema(example = "en"))]
    pub language: String,
}

impl LanguageRequest {
    /// Checks that the language is one the portal offers.
    pub fn validate(&self) -> Result<Locale, Vec<FieldError>> {
        self.language.parse().map_err(|_| vec![FieldError::new("language", Problem::UnknownLanguage)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_chinese_and_english_only() {
        let request = |language: &str| LanguageRequest { language: language.to_owned() };
        assert_eq!(request("en").validate(), Ok(Locale::En));
        assert_eq!(request("zh-CN").validate(), Ok(Locale::Zh));
        assert_eq!(request("fr").validate(), Err(vec![FieldError::new("language", Problem::UnknownLanguage)]));
    }
}
