//! Files the tool reads, opened as files: without blocking, only when they
//! are regular files, and read up to a stated limit.
//!
//! A path the tool reads (the store, its lock, the config, the log, the key
//! cache) may have been replaced by a FIFO, which would block `open` or
//! `read` forever, by a link to a device such as `/dev/zero`, which never
//! ends, or by a directory. Every such file is opened with `O_NONBLOCK` and
//! `O_NOCTTY`, checked with `fstat` on the opened descriptor (so it cannot
//! be swapped between the check and the read) and read with a cap.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::OFlags;
use thiserror::Error;

/// The most a store file may hold.
pub const STORE_LIMIT: u64 = 64 * 1024 * 1024;
/// The most a config file may hold.
pub const CONFIG_LIMIT: u64 = 1024 * 1024;

/// Why a file could not be used.
#[derive(Debug, Error)]
pub enum FileError {
    /// The path does not exist.
    #[error("it does not exist")]
    Missing,
    /// The path is something other than a regular file.
    #[error("it is {kind}, not a regular file")]
    NotRegular {
        /// What it is, as a person reads it ("a FIFO").
        kind: &'static str,
    },
    /// The file holds more than it may.
    #[error("it is larger than the limit of {}", size_text(*limit))]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// Any other OS error.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Flags that keep `open` from blocking on a FIFO or taking a terminal.
fn guard_flags(extra: OFlags) -> i32 {
    // The flag bits are small positive constants; `as` keeps them as they are.
    (OFlags::NONBLOCK | OFlags::NOCTTY | extra).bits() as i32
}

/// Opens `path` for reading (following symlinks) and makes sure it is a
/// regular file.
pub fn open_read(path: &Path) -> Result<(File, Metadata), FileError> {
    let mut options = OpenOptions::new();
    options
        .read(true)
        .custom_flags(guard_flags(OFlags::empty()));
    open_checked(&options, path)
}

/// Opens (creating it 0600 if needed) a file to lock or append to. A
/// symlink in its place is refused rather than followed when `follow` is
/// false, so nothing is created where a planted link points.
pub fn open_write(
    path: &Path,
    append: bool,
    follow: bool,
    mode: u32,
) -> Result<(File, Metadata), FileError> {
    let extra = if follow {
        OFlags::empty()
    } else {
        OFlags::NOFOLLOW
    };
    let mut options = OpenOptions::new();
    options
        .create(true)
        .truncate(false)
        .write(true)
        .append(append)
        .mode(mode)
        .custom_flags(guard_flags(extra));
    open_checked(&options, path)
}

fn open_checked(options: &OpenOptions, path: &Path) -> Result<(File, Metadata), FileError> {
    let file = options.open(path).map_err(|e| opening_failed(path, e))?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(FileError::NotRegular {
            kind: kind_of(&meta),
        });
    }
    Ok((file, meta))
}

/// Names what stopped an open: a FIFO without a reader (`ENXIO`), a
/// symlink refused by `O_NOFOLLOW` (`ELOOP`), a missing path.
fn opening_failed(path: &Path, error: io::Error) -> FileError {
    if error.kind() == io::ErrorKind::NotFound {
        return FileError::Missing;
    }
    match std::fs::symlink_metadata(path) {
        Ok(link) if link.file_type().is_symlink() && error.raw_os_error() == Some(libc_eloop()) => {
            FileError::NotRegular {
                kind: "a symbolic link",
            }
        }
        Ok(_) => match std::fs::metadata(path) {
            Ok(meta) if !meta.file_type().is_file() => FileError::NotRegular {
                kind: kind_of(&meta),
            },
            _ => FileError::Io(error),
        },
        Err(_) => FileError::Io(error),
    }
}

fn libc_eloop() -> i32 {
    rustix::io::Errno::LOOP.raw_os_error()
}

/// What a non-regular file is.
pub fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a file"
    }
}

/// Reads all of `path` when it is a regular file of at most `limit` bytes.
/// The buffer is sized from `fstat` up front, so it is not reallocated (and
/// copies of a secret left behind) while it fills.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let (file, meta) = open_read(path)?;
    read_opened(file, &meta, limit)
}

/// Reads all of an opened regular file (`meta` its `fstat`) when it holds
/// at most `limit` bytes.
pub fn read_opened(file: File, meta: &Metadata, limit: u64) -> Result<Vec<u8>, FileError> {
    if meta.len() > limit {
        return Err(FileError::TooLarge { limit });
    }
    // A file can grow between fstat and read (or lie, like /proc files):
    // one byte beyond the limit is enough to tell.
    let expected = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        zeroize::Zeroize::zeroize(&mut bytes);
        return Err(FileError::TooLarge { limit });
    }
    Ok(bytes)
}

/// A size in the largest whole binary unit.
fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    fn fifo(path: &Path) {
        rustix::fs::mknodat(
            rustix::fs::CWD,
            path,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
    }

    #[test]
    fn non_regular_paths_are_named_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe");
        fifo(&pipe);
        let zero = dir.path().join("zero");
        symlink("/dev/zero", &zero).unwrap();
        let cases = [
            (pipe.as_path(), "a FIFO"),
            (zero.as_path(), "a character device"),
            (dir.path(), "a directory"),
        ];
        for (path, kind) in cases {
            match read_limited(path, 1024) {
                Err(FileError::NotRegular { kind: got }) => assert_eq!(got, kind, "{path:?}"),
                other => panic!("{path:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_fifo_without_a_reader_is_named_when_opened_to_write() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("lock");
        fifo(&pipe);
        let err = open_write(&pipe, false, false, 0o600).unwrap_err();
        assert!(
            matches!(err, FileError::NotRegular { kind: "a FIFO" }),
            "{err:?}"
        );
    }

    #[test]
    fn a_symlink_is_refused_when_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        let link = dir.path().join("link");
        symlink(&target, &link).unwrap();
        let err = open_write(&link, false, false, 0o600).unwrap_err();
        assert!(
            matches!(
                err,
                FileError::NotRegular {
                    kind: "a symbolic link"
                }
            ),
            "{err:?}"
        );
        assert!(!target.exists(), "nothing is created where the link points");
        open_write(&link, true, true, 0o600).unwrap();
        assert!(target.exists());
    }

    #[test]
    fn the_limit_is_exact_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, vec![b'x'; 2048]).unwrap();
        assert_eq!(read_limited(&path, 2048).unwrap().len(), 2048);
        let err = read_limited(&path, 2047).unwrap_err();
        assert!(
            matches!(err, FileError::TooLarge { limit: 2047 }),
            "{err:?}"
        );
        assert_eq!(
            FileError::TooLarge { limit: 64 << 20 }.to_string(),
            "it is larger than the limit of 64 MiB"
        );
        assert!(matches!(
            read_limited(&dir.path().join("none"), 1),
            Err(FileError::Missing)
        ));
    }
}
