//! Password hashing (argon2id, PHC strings) and the password policy.

use std::borrow::Cow;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{AppError, AppResult};
use crate::settings::{Checked, ConfigError};

/// OWASP's minimum argon2id cost; configuration may raise it, never lower it.
pub const ARGON2_MIN_MEMORY_KIB: u32 = 19_456;
pub const ARGON2_MIN_ITERATIONS: u32 = 2;

/// The argon2id cost (configured under `auth.argon2_*`).
#[derive(Debug, Clone, Copy)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl PasswordCost {
    pub fn validate(&self) -> Checked {
        if self.memory_kib < ARGON2_MIN_MEMORY_KIB {
            return Err(ConfigError::new(
                "auth.argon2_memory_kib",
                format!("must be at least {ARGON2_MIN_MEMORY_KIB} (OWASP minimum)"),
            ));
        }
        if self.iterations < ARGON2_MIN_ITERATIONS {
            return Err(ConfigError::new(
                "auth.argon2_iterations",
                format!("must be at least {ARGON2_MIN_ITERATIONS} (OWASP minimum)"),
            ));
        }
        crate::settings::positive(&[("auth.argon2_parallelism", self.parallelism)])
    }
}

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Hashes and checks passwords with the configured argon2id cost.
pub struct Passwords {
    argon2: Argon2<'static>,
    /// Verified against when the account is unknown, so that a wrong login costs the same time
    /// as a wrong password (no account-existence timing oracle).
    dummy_hash: String,
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    Wrong,
    Correct,
    /// Correct, but hashed with weaker parameters than today's: store a new hash.
    CorrectNeedsRehash,
}

impl Passwords {
    pub fn new(cost: PasswordCost) -> AppResult<Self> {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| AppError::internal(format!("argon2 parameters: {e}")))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut passwords = Self {
            argon2,
            dummy_hash: String::new(),
        };
        passwords.dummy_hash = passwords.hash("dummy password for unknown accounts")?;
        Ok(passwords)
    }

    pub fn hash(&self, password: &str) -> AppResult<String> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| AppError::internal(format!("password hashing failed: {e}")))
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is no account.
    pub fn check(&self, password: &str, stored: Option<&str>) -> PasswordCheck {
        let Some(stored) = stored else {
            let _ = self.verify(password, &self.dummy_hash);
            return PasswordCheck::Wrong;
        };
        match self.verify(password, stored) {
            Some(parsed_params) if self.is_weaker_than_current(&parsed_params) => {
                PasswordCheck::CorrectNeedsRehash
            }
            Some(_) => PasswordCheck::Correct,
            None => PasswordCheck::Wrong,
        }
    }

    /// The stored hash's parameters when the password matches it.
    fn verify(&self, password: &str, stored: &str) -> Option<(Algorithm, Params)> {
        let parsed = PasswordHash::new(stored).ok()?;
        self.argon2
            .verify_password(password.as_bytes(), &parsed)
            .ok()?;
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let params = Params::try_from(&parsed).ok()?;
        Some((algorithm, params))
    }

    fn is_weaker_than_current(&self, (algorithm, params): &(Algorithm, Params)) -> bool {
        let current = self.argon2.params();
        *algorithm != Algorithm::Argon2id
            || params.m_cost() < current.m_cost()
            || params.t_cost() < current.t_cost()
            || params.p_cost() < current.p_cost()
    }
}

/// Length 8..=128 characters and at least two character classes
/// (lower case, upper case, digits, anything else: symbols, uncased scripts such as Chinese).
pub fn password_policy(password: &str) -> Result<(), validator::ValidationError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(policy_error(
            "too_short",
            format!("password must have at least {PASSWORD_MIN_CHARS} characters"),
        ));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(policy_error(
            "too_long",
            format!("password must have at most {PASSWORD_MAX_CHARS} characters"),
        ));
    }
    if character_classes(password) < 2 {
        return Err(policy_error(
            "too_simple",
            "password must mix at least two of: lower case, upper case, digits, symbols".into(),
        ));
    }
    Ok(())
}

fn character_classes(password: &str) -> usize {
    [
        password.chars().any(char::is_lowercase),
        password.chars().any(char::is_uppercase),
        password.chars().any(char::is_numeric),
        password
            .chars()
            .any(|c| !(c.is_lowercase() || c.is_uppercase() || c.is_numeric())),
    ]
    .iter()
    .filter(|present| **present)
    .count()
}

fn policy_error(code: &'static str, message: String) -> validator::ValidationError {
    validator::ValidationError::new(code).with_message(Cow::Owned(message))
}

/// Password work (hashing, verifying) off the async workers, one per core at a time: each
/// argon2 computation takes ~19 MiB and a core for tens of milliseconds, so a login flood
/// queues here instead of exhausting memory.
pub struct PasswordWorkers {
    passwords: std::sync::Arc<Passwords>,
    hashing_slots: tokio::sync::Semaphore,
}

impl PasswordWorkers {
    pub fn new(passwords: std::sync::Arc<Passwords>) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            passwords,
            hashing_slots: tokio::sync::Semaphore::new(cores),
        }
    }

    /// Runs password work off the async workers, one per core at a time.
    pub async fn password_work<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&Passwords) -> T + Send + 'static,
        T: Send + 'static,
    {
        let _slot = self
            .hashing_slots
            .acquire()
            .await
            .map_err(|_| AppError::internal("password hashing slots closed"))?;
        let passwords = self.passwords.clone();
        crate::blocking::off_worker(move || work(&passwords)).await
    }

    pub async fn hash_password(&self, password: String) -> AppResult<String> {
        self.password_work(move |passwords| passwords.hash(&password))
            .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn settings(memory_kib: u32) -> PasswordCost {
        PasswordCost {
            memory_kib,
            iterations: ARGON2_MIN_ITERATIONS,
            parallelism: 1,
        }
    }

    #[test]
    fn hashes_are_argon2id_phc_strings_with_owasp_cost() {
        let passwords = Passwords::new(settings(19_456)).unwrap();
        let hash = passwords.hash("Secret123").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(
            passwords.check("Secret123", Some(&hash)),
            PasswordCheck::Correct
        );
        assert_eq!(
            passwords.check("secret123", Some(&hash)),
            PasswordCheck::Wrong
        );
        assert_eq!(passwords.check("Secret123", None), PasswordCheck::Wrong);
    }

    #[test]
    fn a_hash_with_lower_cost_asks_for_a_rehash() {
        let old = Passwords::new(settings(19_456)).unwrap();
        let new = Passwords::new(settings(24_576)).unwrap();
        let hash = old.hash("Secret123").unwrap();
        assert_eq!(
            new.check("Secret123", Some(&hash)),
            PasswordCheck::CorrectNeedsRehash
        );
        assert_eq!(new.check("Wrong1234", Some(&hash)), PasswordCheck::Wrong);
    }

    #[test]
    fn an_unknown_account_costs_one_hash_too() {
        let passwords = Passwords::new(settings(19_456)).unwrap();
        let hash = passwords.hash("Secret123").unwrap();
        // The fastest of several runs: robust against a busy machine slowing some of them.
        let time = |stored: Option<&str>| {
            (0..5)
                .map(|_| {
                    let start = std::time::Instant::now();
                    assert_eq!(passwords.check("Wrong1234", stored), PasswordCheck::Wrong);
                    start.elapsed()
                })
                .min()
                .unwrap()
        };
        let (known, unknown) = (time(Some(&hash)), time(None));
        // Without the dummy hash an unknown account answers ~1000x faster; allow wide noise.
        assert!(
            unknown * 3 > known,
            "unknown {unknown:?} vs known {known:?}"
        );
    }

    #[test]
    fn policy_names_what_is_wrong() {
        let code = |p: &str| password_policy(p).err().map(|e| e.code.to_string());
        assert_eq!(code("Ab1"), Some("too_short".into()));
        assert_eq!(code(&"aB3".repeat(43)), Some("too_long".into()));
        assert_eq!(code("abcdefghij"), Some("too_simple".into()));
        assert_eq!(code("12345678"), Some("too_simple".into()));
        assert_eq!(code("abcd1234"), None);
        assert_eq!(code("密码密码密码12"), None);
    }

    proptest! {
        #[test]
        fn policy_accepts_exactly_long_enough_mixed_passwords(p in "\\PC{0,140}") {
            let chars = p.chars().count();
            // An independent statement of the rule: two distinct classes among the characters.
            let class_of = |c: char| if c.is_lowercase() { 0 } else if c.is_uppercase() { 1 } else if c.is_numeric() { 2 } else { 3 };
            let classes: std::collections::BTreeSet<u8> = p.chars().map(class_of).collect();
            let expected = (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&chars) && classes.len() >= 2;
            prop_assert_eq!(password_policy(&p).is_ok(), expected);
        }
    }
}
