//! Link settings of the `aws-sso-rs` binary, chosen for start-up time: it runs on every shell
//! prompt (`aws-sso-rs prompt`) and for every credential_process call.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("linux") && target.contains("gnu") {
        // A position-dependent executable: as a PIE, the dynamic loader rewrites some 24,000
        // pointers at every start, copying about a hundred pages of the binary, which made
        // `prompt` 1.8x as slow as `cat`; linked at a fixed address it is about 1.3x. The
        // cost: the executable's own image is not placed at a random address (shared
        // libraries, heap and stack still are); aws-sso-rs is safe Rust (`unsafe_code` is
        // forbidden in every crate of the workspace). See docs/security.md.
        println!("cargo:rustc-link-arg-bin=aws-sso-rs=-no-pie");
    }
}
