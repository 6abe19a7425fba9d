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
    }
}
