//! Go's spellings of numbers and strings, in one place: `strconv`'s parsing
//! and shortest float formatting ([`strconv`]), `encoding/json`'s string
//! and number output ([`json`]), and go-yaml's reading of numeric text
//! ([`yaml`]). Every part of strata that must print or read a value the way
//! kustomize's Go code does calls these; the functions are named after the
//! Go functions they model.

pub mod json;
pub mod strconv;
pub mod yaml;

#[cfg(test)]
mod tests;
