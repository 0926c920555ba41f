//! File reads and atomic writes, each error naming the path.
//!
//! The only module that writes files; `plan::apply` drives it so that a multi-file change is
//! staged completely (temp files beside their targets) before any target is replaced.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A filesystem failure, with the path it happened on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to read `{}`", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("failed to write `{}`", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("`{}` is {kind}, not a regular file", path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("`{}` has {links} hard links, which replacing it would split", path.display())]
    HardLinked { path: PathBuf, links: u64 },
    #[error("cannot give the new `{}` the owner and group of the old one", path.display())]
    Owner { path: PathBuf, source: std::io::Error },
    #[error("`{}` is larger than {} MiB, the limit for {what}", path.display(), limit >> 20)]
    TooLarge { path: PathBuf, what: &'static str, limit: u64 },
}

impl crate::error::Help for Error {
    type Lines = Option<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::NotRegular { .. } => Some("name a regular file (or a symbolic link to one)".into()),
            Self::TooLarge { .. } => Some("check that this is the file you meant".into()),
            Self::HardLinked { .. } => {
                Some("replace the hard link by a symbolic link (which is written through) or a copy".into())
            }
            Self::Owner { .. } => Some("run the command as the file's owner, or as root".into()),
            Self::Read { .. } | Self::Write { .. } => None,
        }
    }
}

/// The most a text file we read (manifest, configuration, changelog) may hold: far past any
/// real one, and a bound on memory when a path names `/dev/zero` by mistake.
pub const TEXT_LIMIT: u64 = 16 << 20;

/// Returns the contents of a UTF-8 text file of at most [`TEXT_LIMIT`] bytes.
pub fn read_to_string(path: &Path) -> Result<String, Error> {
    read_bounded(path, "a text file", TEXT_LIMIT)
}

/// Returns the contents of a UTF-8 text file, or an empty string when there is no such file
/// (a file a plan creates).
pub fn read_or_empty(path: &Path) -> Result<String, Error> {
    match read_to_string(path) {
        Err(Error::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        other => other,
    }
}

/// Returns the contents of the UTF-8 file `path` when it is a regular file (or a symlink to
/// one) of at most `limit` bytes; `what` names the kind of file in the error.
pub fn read_bounded(path: &Path, what: &'static str, limit: u64) -> Result<String, Error> {
    let bytes = read_bytes_bounded(path, what, limit)?;
    String::from_utf8(bytes).map_err(|err| Error::Read {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, err),
    })
}

/// Returns the bytes of `path` when it is a regular file (or a symlink to one) of at most
/// `limit` bytes. FIFOs and devices are refused before they are opened, so a read never blocks
/// (a FIFO) or grows until memory runs out (`/dev/zero`).
pub fn read_bytes_bounded(path: &Path, what: &'static str, limit: u64) -> Result<Vec<u8>, Error> {
    check_regular(path)?;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|source| Error::Read { path: path.to_owned(), source })?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge { path: path.to_owned(), what, limit });
    }
    Ok(bytes)
}

/// Returns `Ok` when `path` does not exist or is a regular file (through any symlinks), and
/// `NotRegular` when it is a directory, a FIFO, a socket, a device or a dangling symlink: a
/// file we replace by renaming over it must be one that a rename keeps what it is.
pub fn check_regular(path: &Path) -> Result<(), Error> {
    let not_regular = |kind| Err(Error::NotRegular { path: path.to_owned(), kind });
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => Ok(()),
        Ok(metadata) => not_regular(kind_of(&metadata.file_type())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                not_regular("a dangling symbolic link")
            } else {
                Ok(())
            }
        }
        Err(source) => Err(Error::Read { path: path.to_owned(), source }),
    }
}

#[cfg(not(unix))]
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() { "a directory" } else { "a special file" }
}

#[cfg(unix)]
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

/// Returns `path` with symlinks and `..` resolved, or `path` itself when it does not exist.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// Returns `path` with `.` and `..` resolved lexically, without touching the filesystem.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Returns whether two paths name the same file: lexically, or failing that after resolving
/// symlinks (a syscall each, so only when the cheap test says no).
pub fn same_file(a: &Path, b: &Path) -> bool {
    normalize(a) == normalize(b) || canonical(a) == canonical(b)
}

/// New contents written to a temp file beside `target`, not yet visible at `target`.
pub struct StagedFile {
    target: PathBuf,
    temp: NamedTempFile,
}

/// Writes `contents` to a uniquely named temp file in `target`'s directory, with `target`'s
/// permissions, ready to replace it. A symlinked target is written through to the file it names.
pub fn stage(target: &Path, contents: &[u8]) -> Result<StagedFile, Error> {
    let write_err = |source| Error::Write { path: target.to_owned(), source };
    check_regular(target)?;
    let target = canonical(target);
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    // A file a plan creates may be the first in its directory (`.github/workflows/`).
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let mut temp =
        tempfile::Builder::new().prefix(".cargo-patch-").suffix(".tmp").tempfile_in(dir).map_err(write_err)?;
    temp.write_all(contents).map_err(write_err)?;
    if let Ok(metadata) = std::fs::metadata(&target) {
        keep_identity(&target, &metadata, temp.as_file())?;
        temp.as_file().set_permissions(metadata.permissions()).map_err(write_err)?;
    }
    Ok(StagedFile { target, temp })
}

/// Gives the staged `temp` the owner and group of `target`, so the rename keeps what the file
/// is (a bump run as root must not hand a user's manifest to root); refuses a file with other
/// hard links, which a rename would split from it.
#[cfg(unix)]
fn keep_identity(target: &Path, metadata: &std::fs::Metadata, temp: &std::fs::File) -> Result<(), Error> {
    use std::os::unix::fs::MetadataExt;
    if metadata.nlink() > 1 {
        return Err(Error::HardLinked { path: target.to_owned(), links: metadata.nlink() });
    }
    let staged = temp.metadata().map_err(|source| Error::Write { path: target.to_owned(), source })?;
    if (staged.uid(), staged.gid()) != (metadata.uid(), metadata.gid()) {
        std::os::unix::fs::fchown(temp, Some(metadata.uid()), Some(metadata.gid()))
            .map_err(|source| Error::Owner { path: target.to_owned(), source })?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_identity(_target: &Path, _metadata: &std::fs::Metadata, _temp: &std::fs::File) -> Result<(), Error> {
    Ok(())
}

impl StagedFile {
    /// Returns the file this will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Makes the staged file executable (mode 0755), for scripts such as git hooks.
    pub fn make_executable(&self) -> Result<(), Error> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o755);
            self.temp
                .as_file()
                .set_permissions(mode)
                .map_err(|source| Error::Write { path: self.target.clone(), source })?;
        }
        Ok(())
    }

    /// Replaces the target by the staged contents in one rename.
    pub fn commit(self) -> Result<(), Error> {
        let target = self.target;
        self.temp.persist(&target).map(drop).map_err(|err| Error::Write { path: target, source: err.error })
    }
}

/// Writes `contents` to `path` atomically: readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Error> {
    stage(path, contents)?.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_dots_lexically() {
        assert_eq!(normalize(Path::new("/ws/crates/app/../engine/./")), Path::new("/ws/crates/engine"));
        assert_eq!(normalize(Path::new("../a/b/..")), Path::new("../a"));
    }

    #[test]
    fn same_file_sees_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        assert!(same_file(&dir.path().join("link"), &real));
        assert!(same_file(&dir.path().join("real/../real"), &real));
        assert!(!same_file(&dir.path().join("other"), &real));
    }

    #[test]
    fn write_atomic_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        write_atomic(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left behind");
    }
}
