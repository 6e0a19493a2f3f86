//! Supplier admission and deposit settings, and the goods categories.

use serde::Deserialize;

use crate::settings::{positive, Checked, ConfigError};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplierSettings {
    pub min_registered_capital_fen: i64,
    pub max_authorisation_chain: usize,
    pub base_deposit_fen: i64,
    pub exit_clearance_days: u32,
}

impl SupplierSettings {
    pub fn validate(&self) -> Checked {
        for (key, fen) in [
            (
                "suppliers.min_registered_capital_fen",
                self.min_registered_capital_fen,
            ),
            ("suppliers.base_deposit_fen", self.base_deposit_fen),
        ] {
            if fen < 0 {
                return Err(ConfigError::new(key, "must not be negative"));
            }
        }
        positive(&[(
            "suppliers.max_authorisation_chain",
            self.max_authorisation_chain,
        )])
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySettings {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub extra_deposit_fen: i64,
}

/// The category tree: codes unique and well-formed, parents listed before their children (so
/// the tree has no cycles).
pub fn validate_categories(categories: &[CategorySettings]) -> Checked {
    if categories.is_empty() {
        return Err(ConfigError::new(
            "categories",
            "at least one category is needed",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (index, category) in categories.iter().enumerate() {
        let key = |field: &str| format!("categories[{index}].{field}");
        let valid_code = !category.code.is_empty()
            && category
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !valid_code {
            return Err(ConfigError::new(
                &key("code"),
                "must be lower-case letters, digits, '-' and '.'",
            ));
        }
        if !seen.insert(category.code.as_str()) {
            return Err(ConfigError::new(
                &key("code"),
                format!("{:?} appears twice", category.code),
            ));
        }
        if category.extra_deposit_fen < 0 {
            return Err(ConfigError::new(
                &key("extra_deposit_fen"),
                "must not be negative",
            ));
        }
        if let Some(parent) = &category.parent {
            if !categories[..index].iter().any(|c| &c.code == parent) {
                return Err(ConfigError::new(
                    &key("parent"),
                    format!("{parent:?} is not a category listed before it"),
                ));
            }
        }
    }
    Ok(())
}
