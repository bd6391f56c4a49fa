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

/// The most hashes computed at once: each takes 19 MiB, so a burst of logins waits its
/// turn instead of taking the server's memory.
pub const MAX_CONCURRENT_HASHES: usize = 4;

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

/// Hashes being computed now, and the most ever computed at once (argon2 takes 19 MiB each).
static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The permits to hash: a burst of logins queues here (each waiting request holds a few
/// bytes) instead of computing hundreds of 19 MiB hashes at once.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_CONCURRENT_HASHES);

/// Runs one hash computation on the blocking pool once a permit is free, counting it.
async fn on_blocking_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    use std::sync::atomic::Ordering;
    let permit = HASHING.acquire().await?;
    let result = tokio::task::spawn_blocking(move || {
        let running = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(running, Ordering::SeqCst);
        let result = work();
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        result
    })
    .await?;
    drop(permit);
    Ok(result)
}

/// The most hash computations that have run at once in this process.
pub fn peak_concurrency() -> usize {
    PEAK.load(std::sync::atomic::Ordering::SeqCst)
}

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Hashes a password for storing (PHC string: algorithm, parameters, salt, hash).
pub async fn hash(password: String) -> anyhow::Result<String> {
    on_blocking_pool(move || hash_now(&password).map_err(|e| anyhow::anyhow!("cannot hash: {e}"))).await?
}

/// Whether a password matches a stored hash. `None` (no such login, or no password set
/// yet) is checked against a dummy hash and never matches.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    on_blocking_pool(move || {
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_logins_hashes_a_few_at_a_time() {
        let stored = hash("correct horse battery staple".into()).await.expect("hash");
        let burst: Vec<_> =
            (0..64).map(|_| tokio::spawn(verify("wrong horse battery staple".into(), Some(stored.clone())))).collect();
        for attempt in burst {
            assert!(!attempt.await.expect("task").expect("verify"));
        }
        assert!(
            peak_concurrency() <= MAX_CONCURRENT_HASHES,
            "{} hashes ran at once; at most {MAX_CONCURRENT_HASHES} may",
            peak_concurrency()
        );
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
