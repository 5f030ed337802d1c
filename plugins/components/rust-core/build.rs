// Records the compiler's version in the artifact, so the host can tell which toolchain built it,
// and links the system libxxhash.
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=SELFHEAL_RUSTC_VERSION={version}");
    // The Bloom filter's XXH3 is the system libxxhash (Debian libxxhash0 / libxxhash-dev), the
    // same library the C++ components call: identical hashes by construction, no port to keep in
    // step, and the same cost on both sides.
    println!("cargo:rustc-link-lib=dylib=xxhash");
    println!("cargo:rerun-if-changed=build.rs");
}
