//! New files that get their name only once they are whole.
//!
//! On Linux a file can be made without a name in its folder (`O_TMPFILE`), written, and then
//! linked to its name (`linkat` through `/proc/self/fd`): a reader, or a run that is killed,
//! sees no file or the whole file, as with a temporary file renamed into place, with one
//! folder update instead of three (a temporary name added, then removed as the final name is
//! added) and nothing left behind by a killed run. A name that is already taken is never
//! replaced (`linkat` refuses it), so this is only for files that do not exist yet.
//!
//! Where the kernel, the file system or `/proc` does not allow it, [`file_mode`], [`create`]
//! and [`link`] say so (`None`, `Ok(None)`, `Ok(false)`) and the caller writes a named
//! temporary file instead.

use std::fs::File;
use std::io;
use std::path::Path;

/// The mode `File::create` gives a new file: `0o666` less the process's umask, read from
/// `/proc/self/status` (without changing it, so threads may run); `None` where it cannot be
/// read, and then unnamed files are not used.
///
/// [`create`] gives this mode with the umask already applied: some kernels and file systems do
/// not apply the umask to an unnamed file (Linux on file systems without POSIX ACLs until 2022,
/// ZFS until 2019), which would leave generated files writable by everyone; a kernel that does
/// apply it changes nothing.
#[cfg(target_os = "linux")]
pub(crate) fn file_mode() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let umask = status.lines().find_map(|line| line.strip_prefix("Umask:"))?.trim();
    u32::from_str_radix(umask, 8).ok().map(|umask| 0o666 & !umask)
}

/// Unnamed files are a Linux feature.
#[cfg(not(target_os = "linux"))]
pub(crate) fn file_mode() -> Option<u32> {
    None
}

/// An unnamed file in `folder` with permissions `mode` ([`file_mode`]), open for writing;
/// `None` when unnamed files are not available there.
#[cfg(target_os = "linux")]
pub(crate) fn create(folder: &Path, mode: u32) -> io::Result<Option<File>> {
    use rustix::fs::{Mode, OFlags};
    use rustix::io::Errno;
    let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
    match rustix::fs::open(folder, flags, Mode::from_raw_mode(mode)) {
        Ok(fd) => Ok(Some(File::from(fd))),
        // Not supported by the kernel (EISDIR from kernels before 3.11) or the file system.
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Unnamed files are a Linux feature.
#[cfg(not(target_os = "linux"))]
pub(crate) fn create(_folder: &Path, _mode: u32) -> io::Result<Option<File>> {
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
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// A fresh folder for one test, removed when dropped.
    struct Folder(std::path::PathBuf);

    impl Folder {
        fn new(name: &str) -> Folder {
            let path = std::env::temp_dir().join(format!("irsa-unnamed-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Folder(path)
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_file_is_named_only_when_linked() {
        let folder = Folder::new("link");
        let Some(mode) = file_mode() else { return };
        let Some(mut file) = create(&folder.0, mode).unwrap() else {
            // A temporary folder without O_TMPFILE: nothing to test here.
            return;
        };
        file.write_all(b"whole").unwrap();
        assert_eq!(std::fs::read_dir(&folder.0).unwrap().count(), 0, "the file has no name yet");
        let path = folder.0.join("a.json");
        if !link(&file, &path).unwrap() {
            return;
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "whole");
        let taken = link(&file, &path).unwrap_err();
        assert_eq!(taken.kind(), io::ErrorKind::AlreadyExists, "a taken name is never replaced");
    }

    /// An unnamed file gets the permissions `File::create` gives, whatever the umask.
    #[test]
    fn the_mode_is_the_one_file_create_gives() {
        let folder = Folder::new("mode");
        let Some(mode) = file_mode() else { return };
        let created = folder.0.join("created");
        File::create(&created).unwrap();
        let expected = std::fs::metadata(&created).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, expected);
        let Some(file) = create(&folder.0, mode).unwrap() else { return };
        assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, expected);
    }
}
