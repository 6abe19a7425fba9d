//! The `phlo` command's definition, as a library: [`args::command`] is the whole command line
//! (for `--help`, shell completions and a man page), made from the core's tables.
#![warn(missing_docs)]

pub mod args;
pub mod docs;
