//! Gives libphlo.so its SONAME on ELF systems: `libphlo.so.<abi>`, where the ABI version is the
//! major version, or `0.<minor>` while the major is 0 (Cargo's compatibility rule, and cargo-c's:
//! 0.1 and 0.2 are incompatible, so a program linked against 0.1 must not load 0.2).
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
        let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
        let abi = if major == "0" {
            format!("0.{minor}")
        } else {
            major
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libphlo.so.{abi}");
        soname_link_in_build_tree(&format!("libphlo.so.{abi}"));
    }
}

/// A program linked with `-L target/<profile> -lphlo` records the SONAME, so it looks for
/// `libphlo.so.<abi>` at run time: that name is made a symlink to `libphlo.so` beside it (the
/// profile directory is three levels above OUT_DIR), as an installed library has. Best effort: a
/// layout this does not recognise gets no link.
fn soname_link_in_build_tree(soname: &str) {
    #[cfg(unix)]
    {
        let Some(out) = std::env::var_os("OUT_DIR") else {
            return;
        };
        let Some(profile_dir) = std::path::Path::new(&out).ancestors().nth(3) else {
            return;
        };
        let link = profile_dir.join(soname);
        if profile_dir.join("build").is_dir() && std::fs::symlink_metadata(&link).is_err() {
            let _ = std::os::unix::fs::symlink("libphlo.so", &link);
        }
    }
}
