//! Link settings of the release `aws-sso-rs` binary, chosen for start-up time: it runs on
//! every shell prompt (`aws-sso-rs prompt`) and for every credential_process call.
//! Measured with `cargo xtask bench --prompt`; see docs/security.md for the trade-off.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if !(release && target.contains("linux") && target.contains("gnu")) {
        return;
    }
    // A position-dependent executable: as a PIE, the dynamic loader rewrites some 24,000
    // pointers at every start, copying about a hundred pages of the binary (`prompt` took 1.8x
    // as long as `cat`; with this and the next setting, about 1.3x). The cost: the executable's own image is not
    // placed at a random address (shared libraries, heap and stack still are); aws-sso-rs is
    // safe Rust (`unsafe_code` is forbidden in every crate of the workspace).
    println!("cargo:rustc-link-arg-bin=aws-sso-rs=-no-pie");
    // The unwinder from gcc's static archive, as `gcc -static-libgcc` links it: the shared
    // libgcc_s is then unused and dropped, and with it its constructor, which runs CPUID
    // many times (slow in virtual machines): about a tenth of `prompt`'s time.
    println!("cargo:rustc-link-lib=static:+whole-archive=gcc_eh");
}
