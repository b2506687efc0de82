//! Hyperparameters written once. A model's settings are declared with `settings!`: each
//! field's name, type, default and help in one line, from which come the struct (what the
//! artifact records), its `Default` (scikit-learn's defaults), and its table of [`ParamDef`]s,
//! which drives `--param` and `--grid` (a value set by name, checked against its type), the
//! typed values of `--json`, and `train --help`'s list of parameters.
//!
//! A macro rather than a derive crate: the table is small, and a declarative macro keeps the
//! build free of another proc-macro dependency.

use serde_json::Value;

use crate::error::{Error, Result};

/// What values a hyperparameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A whole number (`n_estimators`).
    Count,
    /// A whole number or none (`max_depth`: none grows until pure).
    OptionalCount,
    /// A finite number (`learning_rate`).
    Float,
    /// A finite number or none (`gamma`: none is scikit-learn's "scale").
    OptionalFloat,
    /// True or false, written 1 or 0 in a grid (`early_stopping`).
    Flag,
    /// The seed, set by the run's `--seed`, not by `--param`.
    Seed,
    /// Features per split: a share or a count, `sqrt`, `log2`, or none for all
    /// (`max_features` of the forest classifier).
    Features,
}

impl ParamKind {
    /// The name of the kind as `train --help` shows it.
    pub fn label(self) -> &'static str {
        match self {
            ParamKind::Count => "integer",
            ParamKind::OptionalCount => "integer or none",
            ParamKind::Float => "number",
            ParamKind::OptionalFloat => "number or none",
            ParamKind::Flag => "true/false",
            ParamKind::Seed => "seed",
            ParamKind::Features => "number, sqrt, log2 or none",
        }
    }

    /// What a value of this kind is, for an error: "an integer", "a number or none".
    pub fn expected(self) -> &'static str {
        match self {
            ParamKind::Count | ParamKind::Seed => "an integer",
            ParamKind::OptionalCount => "an integer or none",
            ParamKind::Float => "a number",
            ParamKind::OptionalFloat => "a number or none",
            ParamKind::Flag => "true or false",
            ParamKind::Features => "a share in (0, 1], a count, sqrt, log2 or none",
        }
    }

    /// `value` as this kind's JSON value, or an error naming `key`.
    pub fn value(self, key: &str, value: f64) -> Result<Value> {
        let count = || -> Result<Value> {
            if value >= 0.0 && value.fract() == 0.0 && value <= 1e9 {
                Ok(Value::from(value as u64))
            } else {
                Err(Error::invalid(
                    key,
                    format!("must be a whole number, got {value}"),
                ))
            }
        };
        match self {
            ParamKind::Count | ParamKind::OptionalCount | ParamKind::Seed => count(),
            ParamKind::Float | ParamKind::OptionalFloat | ParamKind::Features
                if value.is_finite() =>
            {
                Ok(Value::from(value))
            }
            ParamKind::Float | ParamKind::OptionalFloat | ParamKind::Features => Err(
                Error::invalid(key, format!("must be a finite number, got {value}")),
            ),
            ParamKind::Flag if value == 0.0 => Ok(Value::Bool(false)),
            ParamKind::Flag if value == 1.0 => Ok(Value::Bool(true)),
            ParamKind::Flag => Err(Error::invalid(key, format!("must be 0 or 1, got {value}"))),
        }
    }

    /// `text` as this kind's JSON value: a number, `true`/`false` for a flag, `none` for an
    /// optional one (what `--param KEY=VALUE` and a notebook's text settings write).
    pub fn parse(self, key: &str, text: &str) -> Result<Value> {
        let text = text.trim();
        match (self, text.to_ascii_lowercase().as_str()) {
            (
                ParamKind::OptionalCount | ParamKind::OptionalFloat | ParamKind::Features,
                "none" | "null",
            ) => return Ok(Value::Null),
            (ParamKind::Features, rule @ ("sqrt" | "log2")) => return Ok(Value::from(rule)),
            (_, "none" | "null") => {
                return Err(Error::invalid(
                    key,
                    format!("{text:?} is not {}", self.expected()),
                ))
            }
            (ParamKind::Flag, "true") => return Ok(Value::Bool(true)),
            (ParamKind::Flag, "false") => return Ok(Value::Bool(false)),
            _ => {}
        }
        match text.parse::<f64>() {
            Ok(number) => self.value(key, number),
            Err(_) => Err(Error::invalid(
                key,
                format!("{text:?} is not {}", self.expected()),
            )),
        }
    }

    /// `value` as `--json` prints a grid value of this kind: whole numbers for counts.
    pub fn typed(self, value: f64) -> Value {
        match self {
            ParamKind::Count | ParamKind::OptionalCount | ParamKind::Seed
                if value >= 0.0 && value.fract() == 0.0 && value <= 1e9 =>
            {
                Value::from(value as u64)
            }
            _ => Value::from(value),
        }
    }
}

/// The kind of a field's type.
pub trait ParamType {
    /// The kind.
    const KIND: ParamKind;
}

impl ParamType for usize {
    const KIND: ParamKind = ParamKind::Count;
}

impl ParamType for Option<usize> {
    const KIND: ParamKind = ParamKind::OptionalCount;
}

impl ParamType for f64 {
    const KIND: ParamKind = ParamKind::Float;
}

impl ParamType for Option<f64> {
    const KIND: ParamKind = ParamKind::OptionalFloat;
}

impl ParamType for bool {
    const KIND: ParamKind = ParamKind::Flag;
}

impl ParamType for u64 {
    const KIND: ParamKind = ParamKind::Seed;
}

/// A `max_features` setting as scikit-learn writes it: none (every feature), `"sqrt"`,
/// `"log2"`, a share in (0, 1] or a count above 1; in JSON `null`, the text, or the number.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum FeatureShare {
    /// Every feature.
    #[default]
    All,
    /// The square root of the number of features.
    Sqrt,
    /// Its base-2 logarithm.
    Log2,
    /// A share in (0, 1] or a count above 1.
    Number(f64),
}

impl ParamType for FeatureShare {
    const KIND: ParamKind = ParamKind::Features;
}

impl serde::Serialize for FeatureShare {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            FeatureShare::All => s.serialize_none(),
            FeatureShare::Sqrt => s.serialize_str("sqrt"),
            FeatureShare::Log2 => s.serialize_str("log2"),
            FeatureShare::Number(v) => s.serialize_f64(*v),
        }
    }
}

impl<'de> serde::Deserialize<'de> for FeatureShare {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        match Value::deserialize(d)? {
            Value::Null => Ok(FeatureShare::All),
            Value::String(t) if t == "sqrt" => Ok(FeatureShare::Sqrt),
            Value::String(t) if t == "log2" => Ok(FeatureShare::Log2),
            Value::Number(n) => n
                .as_f64()
                .map(FeatureShare::Number)
                .ok_or_else(|| D::Error::custom("max_features is not a number")),
            other => Err(D::Error::custom(format!(
                "max_features must be a share, a count, \"sqrt\", \"log2\" or none, got {other}"
            ))),
        }
    }
}

/// One hyperparameter: its name (scikit-learn's), other names accepted, kind and help.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    /// The name, as the artifact, `--param` and `--grid` write it.
    pub name: &'static str,
    /// Other names `--param` and `--grid` accept (`n_neighbors` for `k`).
    pub aliases: &'static [&'static str],
    /// What values it takes.
    pub kind: ParamKind,
    /// One line on what it does.
    pub help: &'static str,
}

impl ParamDef {
    /// Whether `key` names this parameter.
    pub fn is(&self, key: &str) -> bool {
        self.name == key || self.aliases.contains(&key)
    }
}

/// Declares a model's settings: a struct whose fields are its hyperparameters, each with its
/// help (the doc line), type and default, and `PARAMS`, their table.
///
/// ```text
/// settings! {
///     /// Gradient boosting's settings.
///     GbmSettings {
///         /// Boosting stages.
///         n_estimators: usize = 100;
///         /// Seed.
///         seed: u64 = 0;
///     }
/// }
/// ```
macro_rules! settings {
    (
        $(#[$meta:meta])*
        $name:ident {
            $(
                #[doc = $help:literal]
                $field:ident $([$($alias:literal),*])? : $ty:ty = $default:expr;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        // An artifact written before a parameter existed reads it as its default.
        #[serde(default)]
        pub struct $name {
            $(
                #[doc = $help]
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $($field: $default,)* }
            }
        }

        impl $name {
            /// Each hyperparameter: name, other names, kind and help.
            pub const PARAMS: &'static [$crate::modeling::hyperparams::ParamDef] = &[
                $(
                    $crate::modeling::hyperparams::ParamDef {
                        name: stringify!($field),
                        aliases: &[$($($alias),*)?],
                        kind: <$ty as $crate::modeling::hyperparams::ParamType>::KIND,
                        help: $help,
                    },
                )*
            ];
        }
    };
}

pub(crate) use settings;

#[cfg(test)]
mod tests {
    use super::*;

    settings! {
        /// Settings to test the macro.
        Example {
            /// A count.
            n [ "count" ]: usize = 3;
            /// A depth or none.
            depth: Option<usize> = None;
            /// A rate.
            rate: f64 = 0.5;
            /// A flag.
            flag: bool = false;
            /// The seed.
            seed: u64 = 0;
        }
    }

    #[test]
    fn one_line_gives_the_field_its_default_and_its_table_row() {
        let e = Example::default();
        assert_eq!((e.n, e.depth, e.rate, e.flag), (3, None, 0.5, false));
        let kinds: Vec<(&str, ParamKind)> =
            Example::PARAMS.iter().map(|p| (p.name, p.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("n", ParamKind::Count),
                ("depth", ParamKind::OptionalCount),
                ("rate", ParamKind::Float),
                ("flag", ParamKind::Flag),
                ("seed", ParamKind::Seed)
            ]
        );
        assert!(Example::PARAMS[0].is("count"));
        assert_eq!(Example::PARAMS[2].help.trim(), "A rate.");
    }

    #[test]
    fn values_are_checked_against_their_kind() {
        assert_eq!(ParamKind::Count.value("n", 3.0).unwrap(), Value::from(3));
        assert!(ParamKind::Count.value("n", 2.5).is_err());
        assert!(ParamKind::Count.value("n", -1.0).is_err());
        assert!(ParamKind::Float.value("rate", f64::NAN).is_err());
        assert_eq!(ParamKind::Flag.value("f", 1.0).unwrap(), Value::Bool(true));
        assert!(ParamKind::Flag.value("f", 0.5).is_err());
        assert_eq!(ParamKind::Count.typed(200.0).to_string(), "200");
        assert_eq!(ParamKind::Float.typed(1.0).to_string(), "1.0");
    }

    #[test]
    fn text_values_take_none_and_true_false_where_the_kind_allows() {
        assert_eq!(
            ParamKind::OptionalCount.parse("d", "none").unwrap(),
            Value::Null
        );
        assert_eq!(
            ParamKind::OptionalFloat.parse("g", "None").unwrap(),
            Value::Null
        );
        let no_none = ParamKind::Count.parse("max_iter", "none").unwrap_err();
        assert!(no_none.to_string().contains("max_iter"), "{no_none}");
        assert_eq!(
            ParamKind::Flag.parse("f", "true").unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            ParamKind::Flag.parse("f", "False").unwrap(),
            Value::Bool(false)
        );
        assert_eq!(ParamKind::Flag.parse("f", "1").unwrap(), Value::Bool(true));
        assert_eq!(
            ParamKind::Count.parse("n", " 300 ").unwrap(),
            Value::from(300)
        );
        let word = ParamKind::Float
            .parse("rate", "fast")
            .unwrap_err()
            .to_string();
        assert!(word.contains("rate") && word.contains("fast"), "{word}");
        assert!(ParamKind::Count.parse("n", "true").is_err());
    }
}
