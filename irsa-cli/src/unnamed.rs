//! New files that get their name only once they are whole.
//!
//! On Linux a file can be made without a name in its folder (`O_TMPFILE`), written, and then
//! linked to its name (`linkat` through `/proc/self/fd`): a reader, or a run that is killed,
//! sees no file or the whole file, as with a temporary file renamed into place, at half the
//! folder updates (one name added instead of a name added, replaced and removed) and with
//! nothing left behind by a killed run. A name that is already taken is never replaced
//! (`linkat` refuses it), so this is only for files that do not exist yet.
//!
//! Where the kernel, the file system or `/proc` does not allow it, [`create`] and [`link`]
//! say so (`Ok(None)`, `Ok(false)`) and the caller writes a named temporary file instead.

use std::fs::File;
use std::io;
use std::path::Path;

/// An unnamed file in `folder`, open for writing; `None` when unnamed files are not available
/// there.
#[cfg(target_os = "linux")]
pub(crate) fn create(folder: &Path) -> io::Result<Option<File>> {
    use rustix::fs::{Mode, OFlags};
    use rustix::io::Errno;
    let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
    match rustix::fs::open(folder, flags, Mode::from_raw_mode(0o666)) {
        Ok(fd) => Ok(Some(File::from(fd))),
        // Not supported by the kernel (EISDIR from kernels before 3.11) or the file system.
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Unnamed files are a Linux feature.
#[cfg(not(target_os = "linux"))]
pub(crate) fn create(_folder: &Path) -> io::Result<Option<File>> {
    Ok(None)
}

/// Gives the unnamed `file` the name `path`; `false` when that is not possible here (no
/// `/proc`, say), so the content must be written another way. A taken name is an error
/// (`AlreadyExists`).
#[cfg(target_os = "linux")]
pub(crate) fn link(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::fd::AsRawFd;

    use rustix::fs::{AtFlags, CWD};
    use rustix::io::Errno;
    let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    match rustix::fs::linkat(CWD, proc_path.as_str(), CWD, path, AtFlags::SYMLINK_FOLLOW) {
        Ok(()) => Ok(true),
        Err(Errno::EXIST) => Err(io::Error::new(io::ErrorKind::AlreadyExists, "a file appeared at the path")),
        // No /proc (ENOENT on the proc path), a file system that cannot link (EPERM,
        // EOPNOTSUPP) or a sandbox that forbids it (EACCES, EXDEV).
        Err(_) if !Path::new("/proc/self/fd").is_dir() => Ok(false),
        Err(Errno::PERM | Errno::OPNOTSUPP | Errno::ACCESS | Errno::XDEV) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Unnamed files are a Linux feature.
#[cfg(not(target_os = "linux"))]
pub(crate) fn link(_file: &File, _path: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_file_is_named_only_when_linked() {
        let folder = std::env::temp_dir().join(format!("irsa-unnamed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let Some(mut file) = create(&folder).unwrap() else {
            // A temporary folder without O_TMPFILE: nothing to test here.
            return;
        };
        file.write_all(b"whole").unwrap();
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0, "the file has no name yet");
        let path = folder.join("a.json");
        if !link(&file, &path).unwrap() {
            return;
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "whole");
        let taken = link(&file, &path).unwrap_err();
        assert_eq!(taken.kind(), io::ErrorKind::AlreadyExists, "a taken name is never replaced");
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
