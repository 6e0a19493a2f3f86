//! Shop rules: names, shop numbers, ID numbers, and who may open a shop.

use rand::Rng;

use crate::config::ShopSettings;
use crate::tiers::Tier;

/// Credit scores are on the 0–1000 scale of the providers we accept.
pub const CREDIT_SCORE_MIN: i32 = 0;
pub const CREDIT_SCORE_MAX: i32 = 1000;
pub const NAME_MIN_CHARS: usize = 2;
pub const NAME_MAX_CHARS: usize = 30;
pub const STATUS_OPEN: &str = "open";
pub const STATUS_CLOSED: &str = "closed";
/// Days without any violation a member needs before opening another shop.
pub const MULTI_SHOP_CLEAN_DAYS: i64 = 90;

/// Tiers whose holders, month after month, may open more than one shop.
pub const MULTI_SHOP_TIERS: [Tier; 2] = [Tier::Elite, Tier::Super];

/// Folds a name for comparison: full-width forms to ASCII, lower case, and only letters and
/// digits kept (spaces, punctuation, symbols and zero-width characters dropped), so that
/// "官 方", "O.F.F.I.C.I.A.L" and "ｏｆｆｉｃｉａｌ" all fold to a forbidden word.
pub fn fold_name(name: &str) -> String {
    name.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[derive(Debug, PartialEq, Eq)]
pub enum NameProblem {
    Length,
    ForbiddenWord(String),
}

/// A shop name: 2–30 characters after trimming, and no word claiming brand status.
pub fn check_name(name: &str, settings: &ShopSettings) -> Result<(), NameProblem> {
    let chars = name.trim().chars().count();
    if !(NAME_MIN_CHARS..=NAME_MAX_CHARS).contains(&chars) || fold_name(name).is_empty() {
        return Err(NameProblem::Length);
    }
    let folded = fold_name(name);
    match settings
        .forbidden_name_words
        .iter()
        .find(|word| !fold_name(word).is_empty() && folded.contains(&fold_name(word)))
    {
        Some(word) => Err(NameProblem::ForbiddenWord(word.clone())),
        None => Ok(()),
    }
}

/// A random six-digit shop number, easy to say aloud (no leading zero).
pub fn random_shop_no() -> String {
    rand::thread_rng().gen_range(100_000..=999_999).to_string()
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// An 18-character PRC resident ID number with a valid check character (GB 11643).
pub fn id_number_is_valid(id: &str) -> bool {
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    bytes[17].to_ascii_uppercase() == ID_CHECK[(sum % 11) as usize]
}

/// What may be shown again: the first 3 and last 4 characters.
pub fn mask_id_number(id: &str) -> String {
    format!(
        "{}{}{}",
        &id[..3],
        "*".repeat(id.len() - 7),
        &id[id.len() - 4..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ShopSettings {
        crate::config::Settings::load_from(None, &Default::default())
            .unwrap()
            .shops
    }

    #[test]
    fn forbidden_words_are_found_through_case_width_spacing_and_punctuation() {
        let s = settings();
        for name in [
            "小米官方店",
            "小米官 方店",
            "小米官·方店",
            "Apple Official",
            "apple o.f.f.i.c.i.a.l",
            "ＯＦＦＩＣＩＡＬ store",
            "旗\u{200B}舰店",
            "Best FLAGSHIP",
        ] {
            assert!(
                matches!(check_name(name, &s), Err(NameProblem::ForbiddenWord(_))),
                "{name}"
            );
        }
        for name in ["阿明的零食铺", "Lin's snacks", "好物 shop 2"] {
            assert_eq!(check_name(name, &s), Ok(()), "{name}");
        }
        assert_eq!(check_name(" a ", &s), Err(NameProblem::Length));
        assert_eq!(check_name(&"长".repeat(31), &s), Err(NameProblem::Length));
        assert_eq!(check_name("!!", &s), Err(NameProblem::Length));
        assert_eq!(fold_name("Lin 的 Shop!"), fold_name("lin的shop"));
    }

    #[test]
    fn id_numbers_are_checked_and_masked() {
        // Check characters computed per GB 11643.
        assert!(id_number_is_valid("11010519491231002X"));
        assert!(id_number_is_valid("11010519491231002x"));
        assert!(id_number_is_valid("440524188001010014"));
        assert!(!id_number_is_valid("110105194912310021"));
        assert!(!id_number_is_valid("11010519491231002"));
        assert_eq!(mask_id_number("11010519491231002X"), "110***********002X");
        let no = random_shop_no();
        assert!(no.len() == 6 && no.chars().all(|c| c.is_ascii_digit()) && !no.starts_with('0'));
    }
}
