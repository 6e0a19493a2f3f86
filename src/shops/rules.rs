//! Shop rules: names, shop numbers, ID numbers, and who may open a shop.

use rand::Rng;
use unicode_normalization::UnicodeNormalization;

use crate::error::{AppError, AppResult, FieldError};
use crate::shops::settings::ShopSettings;
use crate::tiers::Tier;

/// Credit scores are on the 0–1000 scale of the providers we accept.
pub const CREDIT_SCORE_MIN: i32 = 0;
pub const CREDIT_SCORE_MAX: i32 = 1000;
pub const NAME_MIN_CHARS: usize = 2;
pub const NAME_MAX_CHARS: usize = 30;
/// Days without any violation a member needs before opening another shop.
pub const MULTI_SHOP_CLEAN_DAYS: i64 = 90;

/// The lowest tier whose holders, month after month, may open more than one shop.
pub const MULTI_SHOP_MIN_TIER: Tier = Tier::Elite;

/// The credit rule for opening a shop: a known score of at least `shops.min_credit_score`
/// (403 `credit_score_missing` or `credit_score_too_low`).
pub fn check_credit(score: Option<i32>, settings: &ShopSettings) -> AppResult<()> {
    let needed = settings.min_credit_score;
    match score {
        None => Err(AppError::Forbidden {
            code: "credit_score_missing",
            detail: "no credit score is known for you yet".to_owned(),
        }),
        Some(score) if score < needed => Err(AppError::Forbidden {
            code: "credit_score_too_low",
            detail: format!("a credit score of at least {needed} is needed to open a shop"),
        }),
        Some(_) => Ok(()),
    }
}

/// Folds a name for comparison: NFKC (full-width, mathematical and circled letters become
/// plain ones), lower case, and only letters and digits kept (spaces, punctuation, symbols and
/// invisible characters dropped), so that "官 方", "O.F.F.I.C.I.A.L", "ｏｆｆｉｃｉａｌ" and
/// "𝐎𝐟𝐟𝐢𝐜𝐢𝐚𝐥" all fold to a forbidden word, and names differing only so are one name.
pub fn fold_name(name: &str) -> String {
    name.nfkc()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Characters that show nothing or reorder the text around them: zero-width spaces and
/// joiners, direction marks, embeddings, overrides and isolates (U+202E can make "laiciffo"
/// read "official"), the byte-order mark, soft hyphen, invisible operators, fillers, controls.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// The first invisible character of a name, except a zero-width joiner inside an emoji
/// sequence (👨‍👩‍👧, 🏳️‍🌈), where it joins two symbols rather than hiding between letters.
fn first_invisible(name: &str) -> Option<char> {
    let chars: Vec<char> = name.chars().collect();
    let is_symbol = |c: Option<&char>| {
        c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace() && !is_invisible(*c))
    };
    chars.iter().enumerate().find_map(|(i, &c)| {
        let joins_emoji =
            c == '\u{200D}' && i > 0 && is_symbol(chars.get(i - 1)) && is_symbol(chars.get(i + 1));
        (is_invisible(c) && !joins_emoji).then_some(c)
    })
}

/// A shop name as kept: trimmed, with the key that tells names apart ([`fold_name`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopName {
    pub name: String,
    pub key: String,
}

/// The shop-name rules, for a name as the member typed it: no invisible characters, 2–30
/// characters after trimming (counted as Unicode characters, not bytes: 🍓 is one), and no
/// word claiming brand status (`shops.forbidden_name_words`). The name to keep, or what is
/// wrong with it (naming the field `name`).
pub fn shop_name(raw: &str, settings: &ShopSettings) -> Result<ShopName, FieldError> {
    let name = raw.trim();
    check_name(name, settings).map_err(|problem| problem.field_error())?;
    Ok(ShopName {
        name: name.to_owned(),
        key: fold_name(name),
    })
}

#[derive(Debug, PartialEq, Eq)]
enum NameProblem {
    Invisible(char),
    Length,
    ForbiddenWord(String),
}

impl NameProblem {
    fn field_error(self) -> FieldError {
        match self {
            NameProblem::Invisible(c) => FieldError::new(
                "name",
                "invisible_character",
                format!(
                    "a shop name must not contain invisible or direction-changing characters (U+{:04X})",
                    u32::from(c)
                ),
            ),
            NameProblem::Length => FieldError::new(
                "name",
                "length",
                format!("name must have {NAME_MIN_CHARS} to {NAME_MAX_CHARS} characters"),
            ),
            NameProblem::ForbiddenWord(word) => FieldError::new(
                "name",
                "forbidden_word",
                format!("a shop name must not claim brand status ({word:?})"),
            ),
        }
    }
}

fn check_name(name: &str, settings: &ShopSettings) -> Result<(), NameProblem> {
    if let Some(c) = first_invisible(name) {
        return Err(NameProblem::Invisible(c));
    }
    let chars = name.trim().chars().count();
    let folded = fold_name(name);
    if !(NAME_MIN_CHARS..=NAME_MAX_CHARS).contains(&chars) || folded.is_empty() {
        return Err(NameProblem::Length);
    }
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
        crate::settings::defaults("shops")
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
            "Best FLAGSHIP",
            "𝐎𝐟𝐟𝐢𝐜𝐢𝐚𝐥 store",
            "ⓞⓕⓕⓘⓒⓘⓐⓛ store",
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
        // Should an invisible character get past the name rule, the fold still drops it.
        assert_eq!(fold_name("官\u{200B}\u{200F}方"), fold_name("官方"));
    }

    #[test]
    fn invisible_characters_are_refused_but_emoji_sequences_kept() {
        let s = settings();
        for (name, c) in [
            ("旗\u{200B}舰店", '\u{200B}'),
            ("阿明\u{200C}小铺", '\u{200C}'),
            ("Lin\u{200D}Shop", '\u{200D}'),
            ("\u{FEFF}阿明小铺", '\u{FEFF}'),
            ("阿明\u{200F}小铺", '\u{200F}'),
            ("shop\u{202E}laiciffo", '\u{202E}'),
            ("阿\u{0007}明", '\u{0007}'),
        ] {
            assert_eq!(
                check_name(name, &s),
                Err(NameProblem::Invisible(c)),
                "{name:?}"
            );
        }
        for name in [
            "阿明的👨\u{200D}👩\u{200D}👧",
            "🏳\u{FE0F}\u{200D}🌈小铺",
            "阿明❤️",
        ] {
            assert_eq!(check_name(name, &s), Ok(()), "{name:?}");
        }
        // Characters, not bytes: 30 four-byte emoji after one letter is 31.
        assert_eq!(check_name(&format!("铺{}", "🍓".repeat(29)), &s), Ok(()));
        assert_eq!(
            check_name(&format!("铺{}", "🍓".repeat(30)), &s),
            Err(NameProblem::Length)
        );
    }

    #[test]
    fn a_name_is_kept_trimmed_with_its_folded_key_or_refused_naming_the_field() {
        let s = settings();
        assert_eq!(
            shop_name("  Lin's Snacks ", &s),
            Ok(ShopName {
                name: "Lin's Snacks".to_owned(),
                key: "linssnacks".to_owned()
            })
        );
        for (name, code) in [
            ("官方\u{200B}小铺", "invisible_character"),
            (" a ", "length"),
            ("小米官方店", "forbidden_word"),
        ] {
            let error = shop_name(name, &s).unwrap_err();
            assert_eq!((error.field.as_str(), error.code.as_str()), ("name", code));
        }
    }

    #[test]
    fn opening_a_shop_needs_a_known_credit_score_of_at_least_the_minimum() {
        let s = settings();
        let code = |score| match check_credit(score, &s) {
            Ok(()) => "ok",
            Err(AppError::Forbidden { code, .. }) => code,
            Err(other) => panic!("unexpected {other:?}"),
        };
        let min = s.min_credit_score;
        assert_eq!(code(None), "credit_score_missing");
        assert_eq!(code(Some(min - 1)), "credit_score_too_low");
        assert_eq!(
            (code(Some(min)), code(Some(CREDIT_SCORE_MAX))),
            ("ok", "ok")
        );
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
