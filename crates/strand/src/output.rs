//! Writing output files so that a crash never leaves half a file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place: readers see the old file or the new one, never a
/// torn one. Creates the folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut staged = Staged::default();
    staged.add(path, bytes)?;
    staged.commit()
}

/// Files put in place together: each is written to a temporary file
/// beside its destination as soon as it is made, so a command writing
/// many large files holds one in memory at a time rather than all, and
/// all are renamed into place only by [`Staged::commit`]. Until then the
/// destination folder is as it was: dropped without a commit (on an
/// error), the temporary files are removed.
#[derive(Default)]
pub struct Staged {
    files: Vec<(tempfile::NamedTempFile, PathBuf)>,
}

impl Staged {
    /// Writes `bytes` for `path`, which appears at commit. Creates the
    /// folder if needed.
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(bytes)?;
        // Temporary files are private (0600); a report is an ordinary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        tmp.as_file().sync_all()?;
        self.files.push((tmp, path.to_path_buf()));
        Ok(())
    }

    /// Renames every file into place, in the order they were added.
    pub fn commit(self) -> std::io::Result<()> {
        for (tmp, path) in self.files {
            tmp.persist(&path).map_err(|e| e.error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn staged_files_appear_together_at_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("analysis");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.csv"), "old").unwrap();
        let mut staged = Staged::default();
        staged.add(&out.join("a.csv"), b"new a").unwrap();
        staged.add(&out.join("b.csv"), b"new b").unwrap();
        // Before the commit, the folder still shows the old file only
        // (beside the temporary files).
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "old");
        assert!(!out.join("b.csv").exists());
        staged.commit().unwrap();
        assert_eq!(listing(&out), ["a.csv", "b.csv"]);
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(out.join("b.csv")).unwrap(), "new b");
    }

    #[test]
    fn staged_files_dropped_without_commit_leave_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "old").unwrap();
        {
            let mut staged = Staged::default();
            staged.add(&dir.path().join("a.csv"), b"new").unwrap();
            staged.add(&dir.path().join("b.csv"), b"new").unwrap();
            // An error here: the staged files are dropped.
        }
        assert_eq!(listing(dir.path()), ["a.csv"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.csv")).unwrap(),
            "old"
        );
    }
}
