//! Names a user may misspell (columns, models): the closest candidate, for the hint an error
//! gives. Hand-written: a Levenshtein distance over names of at most 64 characters is a few
//! lines, and no crate the project already builds has one.

/// The candidate that differs from `wanted` only by case, punctuation, or one or two typos
/// (a column, a model's name), for a "did you mean" hint.
pub fn suggest(wanted: &str, candidates: &[&str]) -> Option<String> {
    let lower = wanted.to_lowercase();
    if let Some(c) = candidates.iter().find(|c| c.to_lowercase() == lower) {
        return Some((*c).to_owned());
    }
    let key = normalise(wanted);
    if key.is_empty() {
        return None;
    }
    if let Some(c) = candidates.iter().find(|c| normalise(c) == key) {
        return Some((*c).to_owned());
    }
    let limit = if key.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .iter()
        .filter_map(|c| Some((edit_distance(&key, &normalise(c))?, c)))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| (*c).to_owned())
}

/// `name` as a shell reads it back as one word: as it is when it is safe (letters, digits and
/// `_-.,/:+@%`), else in single quotes (`'Individual ID'`), for the commands an error suggests.
pub fn shell_quote(name: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-.,/:+@%".contains(c);
    if !name.is_empty() && name.chars().all(safe) {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

/// Lowercase letters and digits only: `"L_STAT"` and `"lstat"` are the same name.
pub fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance; `None` for long names, which are not worth a quadratic cost.
pub fn edit_distance(a: &str, b: &str) -> Option<usize> {
    const MAX_LEN: usize = 64;
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > MAX_LEN || b.len() > MAX_LEN {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous.last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_only_when_a_shell_would_split_or_expand_them() {
        assert_eq!(shell_quote("price"), "price");
        assert_eq!(shell_quote("Height-Inches"), "Height-Inches");
        assert_eq!(shell_quote("Individual ID"), "'Individual ID'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote(""), "''");
    }
}
