//! The data-driven suite: every case of `testdata/` and of the shared
//! conformance corpus is its own test, named by its directory, so that it
//! can be listed (`cargo test --test suite -- --list`) and filtered
//! (`cargo test --test suite -- conformance/krusty/TestX`).
//!
//! A build case runs twice, through the disk and through the in-memory file
//! system (`NAME::disk`, `NAME::mem`), and both must give the oracle's
//! answer. [`find`] finds the cases, [`compare`] judges them, and
//! [`conformance`] reads the corpus and prints its summary after the run.

mod compare;
mod conformance;
mod find;

use find::{BuildCase, Case, What};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use strata::{build, DiskFs, FileSystem, MemFs};

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for case in find::all() {
        trials.extend(trials_of(case));
    }
    let conclusion = libtest_mimic::run(&args, trials);
    conformance::summary();
    conclusion.exit();
}

/// The file systems a build case runs through.
#[derive(Clone, Copy)]
enum Fs {
    Disk,
    Mem,
}

/// The tests of one case.
fn trials_of(case: Case) -> Vec<Trial> {
    let Case { name, what } = case;
    match what {
        What::Build(b) => {
            let b = Arc::new(b);
            [(Fs::Disk, "disk"), (Fs::Mem, "mem")]
                .into_iter()
                .map(|(fs, label)| {
                    let (b, name) = (b.clone(), name.clone());
                    Trial::ignorable_test(format!("{name}::{label}"), move || {
                        run_build(&name, &b, fs)
                    })
                })
                .collect()
        }
        What::Emit(dir) => vec![plain(name, move || compare::emit(&dir))],
        What::Parse(file) => vec![plain(name, move || {
            on_default_stack(move || compare::parse(&file))
        })],
        What::RoundTrip(files) => vec![plain(name, move || compare::round_trip(&files))],
        What::Truncate(files) => vec![plain(name, move || compare::truncations(&files))],
        What::Counts(counts) => vec![plain(name, move || {
            let short: Vec<String> = counts
                .iter()
                .filter(|c| c.found < c.at_least)
                .map(|c| {
                    format!(
                        "{}: {} found, at least {} expected",
                        c.what, c.found, c.at_least
                    )
                })
                .collect();
            if short.is_empty() {
                Ok(())
            } else {
                Err(short.join("\n"))
            }
        })],
        What::Unavailable(why) => vec![Trial::ignorable_test(name, move || {
            Ok(Completion::ignored_with(why))
        })],
    }
}

/// A test whose check gives a failure's text.
fn plain(name: String, check: impl FnOnce() -> compare::Verdict + Send + 'static) -> Trial {
    Trial::test(name, move || check().map_err(Failed::from))
}

/// Runs `f` on a spawned thread with the default stack: parser fixtures
/// nest values thousands deep (go-yaml allows 10000 levels), and they must
/// parse, compare and drop there. A panic there is a failure.
fn on_default_stack(f: impl FnOnce() -> compare::Verdict + Send + 'static) -> compare::Verdict {
    std::thread::Builder::new()
        .spawn(f)
        .map_err(|e| e.to_string())?
        .join()
        .map_err(|p| format!("panic: {}", panic_text(&*p)))?
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Builds a case through one file system and judges it; a conformance
/// case's outcome is tallied, and its failure tolerated (shown as ignored,
/// with the reason) when the ratchet allows it.
fn run_build(name: &str, case: &BuildCase, fs: Fs) -> Result<Completion, Failed> {
    let verdict =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_and_compare(case, fs)))
            .unwrap_or_else(|p| Err(format!("panic: {}", panic_text(&*p))));
    let Some(meta) = &case.conformance else {
        return verdict
            .map(|()| Completion::Completed)
            .map_err(Failed::from);
    };
    conformance::record(name, meta, verdict.is_ok());
    match (verdict, meta.tolerated()) {
        (Ok(()), _) => Ok(Completion::Completed),
        (Err(why), Some(reason)) => Ok(Completion::ignored_with(format!(
            "{reason}: {}",
            why.lines().next().unwrap_or("")
        ))),
        (Err(why), None) => Err(why.into()),
    }
}

fn build_and_compare(case: &BuildCase, fs: Fs) -> compare::Verdict {
    if !case.unknown_flags.is_empty() {
        return Err(format!(
            "flags the suite does not know: {:?}",
            case.unknown_flags
        ));
    }
    let rel = case
        .dir
        .strip_prefix(&case.tree)
        .map_err(|e| e.to_string())?;
    // Directories git cannot keep: on disk, a copy of the tree with them.
    let _copy;
    let (files, dir): (Arc<dyn FileSystem>, PathBuf) = match fs {
        Fs::Disk if case.empty_dirs.is_empty() => (Arc::new(DiskFs), case.dir.clone()),
        Fs::Disk => {
            let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
            copy_tree(&case.tree, tmp.path()).map_err(|e| format!("copying the tree: {e}"))?;
            for d in &case.empty_dirs {
                std::fs::create_dir_all(tmp.path().join(d)).map_err(|e| e.to_string())?;
            }
            let dir = tmp.path().join(rel);
            _copy = tmp;
            (Arc::new(DiskFs), dir)
        }
        Fs::Mem => {
            let (mem, root) = mem_tree(&case.tree)?;
            if case.empty_dirs.is_empty() {
                (mem, root.join(rel))
            } else {
                let mut mem = (*mem).clone();
                for d in &case.empty_dirs {
                    mem.add_dir(root.join(d));
                }
                (Arc::new(mem), root.join(rel))
            }
        }
    };
    let done = build(files, &dir, &case.opts);
    let got = done.result.and_then(|out| {
        let text = out.to_yaml()?;
        Ok((out, text))
    });
    compare::build(&case.expect, got)
}

/// The in-memory copy of a tree (made once, shared by its cases), and the
/// tree's canonical path, where the copy holds it.
fn mem_tree(tree: &Path) -> Result<(Arc<MemFs>, PathBuf), String> {
    static TREES: Mutex<Option<HashMap<PathBuf, Arc<MemFs>>>> = Mutex::new(None);
    let root = match std::fs::canonicalize(tree) {
        Ok(root) => root,
        // A tree that is not there (a case of an empty file system) is
        // not there in memory either.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let root = std::path::absolute(tree).map_err(|e| e.to_string())?;
            return Ok((Arc::new(MemFs::new()), root));
        }
        Err(e) => return Err(format!("{}: {e}", tree.display())),
    };
    let mut trees = TREES.lock().unwrap_or_else(|e| e.into_inner());
    let trees = trees.get_or_insert_with(HashMap::new);
    if let Some(fs) = trees.get(&root) {
        return Ok((fs.clone(), root));
    }
    let fs = Arc::new(MemFs::from_dir(&root).map_err(|e| format!("{}: {e}", root.display()))?);
    trees.insert(root.clone(), fs.clone());
    Ok((fs, root))
}

/// Copies a directory tree, links kept as links.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (p, t) = (entry.path(), to.join(entry.file_name()));
        let ty = entry.file_type()?;
        if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&p)?, &t)?;
        } else if ty.is_dir() {
            std::fs::create_dir_all(&t)?;
            copy_tree(&p, &t)?;
        } else {
            std::fs::copy(&p, &t)?;
        }
    }
    Ok(())
}
