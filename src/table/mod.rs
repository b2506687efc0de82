//! The table vocabulary that ingest, modeling and serving share: a raw cell as a CSV, a frame
//! or a request carries it ([`Cell`]), the input schema a model records ([`ColumnType`],
//! [`InputColumn`], [`Encoding`]), and pandas' rules for text ([`pandas_text`]: missing-value
//! markers, boolean spellings), and the closest name to a misspelt one ([`names`]).

pub mod cell;
pub mod names;
pub mod pandas_text;
pub mod schema;

pub use cell::Cell;
pub use schema::{ColumnType, Encoding, InputColumn};
