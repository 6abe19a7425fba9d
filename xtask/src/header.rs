//! `include/phlo.h`: the C header, made by cbindgen (a library of xtask, its version pinned in
//! xtask/Cargo.toml) from crates/phlo-ffi with crates/phlo-ffi/cbindgen.toml. Generated after
//! the regions of the FFI sources (their doc lists come from the tables), so one `cargo xtask
//! gen` brings both up to date.

use std::path::Path;

/// The header, from the repository root.
pub const PATH: &str = "include/phlo.h";

/// The header cbindgen makes from the FFI crate as it is on disk.
pub fn generate(root: &Path) -> Result<String, String> {
    let krate = root.join("crates/phlo-ffi");
    let config = cbindgen::Config::from_file(krate.join("cbindgen.toml"))?;
    let bindings =
        cbindgen::generate_with_config(&krate, config).map_err(|e| format!("cbindgen: {e}"))?;
    let mut text = Vec::new();
    bindings.write(&mut text);
    String::from_utf8(text).map_err(|e| format!("cbindgen wrote invalid UTF-8: {e}"))
}
