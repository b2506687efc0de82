//! The payload parser against every orient, every malformed shape and bad value.

use super::*;
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use proptest::sample::select;

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn features() -> Vec<String> {
    names(&["CRIM", "RM", "LSTAT"])
}

/// Three Boston rows, row-major in `features()` order.
const EXPECTED: [f64; 9] = [
    0.00632, 6.575, 4.98, 0.02731, 6.421, 9.14, 0.02729, 7.185, 4.03,
];

// The same frame in every layout: columns in another order, an extra "CHAS", and in
// columns orient one column whose row labels come in another order.
const COLUMNS: &str = concat!(
    r#"{"LSTAT":{"0":4.98,"1":9.14,"2":4.03},"CHAS":{"0":0,"1":0,"2":1},"#,
    r#""RM":{"2":7.185,"0":6.575,"1":6.421},"CRIM":{"0":0.00632,"1":0.02731,"2":0.02729}}"#,
);
const INDEX: &str = concat!(
    r#"{"0":{"LSTAT":4.98,"CHAS":0,"RM":6.575,"CRIM":0.00632},"#,
    r#""1":{"LSTAT":9.14,"CHAS":0,"RM":6.421,"CRIM":0.02731},"#,
    r#""2":{"LSTAT":4.03,"CHAS":1,"RM":7.185,"CRIM":0.02729}}"#,
);
const RECORDS: &str = concat!(
    r#"[{"LSTAT":4.98,"CHAS":0,"RM":6.575,"CRIM":0.00632},"#,
    r#"{"LSTAT":9.14,"CHAS":0,"RM":6.421,"CRIM":0.02731},"#,
    r#"{"LSTAT":4.03,"CHAS":1,"RM":7.185,"CRIM":0.02729}]"#,
);
const SPLIT: &str = concat!(
    r#"{"columns":["LSTAT","CHAS","RM","CRIM"],"index":[0,1,2],"#,
    r#""data":[[4.98,0,6.575,0.00632],[9.14,0,6.421,0.02731],[4.03,1,7.185,0.02729]]}"#,
);
const SPLIT_NO_INDEX: &str = concat!(
    r#"{"columns":["LSTAT","CHAS","RM","CRIM"],"#,
    r#""data":[[4.98,0,6.575,0.00632],[9.14,0,6.421,0.02731],[4.03,1,7.185,0.02729]]}"#,
);

#[test]
fn every_shape_gives_the_same_matrix() {
    let bodies = [
        ("columns", COLUMNS.to_owned()),
        ("index", INDEX.to_owned()),
        ("records", RECORDS.to_owned()),
        ("split", SPLIT.to_owned()),
        ("split without index", SPLIT_NO_INDEX.to_owned()),
        (
            "dataframe_split",
            format!(r#"{{"dataframe_split": {SPLIT}}}"#),
        ),
        (
            "dataframe_records",
            format!(r#"{{"dataframe_records": {RECORDS}}}"#),
        ),
        ("instances", format!(r#"{{"instances": {RECORDS}}}"#)),
        (
            "json.dumps spacing",
            RECORDS.replace(',', ", ").replace(':', ": "),
        ),
        (
            "pretty",
            format!("{{\n  \"dataframe_split\":\n    {SPLIT}\n}}\n"),
        ),
    ];
    for (name, body) in bodies {
        let frame = parse(body.as_bytes(), &features()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (matrix, ignored) = frame
            .select(&features())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(numbers(&matrix), EXPECTED, "{name}");
        assert_eq!(ignored, ["CHAS"], "{name}");
        assert_eq!(frame.index, ["0", "1", "2"], "{name}");
        assert_eq!(frame.columns, ["LSTAT", "CHAS", "RM", "CRIM"], "{name}");
    }
}

#[test]
fn rows_keep_the_body_order() {
    let body = br#"{"RM":{"10":1,"2":2,"1":3},"LSTAT":{"1":30,"10":10,"2":20}}"#;
    let frame = parse(body, &names(&["RM"])).unwrap();
    assert_eq!(frame.index, ["10", "2", "1"]);
    assert_eq!(frame.numbers("RM"), Some([1.0, 2.0, 3.0].to_vec()));
    assert_eq!(frame.numbers("LSTAT"), Some([10.0, 20.0, 30.0].to_vec()));
    assert_eq!(frame.column("ZN"), None);
    assert_eq!(frame.n_rows(), 3);
}

#[test]
fn to_json_writes_what_pandas_writes() {
    let frame = Frame::from_rows(
        names(&["RM", "LSTAT"]),
        vec![],
        vec![vec![6.575, 4.98], vec![7.1, 9.1]],
    )
    .unwrap();
    let cases = [
        (
            Orient::Columns,
            r#"{"RM":{"0":6.575,"1":7.1},"LSTAT":{"0":4.98,"1":9.1}}"#,
        ),
        (
            Orient::Index,
            r#"{"0":{"RM":6.575,"LSTAT":4.98},"1":{"RM":7.1,"LSTAT":9.1}}"#,
        ),
        (
            Orient::Records,
            r#"[{"RM":6.575,"LSTAT":4.98},{"RM":7.1,"LSTAT":9.1}]"#,
        ),
        (
            Orient::Split,
            r#"{"columns":["RM","LSTAT"],"index":[0,1],"data":[[6.575,4.98],[7.1,9.1]]}"#,
        ),
    ];
    for (orient, expected) in cases {
        assert_eq!(frame.to_json(orient), expected, "{orient:?}");
    }
}

#[test]
fn wrapper_words_and_split_keys_can_be_column_names() {
    for name in ["instances", "dataframe_split", "inputs", "columns"] {
        let body = format!(r#"{{"{name}":{{"0":1.5,"1":2.5}}}}"#);
        let frame = parse(body.as_bytes(), &names(&[name])).unwrap();
        assert_eq!(frame.numbers(name), Some([1.5, 2.5].to_vec()), "{name}");
    }
    let body = br#"{"columns":{"0":1},"data":{"0":2}}"#;
    let frame = parse(body, &names(&["columns", "data"])).unwrap();
    assert_eq!(frame.columns, ["columns", "data"]);
}

#[test]
fn object_of_objects_orientation_follows_the_features() {
    let body = br#"{"a":{"RM":1,"LSTAT":2},"b":{"RM":3,"LSTAT":4}}"#;
    let frame = parse(body, &names(&["RM", "LSTAT"])).unwrap();
    assert_eq!(frame.index, ["a", "b"]);
    assert_eq!(frame.numbers("RM"), Some([1.0, 3.0].to_vec()));
    // Without features, pandas' default applies: columns orient.
    let frame = parse(body, &[]).unwrap();
    assert_eq!(frame.columns, ["a", "b"]);
}

#[test]
fn integers_are_floats_and_big_numbers_are_kept() {
    let body = br#"[{"RM":7,"LSTAT":-3,"CRIM":1e300}]"#;
    let frame = parse(body, &features()).unwrap();
    let (matrix, _) = frame.select(&features()).unwrap();
    assert_eq!(numbers(&matrix), [1e300, 7.0, -3.0]);
}

#[test]
fn from_rows_refuses_what_a_payload_could_not_carry() {
    let two = names(&["RM", "LSTAT"]);
    let nan = Frame::from_rows(two.clone(), vec![], vec![vec![1.0, f64::NAN]]);
    assert!(matches!(nan, Err(PayloadError::NotFinite { ref column, .. }) if column == "LSTAT"));
    let ragged = Frame::from_rows(two.clone(), vec![], vec![vec![1.0, 2.0], vec![1.0]]);
    assert!(matches!(
        ragged,
        Err(PayloadError::RaggedRows { len: 1, .. })
    ));
    let dup = Frame::from_rows(names(&["RM", "RM"]), vec![], vec![vec![1.0, 2.0]]);
    assert!(matches!(dup, Err(PayloadError::DuplicateColumn { .. })));
    let index = Frame::from_rows(two, names(&["a"]), vec![vec![1.0, 2.0], vec![3.0, 4.0]]);
    assert!(matches!(
        index,
        Err(PayloadError::IndexLengthMismatch { labels: 1, rows: 2 })
    ));
}

#[test]
fn a_frame_changed_by_hand_is_reported_not_panicked_on() {
    let mut frame = Frame::from_rows(names(&["RM"]), vec![], vec![vec![1.0]]).unwrap();
    frame.index.push("extra".to_owned());
    assert!(matches!(
        frame.select(&names(&["RM"])),
        Err(PayloadError::Inconsistent { .. })
    ));
    assert_eq!(frame.column("RM"), None);
    assert!(frame.to_json(Orient::Split).contains("null"));
}

/// One bad body, the kind it must get, and words its message must contain.
struct Case {
    name: &'static str,
    body: Vec<u8>,
    kind: ErrorKind,
    needles: &'static [&'static str],
}

/// `"c0":0,"c1":0,...` with `n` distinct keys.
fn wide_record(n: usize) -> String {
    (0..n)
        .map(|i| format!("\"c{i}\":0"))
        .collect::<Vec<_>>()
        .join(",")
}

fn case(
    name: &'static str,
    body: impl Into<Vec<u8>>,
    kind: ErrorKind,
    needles: &'static [&'static str],
) -> Case {
    Case {
        name,
        body: body.into(),
        kind,
        needles,
    }
}

fn bad_inputs() -> Vec<Case> {
    use ErrorKind::{Malformed, Schema};
    let wide: Vec<String> = (0..=MAX_COLUMNS).map(|j| format!("\"c{j}\":1")).collect();
    vec![
        // Not a DataFrame at all: 400.
        case("empty body", "", Malformed, &["empty"]),
        case("whitespace body", " \n\t", Malformed, &["empty"]),
        case(
            "not JSON",
            "RM=6.5",
            Malformed,
            &["invalid JSON", "line 1 column 1"],
        ),
        case(
            "truncated",
            r#"{"RM":{"0":6.5}"#,
            Malformed,
            &["invalid JSON", "EOF", "line 1"],
        ),
        case(
            "trailing garbage",
            "[] []",
            Malformed,
            &["trailing characters"],
        ),
        case(
            "invalid UTF-8",
            b"[{\"RM\":\"\xff\"}]",
            Malformed,
            &["invalid JSON"],
        ),
        case(
            "top-level number",
            "42",
            Malformed,
            &["found a number", "accepted"],
        ),
        case(
            "top-level string",
            r#""RM""#,
            Malformed,
            &["found a string"],
        ),
        case("top-level boolean", "true", Malformed, &["found a boolean"]),
        case("top-level null", "null", Malformed, &["found null"]),
        case("top-level NaN", "NaN", Malformed, &["a non-finite number"]),
        case(
            "NaN as a key",
            r#"[{NaN:1}]"#,
            Malformed,
            &["invalid JSON", "line 1 column 3"],
        ),
        case(
            "list of lists",
            "[[0.1,6.5,4.9]]",
            Malformed,
            &["row 0", "without column names", "split"],
        ),
        case(
            "instances as lists",
            r#"{"instances":[[0.1,6.5,4.9]]}"#,
            Malformed,
            &["without column names"],
        ),
        case(
            "record is a number",
            "[1,2]",
            Malformed,
            &["row 0 is a number"],
        ),
        case(
            "dict of lists mixed with an object",
            r#"{"RM":[6.5],"LSTAT":{"0":4.9}}"#,
            Malformed,
            &[r#"value of "RM" is an array"#, "dict of lists"],
        ),
        case(
            "bare record",
            r#"{"CRIM":0.1,"RM":6.5,"LSTAT":4.9}"#,
            Malformed,
            &["single record", "wrap it in a list"],
        ),
        case(
            "MLflow inputs",
            r#"{"inputs":[[1,2,3]]}"#,
            Malformed,
            &["row 0", "list of values without column names", "split"],
        ),
        case(
            "dataframe_split as a list",
            r#"{"dataframe_split":[[1]]}"#,
            Malformed,
            &["\"dataframe_split\"", "found an array"],
        ),
        case(
            "empty dataframe_split",
            r#"{"dataframe_split":{}}"#,
            Malformed,
            &["\"columns\"", "\"data\""],
        ),
        case(
            "dataframe_records as an object",
            r#"{"dataframe_records":{"a":[1]}}"#,
            Malformed,
            &["\"dataframe_records\"", "list of records"],
        ),
        case(
            "split without columns",
            r#"{"data":[[1,2]]}"#,
            Malformed,
            &["\"columns\"", "\"data\""],
        ),
        case(
            "split data not rows",
            r#"{"columns":["RM"],"data":[1,2]}"#,
            Malformed,
            &[r#""data"[0]"#, "a number"],
        ),
        case(
            "split data not a list",
            r#"{"columns":["RM"],"data":"x"}"#,
            Malformed,
            &[r#""data" must be a list"#],
        ),
        case(
            "split unknown key",
            r#"{"columns":["RM"],"data":[[1]],"dtype":"f8"}"#,
            Malformed,
            &["\"dtype\""],
        ),
        case(
            "split column not a label",
            r#"{"columns":[null],"data":[[1]]}"#,
            Malformed,
            &[r#""columns"[0]"#, "null"],
        ),
        case(
            "too deep",
            format!("{}{}", "[".repeat(300), "]".repeat(300)),
            Malformed,
            &["recursion limit"],
        ),
        // A DataFrame the model cannot use: 422.
        case(
            "missing feature, close name",
            r#"[{"CRIM":0.1,"RM":6.5,"lstat":4.9}]"#,
            Schema,
            &[r#"missing feature "LSTAT" (did you mean "lstat"?)"#],
        ),
        case(
            "missing feature, typo",
            r#"[{"CRIM":0.1,"RM":6.5,"L_STAT":4.9}]"#,
            Schema,
            &[r#"(did you mean "L_STAT"?)"#],
        ),
        case(
            "missing features",
            r#"[{"CRIM":0.1,"ZN":1}]"#,
            Schema,
            &["missing features", "\"RM\"", "\"LSTAT\"", "\"ZN\""],
        ),
        case(
            "no expected feature",
            r#"{"a":{"b":1}}"#,
            Schema,
            &["none of the expected features", "\"CRIM\""],
        ),
        case(
            "object cell",
            r#"[{"CRIM":0.1,"RM":{"v":6.5},"LSTAT":4.9}]"#,
            Schema,
            &["\"RM\"", r#"the object {"v":6.5}"#],
        ),
        case(
            "array cell",
            r#"{"columns":["CRIM","RM","LSTAT"],"data":[[0.1,[6.5],4.9]]}"#,
            Schema,
            &["\"RM\"", "the array [6.5]"],
        ),
        case(
            "Infinity token",
            r#"{"0":{"CRIM":0.1,"RM":6.5,"LSTAT":Infinity}}"#,
            Schema,
            &[r#"column "LSTAT" row "0""#, "Infinity"],
        ),
        case(
            "-Infinity in split",
            r#"{"columns":["CRIM","RM","LSTAT"],"index":[7],"data":[[-Infinity,6.5,4.9]]}"#,
            Schema,
            &[r#"column "CRIM" row "7""#, "-Infinity"],
        ),
        case(
            "overflow",
            r#"{"CRIM":{"0":0.1},"RM":{"0":1e400},"LSTAT":{"0":4.9}}"#,
            Schema,
            &[r#"column "RM" row "0""#, "1e400", "overflows"],
        ),
        case(
            "ragged split rows",
            r#"{"columns":["CRIM","RM","LSTAT"],"data":[[0.1,6.5,4.9],[0.2,6.6]]}"#,
            Schema,
            &[r#"row "1" has 2 values but row "0" has 3"#],
        ),
        case(
            "split width mismatch",
            r#"{"columns":["CRIM","RM","LSTAT"],"data":[[0.1,6.5],[0.2,6.6]]}"#,
            Schema,
            &["3 columns", "2 values"],
        ),
        case(
            "split index length",
            r#"{"columns":["RM"],"index":[0],"data":[[1],[2]]}"#,
            Schema,
            &["1 row labels", "2 rows"],
        ),
        case(
            "index labels differ",
            r#"{"CRIM":{"0":0.1,"1":0.2},"RM":{"0":6.5,"2":6.6},"LSTAT":{"0":4.9,"1":5}}"#,
            Schema,
            &[
                r#"column "RM""#,
                r#"column "CRIM""#,
                r#"lacks ["1"]"#,
                r#"has ["2"] instead"#,
            ],
        ),
        case(
            "missing cell in records",
            r#"[{"CRIM":0.1,"RM":6.5,"LSTAT":4.9},{"CRIM":0.2,"RM":6.6}]"#,
            Schema,
            &[r#"row "1""#, r#"column "LSTAT""#],
        ),
        case(
            "duplicate column key",
            r#"[{"CRIM":0.1,"RM":6.5,"RM":6.6,"LSTAT":4.9}]"#,
            Schema,
            &[r#"duplicate key "RM""#, "line 1"],
        ),
        // Past SMALL_OBJECT keys the check moves to a hash set: a duplicate of an early key
        // found late, and a duplicate of a key seen after the switch.
        case(
            "duplicate key in a wide record, first seen before the switch",
            format!("[{{{},\"c3\":0}}]", wide_record(20)),
            Schema,
            &[r#"duplicate key "c3""#],
        ),
        case(
            "duplicate key in a wide record, first seen after the switch",
            format!("[{{{},\"c18\":0}}]", wide_record(20)),
            Schema,
            &[r#"duplicate key "c18""#],
        ),
        case(
            "duplicate row label key",
            r#"{"RM":{"0":1,"0":2}}"#,
            Schema,
            &[r#"duplicate key "0""#],
        ),
        case(
            "duplicate split column",
            r#"{"columns":["RM","RM"],"data":[[1,2]]}"#,
            Schema,
            &[r#"duplicate column "RM""#],
        ),
        case(
            "duplicate split index",
            r#"{"columns":["RM"],"index":["a","a"],"data":[[1],[2]]}"#,
            Schema,
            &[r#"duplicate row label "a""#],
        ),
        case("zero rows, records", "[]", Schema, &["no rows"]),
        case("zero rows, columns", r#"{"RM":{}}"#, Schema, &["no rows"]),
        case(
            "zero rows, split",
            r#"{"columns":["RM"],"data":[]}"#,
            Schema,
            &["no rows"],
        ),
        case("zero rows, empty object", "{}", Schema, &["no rows"]),
        case("no columns", "[{}]", Schema, &["no columns"]),
        case(
            "too many columns",
            format!("[{{{}}}]", wide.join(",")),
            Schema,
            &["1001 columns", "at most 1000"],
        ),
    ]
}

#[test]
fn python_nan_is_a_gap_as_in_pandas() {
    // json.dumps writes a pandas gap as a bare NaN (MLflow's client does so).
    let frame = parse(br#"[{"CRIM":0.1, "RM": NaN, "LSTAT":4.9}]"#, &features()).unwrap();
    assert_eq!(frame.column("RM").unwrap(), [Cell::Missing]);
}

#[test]
fn text_booleans_and_nulls_are_kept_for_the_model_to_judge() {
    let body =
        br#"{"CRIM":{"0":0.1,"1":0.2},"RM":{"0":"6.5","1":null},"LSTAT":{"0":true,"1":"six"}}"#;
    let frame = parse(body, &features()).unwrap();
    assert_eq!(
        frame.column("RM").unwrap(),
        [Cell::Text("6.5".into()), Cell::Missing]
    );
    assert_eq!(
        frame.column("LSTAT").unwrap(),
        [Cell::Bool(true), Cell::Text("six".into())]
    );
}

#[test]
fn bad_inputs_are_rejected_with_a_reason() {
    let cases = bad_inputs();
    assert!(cases.len() >= 20);
    for Case {
        name,
        body,
        kind,
        needles,
    } in cases
    {
        let error = match parse(&body, &features()) {
            Ok(frame) => frame.select(&features()).err(),
            Err(error) => Some(error),
        };
        let Some(error) = error else {
            panic!("{name}: accepted");
        };
        let message = error.to_string();
        assert_eq!(error.kind(), kind, "{name}: {message}");
        for needle in needles {
            assert!(
                message.contains(needle),
                "{name}: {message:?} lacks {needle:?}"
            );
        }
    }
}

#[test]
fn syntax_errors_after_a_nan_point_into_the_original_body() {
    let with_nan = parse(br#"[{"RM":NaN,"LSTAT":4.9} x]"#, &features()).unwrap_err();
    let without = parse(br#"[{"RM":1.0,"LSTAT":4.9} x]"#, &features()).unwrap_err();
    assert_eq!(with_nan, without);
    assert_eq!(with_nan.kind(), ErrorKind::Malformed);
}

#[test]
fn a_nul_escape_disables_marking_but_still_fails_cleanly() {
    let error = parse(br#"[{"RM":NaN,"LSTAT":"\u0000"}]"#, &features()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Malformed);
}

#[test]
fn error_kinds_map_to_statuses() {
    assert_eq!(ErrorKind::Malformed.status(), 400);
    assert_eq!(ErrorKind::Schema.status(), 422);
}

fn key() -> impl Strategy<Value = String> {
    select(vec![
        "CRIM",
        "RM",
        "LSTAT",
        "0",
        "1",
        "columns",
        "data",
        "index",
        "dataframe_split",
        "dataframe_records",
        "instances",
        "inputs",
        "",
    ])
    .prop_map(str::to_owned)
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Syntactically valid JSON (plus Python's non-finite tokens) over the payload vocabulary.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        select(vec![
            "null",
            "true",
            "NaN",
            "-Infinity",
            "1e400",
            "7",
            "-0.5"
        ])
        .prop_map(str::to_owned),
        any::<f64>().prop_map(|x| x.to_string()),
        key().prop_map(|k| json_string(&k)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(|items| format!("[{}]", items.join(","))),
            vec((key(), inner), 0..6).prop_map(|entries| {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}:{v}", json_string(k)))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }),
        ]
    })
}

fn token() -> impl Strategy<Value = &'static str> {
    select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        " ",
        "\n",
        "\"",
        "\\",
        "\"RM\"",
        "\"0\"",
        "\"columns\"",
        "\"data\"",
        "\"index\"",
        "\"instances\"",
        "\"dataframe_split\"",
        "1",
        "-",
        "1.5e3",
        "1e400",
        "NaN",
        "Infinity",
        "-Infinity",
        "null",
        "true",
        "\"\\u0000\"",
        "\u{e9}",
    ])
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        vec(any::<char>(), 0..6).prop_map(String::from_iter),
        key(),
        (0u32..1_000).prop_map(|i| i.to_string()),
    ]
}

fn unique_labels(n: usize) -> impl Strategy<Value = Vec<String>> {
    btree_set(label(), n)
        .prop_map(Vec::from_iter)
        .prop_shuffle()
}

fn finite_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |x| x.is_finite())
}

/// Frames whose row labels are not column names: otherwise `columns` and `index` orient
/// are ambiguous (see the module docs), for us as for pandas.
fn frame() -> impl Strategy<Value = Frame> {
    (1usize..5, 1usize..5)
        .prop_flat_map(|(n_cols, n_rows)| {
            (
                unique_labels(n_cols),
                unique_labels(n_rows),
                vec(vec(finite_f64(), n_cols), n_rows),
            )
        })
        .prop_filter_map("row labels are column names", |(columns, index, rows)| {
            if index.iter().any(|label| columns.contains(label)) {
                return None;
            }
            Frame::from_rows(columns, index, rows).ok()
        })
}

fn bits(frame: &Frame) -> Vec<u64> {
    frame
        .values
        .iter()
        .map(|c| match c {
            Cell::Number(x) => x.to_bits(),
            other => panic!("not a number: {other:?}"),
        })
        .collect()
}

/// Selected columns as a row-major list of numbers (each cell must be one).
fn numbers(columns: &[&[Cell]]) -> Vec<f64> {
    let n = columns.first().map_or(0, |c| c.len());
    (0..n)
        .flat_map(|i| columns.iter().map(move |c| c[i].clone()))
        .map(|c| match c {
            Cell::Number(x) => x,
            other => panic!("not a number: {other:?}"),
        })
        .collect()
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in vec(any::<u8>(), 0..256)) {
        if let Err(error) = parse(&body, &features()) {
            // Bytes that are not JSON at all (nor JSON with NaN/Infinity, which the parser
            // takes on purpose) can only be a 400, never a schema complaint.
            let lenient = String::from_utf8_lossy(&body).replace("NaN", "0").replace("Infinity", "0");
            if serde_json::from_str::<serde_json::Value>(&lenient).is_err() {
                prop_assert_eq!(error.kind(), ErrorKind::Malformed, "{}", error);
            }
        }
    }

    #[test]
    fn token_soup_never_panics(tokens in vec(token(), 0..48)) {
        let body = tokens.concat();
        // Never panics; the result itself is not constrained.
        let _ = parse(body.as_bytes(), &features());
    }

    #[test]
    fn generated_json_never_panics(body in json_text()) {
        // Rejected without a panic, or parsed: then a missing feature is the request's
        // schema problem (422), never a malformed body.
        if let Ok(frame) = parse(body.as_bytes(), &features()) {
            if let Err(error) = frame.select(&features()) {
                prop_assert_eq!(error.kind(), ErrorKind::Schema, "{}", error);
            }
        }
    }

    #[test]
    fn frames_round_trip_through_every_orient(frame in frame()) {
        for orient in Orient::ALL {
            let body = frame.to_json(orient);
            let back = parse(body.as_bytes(), &frame.columns)
                .map_err(|e| TestCaseError::fail(format!("{orient:?}: {e}\n{body}")))?;
            prop_assert_eq!(&back.columns, &frame.columns, "{:?}", orient);
            prop_assert_eq!(bits(&back), bits(&frame), "{:?}", orient);
            if orient != Orient::Records {
                prop_assert_eq!(&back.index, &frame.index, "{:?}", orient);
            }
        }
    }
}

#[test]
fn a_dict_of_lists_is_columns_in_row_order_as_pandas_to_dict_list_writes() {
    // `df.to_dict("list")`: each column's values, rows in order, labels 0, 1, ...
    let features = ["RM".to_string(), "LSTAT".to_string()];
    let frame = parse(br#"{"RM":[6.5,7.1],"LSTAT":[4.9,null]}"#, &features).expect("dict of lists");
    let records = parse(
        br#"[{"RM":6.5,"LSTAT":4.9},{"RM":7.1,"LSTAT":null}]"#,
        &features,
    )
    .expect("records");
    assert_eq!(frame, records);
    let ragged = parse(br#"{"RM":[6.5,7.1],"LSTAT":[4.9]}"#, &features)
        .unwrap_err()
        .to_string();
    assert!(
        ragged.contains("LSTAT") || ragged.contains("RM"),
        "{ragged}"
    );
}
