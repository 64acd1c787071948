//! Writing `-o` output: one file, or one file per resource in a directory,
//! never outside it and never half-written.

use std::path::{Path, PathBuf};
use strata::Output;

/// A failure to write output, naming what it was writing.
pub type WriteError = String;

/// Writes a file through a temporary sibling and a rename, so a reader
/// never sees it half-written.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let tmp = temp_name(dir.unwrap_or(Path::new(".")), path);
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("writing '{}': {e}", path.display())
        })
}

/// One file per resource in `dir`, named as kustomize names them. Every
/// file is rendered and checked first (a name that is not a plain file
/// name in `dir`, say from a resource named `../x` or `a/b`, is an error
/// naming the resource), then written to a temporary name, then all are
/// renamed into place: on a failure before the renames the temporaries are
/// removed and `dir` is as it was.
pub fn write_dir(dir: &Path, out: &Output) -> Result<(), WriteError> {
    let mut files = Vec::new();
    for (doc, name) in out.documents().zip(out.file_names()) {
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
            return Err(format!(
                "resource {} '{}': its file name '{name}' is not a file name inside '{}'",
                doc.kind(),
                doc.name(),
                dir.display()
            ));
        }
        let text = doc.to_yaml().map_err(|e| e.to_string())?;
        files.push((dir.join(&name), text));
    }
    let mut temps: Vec<(PathBuf, &Path)> = Vec::new();
    for (path, text) in &files {
        let tmp = temp_name(dir, path);
        if let Err(e) = std::fs::write(&tmp, text) {
            let _ = std::fs::remove_file(&tmp);
            for (t, _) in &temps {
                let _ = std::fs::remove_file(t);
            }
            return Err(format!("writing '{}': {e}", path.display()));
        }
        temps.push((tmp, path));
    }
    for (i, (tmp, path)) in temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            for (t, _) in &temps[i..] {
                let _ = std::fs::remove_file(t);
            }
            return Err(format!("writing '{}': {e}", path.display()));
        }
    }
    Ok(())
}

/// A hidden name in `dir` for `path`'s content until it is complete.
fn temp_name(dir: &Path, path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    dir.join(format!(".{name}.{}.strata-tmp", std::process::id()))
}
