//! Types shared by the browser and the server: roles, the signed-in user, parsed credentials.
use crate::error::{AppError, Invalid};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Sales,
    Support,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Manager,
        Role::Sales,
        Role::Support,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Support => "support",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Result<Role, AppError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| AppError::invalid("role", Invalid::Choice))
    }
}

/// Which customer records a role sees: everything, or its own and its team's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataScope {
    All,
    Team,
}

impl Role {
    pub fn data_scope(self) -> DataScope {
        match self {
            Role::Sales => DataScope::Team,
            Role::Admin | Role::Manager | Role::Support | Role::Viewer => DataScope::All,
        }
    }

    /// Viewers (and marketing, who sign in as viewers) read; everyone else may edit customer records in scope.
    pub fn can_edit_customers(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    /// Support agents, managers and admins work tickets: triage them and reply to customers.
    pub fn works_tickets(self) -> bool {
        matches!(self, Role::Admin | Role::Manager | Role::Support)
    }

    /// Sales, who read their customers' tickets, may add internal notes to them as well.
    pub fn notes_tickets(self) -> bool {
        self.works_tickets() || matches!(self, Role::Sales)
    }

    /// Exporting a list takes every customer in scope out of the CRM: admins and managers only.
    pub fn can_export(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
}

/// The UI languages. Stored per user; the tag doubles as the cookie and `<html lang>` value.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub locale: String,
}

impl CurrentUser {
    /// The language the user reads Keel in (for what the server writes for them: files, tasks).
    pub fn language(&self) -> crate::i18n::Locale {
        if self.locale == "zh-CN" {
            crate::i18n::Locale::zh_CN
        } else {
            crate::i18n::Locale::en
        }
    }
}

/// A syntactically valid email address, trimmed, lower-cased and (on the server) in Unicode NFC,
/// so that one address typed two ways is one account and one contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX: u32 = 254;

    pub fn parse(raw: &str) -> Result<Email, Invalid> {
        let raw = raw.trim();
        // A pasted novel is refused before any work is spent on it.
        if raw.len() > 4 * Self::MAX as usize {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        let s = normalise(raw);
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        if s.chars().count() > Self::MAX as usize {
            return Err(Invalid::TooLong { max: Self::MAX });
        }
        let (local, domain) = s.split_once('@').ok_or(Invalid::Email)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        let stray = |c: char| c.is_whitespace() || c.is_control();
        if local.is_empty() || !domain_ok || s.chars().any(stray) {
            return Err(Invalid::Email);
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Lower case, then NFC (lower-casing can leave a combining mark behind). The browser only checks
/// the form; what is stored and compared is the server's parse, so only the server carries the
/// Unicode tables.
fn normalise(s: &str) -> String {
    let lower = s.to_lowercase();
    #[cfg(feature = "ssr")]
    let lower = {
        use unicode_normalization::UnicodeNormalization;
        lower.nfc().collect::<String>()
    };
    lower
}

/// A password that meets the length policy. Never logged, never serialised.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: u32 = 8;
    pub const MAX: u32 = 128;

    pub fn parse(raw: &str) -> Result<NewPassword, Invalid> {
        let n = raw.chars().count() as u32;
        if n == 0 {
            Err(Invalid::Required)
        } else if n < Self::MIN {
            Err(Invalid::TooShort { min: Self::MIN })
        } else if n > Self::MAX {
            Err(Invalid::TooLong { max: Self::MAX })
        } else {
            Ok(NewPassword(raw.to_string()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A password typed to sign in (or to confirm a change): never empty, and never longer than
    /// any password can be, so no hashing is spent on what cannot match.
    pub fn check_typed(raw: &str) -> Result<(), Invalid> {
        if raw.is_empty() {
            Err(Invalid::Required)
        } else if raw.chars().count() as u32 > Self::MAX {
            Err(Invalid::TooLong { max: Self::MAX })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Wang.Wei@Example.CN ").unwrap().as_str(),
            "wang.wei@example.cn"
        );
    }

    #[test]
    fn an_email_without_at_or_domain_dot_is_rejected() {
        for bad in [
            "wang",
            "wang@",
            "@example.com",
            "wang@example",
            "wang@.com",
            "a b@c.de",
        ] {
            assert_eq!(Email::parse(bad), Err(Invalid::Email), "{bad}");
        }
        assert_eq!(Email::parse("   "), Err(Invalid::Required));
    }

    #[test]
    fn an_email_with_a_control_character_is_rejected() {
        for bad in [
            "wang\u{0}@example.cn",
            "wang@exa\u{7}mple.cn",
            "wang@example.cn\u{1b}x",
        ] {
            assert_eq!(Email::parse(bad), Err(Invalid::Email), "{bad:?}");
        }
    }

    #[test]
    fn an_email_longer_than_254_characters_is_rejected() {
        let long = format!("{}@example.cn", "a".repeat(243));
        assert_eq!(long.chars().count(), 254);
        assert!(Email::parse(&long).is_ok());
        let longer = format!("a{long}");
        assert_eq!(Email::parse(&longer), Err(Invalid::TooLong { max: 254 }));
        assert_eq!(
            Email::parse(&"x".repeat(3000)),
            Err(Invalid::TooLong { max: 254 })
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_email_is_normalised_to_nfc() {
        // "é" as e + combining acute (NFD) and as one code point (NFC) are one address.
        let decomposed = Email::parse("Jose\u{301}@Example.com").unwrap();
        let composed = Email::parse("jos\u{e9}@example.com").unwrap();
        assert_eq!(decomposed, composed);
        assert_eq!(composed.as_str(), "jos\u{e9}@example.com");
    }

    #[test]
    fn a_password_shorter_than_eight_characters_is_rejected() {
        assert_eq!(
            NewPassword::parse("1234567").err(),
            Some(Invalid::TooShort { min: 8 })
        );
        assert!(NewPassword::parse("密码密码密码密码").is_ok());
        assert_eq!(NewPassword::parse("").err(), Some(Invalid::Required));
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)).err(),
            Some(Invalid::TooLong { max: 128 })
        );
    }

    #[test]
    fn a_typed_password_must_be_given_and_no_longer_than_any_password() {
        assert_eq!(NewPassword::check_typed(""), Err(Invalid::Required));
        assert_eq!(NewPassword::check_typed("short"), Ok(()));
        assert_eq!(
            NewPassword::check_typed(&"x".repeat(129)),
            Err(Invalid::TooLong { max: 128 })
        );
    }

    #[test]
    fn roles_round_trip_and_unknown_roles_are_refused() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
    }
}
