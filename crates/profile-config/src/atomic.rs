//! Whole-file replacement that a reader never sees half done.

use std::io::Write;
use std::path::Path;

/// Replaces `path` with `contents`: writes a temporary file in the same folder, flushes it to
/// disk, gives it `mode` (Unix permission bits), then renames it over `path`. A reader sees
/// the old file or the new one, never a mix, even if this process is killed midway.
///
/// Missing parent folders are created with mode `0o700`.
///
/// # Errors
/// Any I/O error; `path` is then unchanged (a stray temporary file is removed when possible).
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    write_atomic_if(path, contents, mode, || true).map(|_| ())
}

/// Like [`write_atomic`], asking `still_current` just before the rename (after the new
/// contents are on disk) whether `path` may be replaced. When it says no, nothing is
/// replaced, the temporary file is removed, and the result is `Ok(false)`.
///
/// # Errors
/// Any I/O error; `path` is then unchanged.
pub fn write_atomic_if(
    path: &Path,
    contents: &[u8],
    mode: u32,
    still_current: impl FnOnce() -> bool,
) -> std::io::Result<bool> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    create_private_dir_all(dir)?;
    let mut file = tempfile::Builder::new()
        .prefix(".aws-sso-rs-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    file.write_all(contents)?;
    set_mode(file.as_file(), mode)?;
    file.as_file().sync_all()?;
    if !still_current() {
        return Ok(false);
    }
    file.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(true)
}

/// Creates `dir` and its missing parents with mode `0o700`.
///
/// # Errors
/// Any I/O error.
pub fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// Makes the rename durable. Best effort: some file systems refuse to sync a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Makes `path` readable and writable by its owner only (`0600`) when its mode lets others
/// in; the mode it had then.
///
/// # Errors
/// The mode cannot be read or changed.
pub fn keep_private(path: &Path) -> std::io::Result<Option<u32>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o7777;
        if mode & 0o077 == 0 {
            return Ok(None);
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        Ok(Some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(None)
    }
}

/// The Unix permission bits of `path`, if it exists.
pub fn existing_mode(path: &Path) -> Option<u32> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(meta.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn creates_private_file_and_folders() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let path = tmp.path().join("a/b/file.json");
        write_atomic(&path, b"{}", 0o600).expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"{}");
        assert_eq!(existing_mode(&path), Some(0o600));
        assert_eq!(existing_mode(&tmp.path().join("a/b")), Some(0o700));
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path().join("a/b"))
            .expect("list")
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }
}
