//! How pandas reads a cell's text: its default missing-value markers and its boolean
//! spellings, shared by CSV reading, request payloads and the model's preprocessing, so that
//! a gap or a `True` means the same everywhere.

/// pandas' default missing-value markers (`na_values` when `keep_default_na=True`).
pub const NA_MARKERS: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// Whether a cell is one of pandas' missing-value markers.
pub fn is_missing(cell: &str) -> bool {
    NA_MARKERS.contains(&cell)
}

/// `True`/`False` in the spellings pandas reads as booleans.
pub fn boolean(cell: &str) -> Option<bool> {
    match cell {
        "True" | "TRUE" | "true" => Some(true),
        "False" | "FALSE" | "false" => Some(false),
        _ => None,
    }
}
