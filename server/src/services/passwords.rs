//! Password hashing (argon2id with OWASP's parameters) and the strength check.
//!
//! Hashing takes tens of milliseconds of CPU on purpose, so it runs on the blocking pool
//! and never stalls the request workers.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use shared::validation::{Problem, password_length};

/// OWASP's first recommended argon2id setting: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// The lowest zxcvbn score accepted (3 of 4: "safely unguessable", about 10^10 guesses).
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

fn argon2() -> Argon2<'static> {
    // The parameters are constants inside argon2's bounds; `default` is unreachable.
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody knows, verified against when the login does not exist, so
/// an unknown email costs the same time as a wrong password.
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| hash_now("gridhall: no such login").ok());

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Hashes a password for storing (PHC string: algorithm, parameters, salt, hash).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_now(&password).map_err(|e| anyhow::anyhow!("cannot hash: {e}"))).await?
}

/// Whether a password matches a stored hash. `None` (no such login, or no password set
/// yet) is checked against a dummy hash and never matches.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match stored {
            Some(hash) => (hash, true),
            None => (DUMMY_HASH.clone().unwrap_or_default(), false),
        };
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        argon2().verify_password(password.as_bytes(), &parsed).is_ok() && real
    })
    .await
    .map_err(anyhow::Error::from)
}

/// The server's full check of a new password: length, then how guessable it is, counting
/// what the person's email and name would give away.
pub fn check_strength(password: &str, personal: &[&str]) -> Result<(), Problem> {
    password_length(password)?;
    let estimate = zxcvbn::zxcvbn(password, personal);
    if estimate.score() < MIN_SCORE { Err(Problem::PasswordTooWeak) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_are_argon2id() {
        let stored = hash("correct horse battery staple".into()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse battery staple".into(), Some(stored.clone())).await.expect("verify"));
        assert!(!verify("wrong horse battery staple".into(), Some(stored)).await.expect("verify"));
        assert!(!verify("gridhall: no such login".into(), None).await.expect("verify"));
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        assert_eq!(check_strength("password123", &[]), Err(Problem::PasswordTooWeak));
        assert_eq!(check_strength("1234567890", &[]), Err(Problem::PasswordTooWeak));
        assert_eq!(check_strength("qwertyuiop", &[]), Err(Problem::PasswordTooWeak));
        assert_eq!(
            check_strength("wangfang2024", &["wangfang@example.com", "wangfang"]),
            Err(Problem::PasswordTooWeak)
        );
        assert_eq!(check_strength("short", &[]), Err(Problem::PasswordTooShort));
        assert_eq!(check_strength("Tide-lantern-47-orchard", &[]), Ok(()));
    }
}
