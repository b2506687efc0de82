//! Files written whole or not at all: a temporary file created exclusively beside the target
//! (`O_EXCL`, a random name, never following a planted link), flushed to disk, then renamed
//! over the target; on any failure the temporary file is removed and the target is untouched.
//!
//! The `tempfile` crate creates the temporary file; this module adds the checks on the target
//! (a target that exists and is not a regular file — a directory, a link, a device — is
//! refused) and the fsyncs that make the rename durable. The file gets the mode an ordinary
//! new file gets (0666 less the umask: 0644 under 022), not the temporary file's private 0600,
//! so an artifact or a download can be shared as any file the user writes.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// A temporary file beside its target, removed when dropped unless [`AtomicFile::commit`]ted.
#[derive(Debug)]
pub struct AtomicFile {
    temp: tempfile::NamedTempFile,
    target: std::path::PathBuf,
}

impl AtomicFile {
    /// A new, empty temporary file in `target`'s folder (created if missing).
    pub fn create(target: impl AsRef<Path>) -> Result<AtomicFile> {
        let target = target.as_ref();
        check_target(target)?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".ml-workflow-").suffix(".tmp");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
        })
    }

    /// The open temporary file, to write into.
    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// Flushes the data to disk and renames it over the target.
    pub fn commit(self) -> Result<()> {
        let target = self.target;
        check_target(&target)?;
        self.temp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(self.temp.path(), e))?;
        self.temp
            .persist(&target)
            .map_err(|e| Error::io(&target, e.error))?;
        // Make the rename itself durable (best effort: not every platform opens folders).
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically (see the module docs).
pub fn write_atomically(path: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    let path = path.as_ref();
    let mut file = AtomicFile::create(path)?;
    file.file()
        .write_all(bytes)
        .map_err(|e| Error::io(path, e))?;
    file.commit()
}

/// A target that exists must be a regular file (not a link, folder or device).
fn check_target(target: &Path) -> Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(meta) if !meta.file_type().is_file() => Err(Error::io(
            target,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "exists and is not a regular file (a link, folder or device); refusing to replace it",
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.json");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.json"]);
    }

    #[test]
    fn a_dropped_file_is_removed_and_the_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, b"old").unwrap();
        let mut pending = AtomicFile::create(&path).unwrap();
        pending.file().write_all(b"half").unwrap();
        drop(pending);
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_written_file_has_the_mode_an_ordinary_new_file_has() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // An ordinary new file shows what the umask gives.
        let plain = dir.path().join("plain");
        File::create(&plain).unwrap();
        let written = dir.path().join("written.json");
        write_atomically(&written, b"{}").unwrap();
        assert_eq!(mode(&written), mode(&plain));
        assert_ne!(mode(&written), 0o600, "the temporary file's private mode");
    }

    #[cfg(unix)]
    #[test]
    fn links_and_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let err = write_atomically(&link, b"x").unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        let err = write_atomically(dir.path(), b"x").unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
