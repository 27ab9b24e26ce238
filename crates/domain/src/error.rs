use serde::Serialize;

/// A rule a piece of input broke. `field` names the input, `code` is stable
/// so clients can react to it, `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}

/// Checks a trimmed text is between `min` and `max` characters (not bytes:
/// Chinese titles are three bytes a character).
pub fn bounded_text(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
) -> Result<String, ValidationError> {
    let text = raw.trim();
    let chars = text.chars().count();
    if chars < min {
        return Err(ValidationError::new(
            field,
            "too_short",
            format!("at least {min} characters"),
        ));
    }
    if chars > max {
        return Err(ValidationError::new(
            field,
            "too_long",
            format!("at most {max} characters"),
        ));
    }
    if text.chars().any(|c| c.is_control()) {
        return Err(ValidationError::new(
            field,
            "control_characters",
            "control characters are not allowed",
        ));
    }
    Ok(text.to_owned())
}
