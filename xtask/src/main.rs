//! `cargo xtask gen` writes every file (and part of a file) made from the core's tables:
//! the operations ([`plivo_phlo::OPERATIONS`], [`plivo_phlo::PARAMS`]) and the client options
//! ([`plivo_phlo::OPTIONS`]). `cargo xtask gen --check` writes nothing and fails, naming them,
//! when any is stale; `tests/suites/rust.sh` runs it.
//!
//! Two kinds of output:
//! - whole files (the typed methods of the Rust and Python clients), whose first lines say they
//!   are generated;
//! - regions of hand-written files (the Python stubs, the C header's doc lists, the Perl POD, the
//!   docs' lists), between a line holding `BEGIN GENERATED: <name>` and one holding
//!   `END GENERATED: <name>`; the file's first lines say it has such regions.
//!
//! Each surface of a client (the blocking one today; an async one is one more entry) is one
//! entry of [`RUST_SURFACES`] or [`PY_SURFACES`], made by the same template.
//!
//! Last, the C header (`include/phlo.h`) is made by cbindgen from the FFI crate whose doc lists
//! were just written (see [`header`]).
//!
//! When a row is removed from the table, the Rust files generated from the old table name a row
//! that no longer exists and the core fails to build (`OpSpec::named`); delete the method from
//! `crates/phlo/src/methods.rs` by hand once, then run `cargo xtask gen`.

mod code;
mod docs;
mod header;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One Rust surface: a client type whose typed methods are generated into `path`.
pub struct RustSurface {
    /// The generated file, from the repository root.
    pub path: &'static str,
    /// The client type the methods belong to.
    pub client: &'static str,
    /// `async fn` methods (awaiting `typed`/`execute`) instead of blocking ones.
    pub is_async: bool,
}

/// The Rust client surfaces.
pub const RUST_SURFACES: &[RustSurface] = &[
    RustSurface {
        path: "crates/phlo/src/methods.rs",
        client: "Client",
        is_async: false,
    },
    RustSurface {
        path: "crates/phlo/src/async_methods.rs",
        client: "AsyncClient",
        is_async: true,
    },
];

/// One Python surface: a `#[pyclass]` whose constructor and typed methods are generated into
/// `path`, and whose stubs fill the region `stub_region` of `python/plivo_phlo/_native.pyi`.
pub struct PySurface {
    /// The generated file, from the repository root.
    pub path: &'static str,
    /// The Rust type of the class (also its Python name).
    pub class: &'static str,
    /// Methods that return an awaitable instead of blocking.
    pub is_async: bool,
    /// The stub region for the class.
    pub stub_region: &'static str,
}

/// The Python client surfaces.
pub const PY_SURFACES: &[PySurface] = &[
    PySurface {
        path: "crates/phlo-py/src/methods.rs",
        class: "Client",
        is_async: false,
        stub_region: "Client",
    },
    PySurface {
        path: "crates/phlo-py/src/async_methods.rs",
        class: "AsyncClient",
        is_async: true,
        stub_region: "AsyncClient",
    },
];

/// What `gen` writes: a whole file, or a region of a hand-written one.
pub enum Output {
    /// A whole file (its text says it is generated).
    File { path: String, text: String },
    /// The lines between the markers of region `name` in the file at `path`.
    Region {
        path: &'static str,
        name: &'static str,
        text: String,
    },
}

fn root() -> PathBuf {
    // xtask/ is one level under the repository root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_owned()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen"] => false,
        ["gen", "--check"] => true,
        _ => {
            eprintln!("usage: cargo xtask gen [--check]");
            return ExitCode::from(2);
        }
    };
    match run(check) {
        Ok(stale) if stale.is_empty() => {
            if check {
                println!("xtask gen --check: every generated file is current");
            }
            ExitCode::SUCCESS
        }
        Ok(stale) => {
            if check {
                eprintln!(
                    "xtask gen --check: stale (run `cargo xtask gen` and commit): {}",
                    stale.join(", ")
                );
                ExitCode::FAILURE
            } else {
                for p in &stale {
                    println!("wrote {p}");
                }
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("xtask gen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Computes every output; writes the files that changed (unless `check`). Returns the paths
/// that were (or would be) changed.
fn run(check: bool) -> Result<Vec<String>, String> {
    let root = root();
    let mut outputs = Vec::new();
    outputs.extend(code::outputs()?);
    outputs.extend(docs::outputs());

    // The new text of every file touched, starting from what is on disk for the regions.
    let mut files: BTreeMap<String, (String, String)> = BTreeMap::new();
    for out in outputs {
        match out {
            Output::File { path, text } => {
                let old = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
                files.insert(path, (old, text));
            }
            Output::Region { path, name, text } => {
                let entry = match files.get_mut(path) {
                    Some(e) => e,
                    None => {
                        let old = std::fs::read_to_string(root.join(path))
                            .map_err(|e| format!("{path}: {e}"))?;
                        files.entry(path.to_owned()).or_insert((old.clone(), old))
                    }
                };
                entry.1 =
                    replace_region(&entry.1, name, &text).map_err(|e| format!("{path}: {e}"))?;
            }
        }
    }
    let mut stale = Vec::new();
    for (path, (old, new)) in files {
        if old != new {
            if !check {
                std::fs::write(root.join(&path), &new).map_err(|e| format!("{path}: {e}"))?;
            }
            stale.push(path);
        }
    }
    // The header, from the FFI sources as they are now on disk (in check mode a stale source is
    // already named above, and the header made from it is compared all the same).
    let old = std::fs::read_to_string(root.join(header::PATH)).unwrap_or_default();
    let new = header::generate(&root)?;
    if old != new {
        if !check {
            std::fs::write(root.join(header::PATH), &new)
                .map_err(|e| format!("{}: {e}", header::PATH))?;
        }
        stale.push(header::PATH.to_owned());
    }
    Ok(stale)
}

/// `text` with the lines between the markers of region `name` replaced by `body` (which ends
/// with a newline, or is empty). The marker lines themselves are kept as written.
fn replace_region(text: &str, name: &str, body: &str) -> Result<String, String> {
    let begin = format!("BEGIN GENERATED: {name}");
    let end = format!("END GENERATED: {name}");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // The marker, not followed by more of a name (`x` is not `xy`).
    let is = |l: &str, marker: &str| {
        l.match_indices(marker).any(|(i, m)| {
            !l[i + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let b = lines
        .iter()
        .position(|l| is(l, &begin))
        .ok_or_else(|| format!("no line with `BEGIN GENERATED: {name}`"))?;
    let e = lines[b + 1..]
        .iter()
        .position(|l| is(l, &end))
        .map(|i| i + b + 1)
        .ok_or_else(|| format!("no line with `END GENERATED: {name}` after its BEGIN"))?;
    let mut out = String::with_capacity(text.len() + body.len());
    lines[..=b].iter().for_each(|l| out.push_str(l));
    out.push_str(body);
    lines[e..].iter().for_each(|l| out.push_str(l));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::replace_region;

    #[test]
    fn a_region_is_replaced_between_its_markers_only() {
        let text = "a\n// BEGIN GENERATED: x (cargo xtask gen)\nold\n// END GENERATED: x\nb\n// BEGIN GENERATED: y (cargo xtask gen)\nkeep\n// END GENERATED: y\n";
        let out = replace_region(text, "x", "new 1\nnew 2\n").unwrap();
        assert_eq!(out, "a\n// BEGIN GENERATED: x (cargo xtask gen)\nnew 1\nnew 2\n// END GENERATED: x\nb\n// BEGIN GENERATED: y (cargo xtask gen)\nkeep\n// END GENERATED: y\n");
        assert!(replace_region(text, "z", "").is_err());
    }
}
