//! What the "every Chinese screen speaks Chinese" tests of the expert's and the chair's
//! screens look for.

/// English words of `text`: runs of two or more ASCII letters, not part of a code (a token
/// with a digit or an underscore, such as `T24-001`, `A2.1` or `self_funding_wan`).
pub fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .flat_map(|tok| {
            tok.split(['-', '.'])
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()))
        .collect()
}
