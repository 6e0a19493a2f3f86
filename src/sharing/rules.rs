//! Share codes and links.

use rand::Rng;

/// Letters and digits that cannot be mistaken for one another when read aloud or retyped
/// (no 0/O, 1/I/L).
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// 31^8 ≈ 8.5 × 10^11 codes: far too many to guess one that is in use.
pub const CODE_LENGTH: usize = 8;

/// A random share code from the operating system's generator.
pub fn random_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LENGTH)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect()
}

/// Whether `code` could be one of ours (saves a query on junk).
pub fn looks_like_code(code: &str) -> bool {
    code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

/// The link a share code opens: `{public_base_url}/s/{code}`.
pub fn share_url(public_base_url: &str, code: &str) -> String {
    format!("{}/s/{code}", public_base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        for _ in 0..200 {
            let code = random_code();
            assert!(looks_like_code(&code), "{code}");
        }
        assert!(!looks_like_code("ABCDEFG0"));
        assert!(!looks_like_code("abcdefgh"));
        assert_eq!(
            share_url("https://x.cn/", "ABCDEFGH"),
            "https://x.cn/s/ABCDEFGH"
        );
    }
}
