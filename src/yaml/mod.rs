//! YAML in and out: the shared [`Value`] model, a parser with go-yaml v3's
//! scalar resolution, and an emitter that prints go-yaml v2's exact style
//! (what kustomize's output goes through).

mod deep;
mod emit;
pub mod gostr;
mod map;
mod parse;
mod shared;
#[cfg(test)]
pub(crate) mod testgen;
pub mod timestamp;
mod value;

pub use deep::deep;
pub use emit::{emit_document, emit_stream, emit_stream_into, EmitError};
pub use parse::{
    fast_reader_takes, parse_documents, pointer, push_segment, resolve_plain, Document,
    DuplicateKeys, Mark, Marks, NonStringKey, ParseError, ParseErrorKind, ParseOptions,
};
pub use value::{from_json_slice, map_with_capacity, Map, Scalar, Shared, Tag, Value};
