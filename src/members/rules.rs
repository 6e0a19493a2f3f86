//! Rules for member accounts: what a login and a display name may be, and how roles are earned.

use std::borrow::Cow;

use validator::{Validate, ValidationError};

use super::dto::RegisterRequest;
use crate::error::{AppError, AppResult, FieldError};

pub const DISPLAY_NAME_MAX_CHARS: usize = 50;

/// A registration that passed every rule, with its logins normalised.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: String,
    pub display_name: String,
}

/// Lower-cased and trimmed, so `A@B.cn` and `a@b.cn ` are one account.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Digits with an optional leading `+`; spaces, dashes and brackets dropped.
pub fn normalize_phone(phone: &str) -> String {
    phone
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect()
}

/// What a login form's single field may hold: an email or a phone number.
pub fn normalize_login(login: &str) -> String {
    if login.contains('@') {
        normalize_email(login)
    } else {
        normalize_phone(login)
    }
}

pub fn phone_format(phone: &str) -> Result<(), ValidationError> {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    if (6..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(
            ValidationError::new("invalid_format").with_message(Cow::Borrowed(
                "phone must be 6 to 15 digits, optionally after a +",
            )),
        )
    }
}

pub fn display_name_rule(name: &str) -> Result<(), ValidationError> {
    let chars = name.chars().count();
    if chars == 0 || chars > DISPLAY_NAME_MAX_CHARS {
        return Err(
            ValidationError::new("length").with_message(Cow::Owned(format!(
                "display name must have 1 to {DISPLAY_NAME_MAX_CHARS} characters"
            ))),
        );
    }
    if name.chars().any(char::is_control) {
        return Err(
            ValidationError::new("invalid_characters").with_message(Cow::Borrowed(
                "display name must not contain control characters",
            )),
        );
    }
    Ok(())
}

/// Normalises a registration request and checks every rule, reporting all fields at fault.
pub fn check_registration(request: RegisterRequest) -> AppResult<Registration> {
    let request = RegisterRequest {
        email: request.email.as_deref().map(normalize_email),
        phone: request.phone.as_deref().map(normalize_phone),
        password: request.password,
        display_name: request.display_name.trim().to_owned(),
    };
    let mut errors = match request.validate() {
        Ok(()) => Vec::new(),
        Err(e) => match AppError::from(e) {
            AppError::Validation(fields) => fields,
            other => return Err(other),
        },
    };
    if request.email.is_none() && request.phone.is_none() {
        errors.push(FieldError::new(
            "email",
            "required",
            "give an email or a phone number",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Registration {
        email: request.email,
        phone: request.phone,
        password: request.password,
        display_name: request.display_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(email: Option<&str>, phone: Option<&str>, password: &str) -> RegisterRequest {
        RegisterRequest {
            email: email.map(str::to_owned),
            phone: phone.map(str::to_owned),
            password: password.to_owned(),
            display_name: "  Lin  ".to_owned(),
        }
    }

    #[test]
    fn logins_are_normalised() {
        let ok = check_registration(request(Some(" Lin@Example.CN "), None, "Passw0rd")).unwrap();
        assert_eq!(ok.email.as_deref(), Some("lin@example.cn"));
        assert_eq!(ok.display_name, "Lin");
        let ok = check_registration(request(None, Some("+86 138-0013-8000"), "Passw0rd")).unwrap();
        assert_eq!(ok.phone.as_deref(), Some("+8613800138000"));
        assert_eq!(normalize_login(" A@B.CN"), "a@b.cn");
    }

    #[test]
    fn every_field_at_fault_is_reported() {
        let AppError::Validation(fields) =
            check_registration(request(Some("not-an-email"), Some("12ab"), "short")).unwrap_err()
        else {
            panic!("expected a validation error")
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["email", "password", "phone"]);
        let AppError::Validation(fields) =
            check_registration(request(None, None, "Passw0rd")).unwrap_err()
        else {
            panic!("expected a validation error")
        };
        assert_eq!(fields[0].code, "required");
    }
}
