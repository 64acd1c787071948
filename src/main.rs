//! The `strata` command line: argument parsing and output, over the
//! library's public API only.

mod alloc;
mod report;
mod write;

// The build is allocation-heavy (many small maps and strings); jemalloc
// measured faster than mimalloc and the system allocator here (src/alloc.rs).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOC: alloc::Allocator = alloc::Allocator;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata::RemoteCache;
use strata::{
    affected_with, build, diff_envs, diff_sides, environments, work_tree_side, work_tree_top,
    BuildOptions, DiffOptions, DiskFs, FileSystem, GitFs, LoadRestrictor, Reorder, RunCache, Shard,
    Side,
};

/// strata: a Git-native, kustomize-compatible manifest renderer.
#[derive(Parser, Debug)]
/// The version names the kustomize release whose output strata matches.
#[command(
    name = "strata",
    version = concat!(env!("CARGO_PKG_VERSION"), " (kustomize v5.8.1)"),
    about
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour errors (and the diff's text): auto colours when the output
    /// is a terminal and NO_COLOR is unset.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    color: ColorWhen,
    /// How errors are printed on stderr: text (the source line and a
    /// caret), or json (one object per error, for tools).
    #[arg(long, value_enum, default_value = "text", global = true)]
    error_format: ErrorFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ErrorFormat {
    Text,
    Json,
}

/// How errors are shown: set once from the global flags, before any work.
static STYLE: std::sync::OnceLock<report::Style> = std::sync::OnceLock::new();

/// The error style (plain text until the flags are read).
fn style() -> report::Style {
    STYLE.get().copied().unwrap_or(report::Style {
        color: false,
        json: false,
    })
}

/// Whether `color` asks for colour on a stream that `is_terminal` or not.
fn colored(color: ColorWhen, is_terminal: bool) -> bool {
    match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build a kustomization directory and print its resources (like `kustomize build`).
    Build(BuildArgs),
    /// List the environments of the repository (from strata.yaml, or discovered).
    Envs(EnvsArgs),
    /// Show rendered differences, resource by resource: the working tree
    /// against HEAD, two revisions (A..B or A B), or two environments.
    Diff(DiffArgs),
    /// List the environments whose rendered output differs between two
    /// revisions (A..B or A B), from the files each one reads.
    Affected(AffectedArgs),
    /// Print a shell completion script (e.g. `strata completions bash >
    /// /etc/bash_completion.d/strata`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Render environments from a source commit and commit the output to
    /// their target branches (no checkout; see docs/hydrate.md).
    Hydrate(HydrateArgs),
    /// Exit 1, with the diff, when hydrated output on the target branches
    /// is stale (for pre-commit and CI).
    Check(CheckArgs),
}

#[derive(clap::Args, Debug)]
struct AffectedArgs {
    /// A..B, or A B (an empty side of `..` is HEAD).
    #[arg(value_name = "REV", num_args = 1..=2, required = true)]
    revs: Vec<String>,
    /// Output format: names one per line, or a JSON array of {name, reason}.
    #[arg(long, value_enum, default_value = "text")]
    format: ListFormat,
    /// Consider only shard K of N of the environments (sorted by name,
    /// every N-th from the K-th), to spread the work over CI machines.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    #[command(flatten)]
    remote: RemoteArgs,
}

/// Where the git subcommands' remote bases come from: `build`'s own
/// `--cache-dir` and `--offline`.
#[derive(clap::Args, Debug)]
struct RemoteArgs {
    /// Where remote bases are cached (default: $STRATA_CACHE_DIR, else
    /// $XDG_CACHE_HOME/strata/remote, else ~/.cache/strata/remote).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Fetch no remote base: build from the cache, and fail on what it lacks.
    #[arg(long)]
    offline: bool,
}

impl RemoteArgs {
    /// The resolver these flags name.
    fn resolver(&self) -> Option<Arc<dyn strata::RemoteResolver>> {
        Some(Arc::new(RemoteCache::new(
            self.cache_dir
                .clone()
                .unwrap_or_else(RemoteCache::default_dir),
            self.offline,
        )))
    }
}

#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// Revisions: none (HEAD against the working tree), REV (REV against
    /// the working tree), A..B or A B (A against B; an empty side of `..`
    /// is HEAD).
    #[arg(value_name = "REV", num_args = 0..=2)]
    revs: Vec<String>,
    /// Only this environment (repeatable). Given twice with at most one
    /// revision: compare the two environments with each other, at that
    /// revision (the working tree without one).
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
    /// Output format (the text format is coloured as the global --color says).
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
    /// Exit with 1 when anything differs (errors exit with 2).
    #[arg(long)]
    exit_code: bool,
    /// Print Secrets' data and stringData values instead of masking them.
    #[arg(long)]
    show_secrets: bool,
    #[command(flatten)]
    remote: RemoteArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
struct EnvsArgs {
    /// List the environments as they are at this git revision.
    #[arg(long = "ref", value_name = "REV")]
    rev: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
struct BuildArgs {
    /// The kustomization directories (with --ref: relative to the
    /// repository's top). With several, they are built in parallel and
    /// their streams printed in order, each after a `# Source: DIR` line
    /// (or, with -o DIR, written one directory per root).
    #[arg(value_name = "DIR", default_value = ".")]
    dirs: Vec<PathBuf>,
    /// How many roots to build at once (0: one per core).
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Render DIR as it is at this git revision (a branch, tag, sha,
    /// `HEAD~2`), read from the repository that contains the current
    /// directory, without a checkout.
    #[arg(long = "ref", value_name = "REV")]
    rev: Option<String>,
    /// Write the output to this file, or, if it is an existing directory,
    /// one file per resource inside it.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Which files a kustomization may read.
    #[arg(long, value_enum, default_value = "LoadRestrictionsRootOnly")]
    load_restrictor: Restrictor,
    /// Output order (deprecated in kustomize; prefer sortOptions).
    #[arg(long, value_enum)]
    reorder: Option<ReorderArg>,
    /// Add the label app.kubernetes.io/managed-by to every resource.
    #[arg(long)]
    enable_managedby_label: bool,
    /// Enable helm chart inflation (not supported yet).
    #[arg(long)]
    enable_helm: bool,
    /// Enable alpha plugins (not supported yet).
    #[arg(long)]
    enable_alpha_plugins: bool,
    /// Enable exec plugins (not supported yet).
    #[arg(long)]
    enable_exec: bool,
    /// Path to the helm binary (accepted for compatibility).
    #[arg(long)]
    helm_command: Option<String>,
    /// Where remote bases are cached (default: $STRATA_CACHE_DIR, else
    /// $XDG_CACHE_HOME/strata/remote, else ~/.cache/strata/remote).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Fetch no remote base: build from the cache, and fail on what it lacks.
    #[arg(long)]
    offline: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Restrictor {
    #[value(name = "LoadRestrictionsRootOnly", alias = "rootOnly")]
    RootOnly,
    #[value(name = "LoadRestrictionsNone", alias = "none")]
    None,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReorderArg {
    Legacy,
    None,
}

fn main() {
    alloc::tune();
    std::process::exit(run());
}

/// Runs the command line; returns the process exit code.
fn run() -> i32 {
    let cli = Cli::parse();
    use std::io::IsTerminal;
    let _ = STYLE.set(report::Style {
        color: colored(cli.color, std::io::stderr().is_terminal()),
        json: cli.error_format == ErrorFormat::Json,
    });
    let color = cli.color;
    // The work runs on a thread of its own (the default stack suffices:
    // deep recursion grows its stack on demand) so that a bug that panics
    // is reported as an internal error with its own exit code.
    let worker = std::thread::Builder::new().spawn(move || match cli.command {
        // A stand-in for a bug, so tests can see how one is reported
        // (no input is known to panic).
        _ if std::env::var_os("STRATA_TEST_PANIC").is_some() => panic!("STRATA_TEST_PANIC is set"),
        Command::Build(args) => run_build(args),
        Command::Envs(args) => run_envs(args),
        Command::Diff(args) => run_diff(args, color),
        Command::Affected(args) => run_affected(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            // Into memory first: clap_complete panics on a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "strata", &mut script);
            match write_stdout(&String::from_utf8_lossy(&script)) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    report::message(style(), "io", &format!("writing output: {e}"));
                    1
                }
                _ => 0,
            }
        }
        Command::Hydrate(args) => run_hydrate(args),
        Command::Check(args) => run_check(args),
    });
    // Exit codes: 0 success, 1 input or build error, 2 usage error
    // (clap's), 3 internal error (a bug in strata).
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            report::message(
                style(),
                "internal",
                "internal error (the build thread failed)",
            );
            3
        }
    }
}

fn run_build(args: BuildArgs) -> i32 {
    if args.reorder.is_some() {
        eprintln!("Flag --reorder has been deprecated, use the new 'sortOptions' field in kustomization.yaml instead.");
    }
    let opts = BuildOptions {
        restrictor: match args.load_restrictor {
            Restrictor::RootOnly => LoadRestrictor::RootOnly,
            Restrictor::None => LoadRestrictor::None,
        },
        reorder: match args.reorder {
            None => Reorder::Unspecified,
            Some(ReorderArg::Legacy) => Reorder::Legacy,
            Some(ReorderArg::None) => Reorder::None,
        },
        managed_by_label: args.enable_managedby_label,
        remote: Some(Arc::new(RemoteCache::new(
            args.cache_dir
                .clone()
                .unwrap_or_else(RemoteCache::default_dir),
            args.offline,
        ))),
    };
    let (fs, roots): (Arc<dyn FileSystem>, Vec<PathBuf>) = match &args.rev {
        None => (Arc::new(DiskFs), args.dirs.clone()),
        Some(rev) => match GitFs::open(Path::new("."), rev) {
            Ok(fs) => (
                Arc::new(fs),
                args.dirs.iter().map(|d| Path::new("/").join(d)).collect(),
            ),
            Err(e) => {
                report::error(style(), None, &e);
                return 1;
            }
        },
    };
    if let [_] = roots.as_slice() {
        let done = build(fs, &roots[0], &opts);
        return print_build(done, None, args.output.as_deref(), true);
    }
    if let Some(out) = &args.output {
        if let Err(e) = std::fs::create_dir_all(out) {
            report::message(style(), "io", &format!("creating '{}': {e}", out.display()));
            return 1;
        }
    }
    // Each root is written as soon as it and the roots before it are built,
    // then dropped: memory holds the shared bases and the roots in flight,
    // not every output of the run.
    let progress = progress_bar(roots.len());
    let code = std::sync::atomic::AtomicI32::new(0);
    // Set when stdout is closed: nothing more is written, and the run
    // succeeds as a closed pipe always does.
    let closed = std::sync::atomic::AtomicBool::new(false);
    // Stdout takes text: each root is rendered on the thread that built it,
    // so one that waits for the roots before it holds text, not values.
    // Into a buffer a written root gave back: a new one per root grew by
    // doubling onto pages the allocator had just returned to the kernel
    // (a third of a 50-root run's page faults).
    let buffers = std::sync::Mutex::new(Vec::<String>::new());
    let prepare = |_: usize, b: strata::Build| match &args.output {
        None => {
            let mut text = buffers
                .lock()
                .ok()
                .and_then(|mut p| p.pop())
                .unwrap_or_default();
            let result = b.result.and_then(|out| out.write_yaml(&mut text));
            Prepared::Text(b.warnings, result.map(|()| text))
        }
        Some(_) => Prepared::Build(b),
    };
    let write_root = |i: usize, done: Prepared| {
        use std::sync::atomic::Ordering::Relaxed;
        progress.inc(1);
        if closed.load(Relaxed) {
            return;
        }
        let dir = &args.dirs[i];
        let target = match &args.output {
            None => None,
            Some(out) => match root_output_dir(out, dir) {
                Ok(t) => Some(t),
                Err(e) => {
                    progress.suspend(|| report::message(style(), "invalid", &e));
                    code.fetch_max(1, Relaxed);
                    return;
                }
            },
        };
        if target.is_none() {
            // Helm's convention: a document separator and the source.
            if write_stdout(&format!("---\n# Source: {}\n", dir.display())).is_err() {
                closed.store(true, Relaxed);
                return;
            }
        }
        let c = progress.suspend(|| match done {
            Prepared::Build(b) => print_build(b, Some(dir), target.as_deref(), false),
            Prepared::Text(warnings, text) => print_text(&warnings, text, Some(dir), |mut t| {
                t.clear();
                if let Ok(mut pool) = buffers.lock() {
                    pool.push(t);
                }
            }),
        });
        code.fetch_max(c, Relaxed);
    };
    RunCache::new(fs).build_each_prepared(&roots, &opts, args.jobs, &prepare, &write_root);
    progress.finish_and_clear();
    if closed.into_inner() {
        return 0;
    }
    code.into_inner()
}

/// A progress bar on stderr for a run of `n` builds: drawn only when stderr
/// is a terminal (indicatif hides it otherwise).
fn progress_bar(n: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(n as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} roots {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

/// Where root `dir`'s resources go under `-o OUT` when there are several
/// roots: `OUT/<dir>/`, `dir` cleaned of `.` (an absolute one taken from
/// `/`); a root above the current directory has no place there.
fn root_output_dir(out: &Path, dir: &Path) -> Result<PathBuf, String> {
    use std::path::Component;
    let mut rel = PathBuf::new();
    for c in dir.components() {
        match c {
            Component::Normal(n) => rel.push(n),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                if !rel.pop() {
                    return Err(format!(
                        "'{}' is outside the current directory: with several roots, -o names each root's output by its path below it",
                        dir.display()
                    ));
                }
            }
        }
    }
    let target = out.join(rel);
    std::fs::create_dir_all(&target)
        .map_err(|e| format!("creating '{}': {e}", target.display()))?;
    Ok(target)
}

/// A root's build as the writer of a many-root run takes it.
enum Prepared {
    /// For stdout: its warnings and its text (or why there is none).
    Text(Vec<String>, strata::Result<String>),
    /// For `-o`: the build, whose resources may go to files of their own.
    Build(strata::Build),
}

/// Prints a root's warnings, then its error (naming `root` when there are
/// several) or writes its result with `write`; returns the exit code.
fn report_and_write<T>(
    warnings: &[String],
    result: strata::Result<T>,
    root: Option<&Path>,
    write: impl FnOnce(T) -> Result<(), String>,
) -> i32 {
    for w in warnings {
        eprintln!("{w}");
    }
    let written = match result {
        Ok(r) => write(r),
        Err(e) => {
            report::error(style(), root, &e);
            return 1;
        }
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            report::message(style(), "io", &e);
            1
        }
    }
}

/// Writes a rendered root to stdout, as [`print_build`] does a build, then
/// hands the text to `done` (to reuse its buffer).
fn print_text(
    warnings: &[String],
    text: strata::Result<String>,
    root: Option<&Path>,
    done: impl FnOnce(String),
) -> i32 {
    report_and_write(warnings, text, root, |t| {
        let written = write_text(&t);
        done(t);
        written
    })
}

/// Writes to stdout; a closed pipe is no error (the reader has enough).
fn write_text(text: &str) -> Result<(), String> {
    match write_stdout(text) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("writing output: {e}")),
        _ => Ok(()),
    }
}

/// Prints one build's warnings and error (naming `root` when there are
/// several) and writes its output: to stdout, a file, or a directory
/// (`single`: a lone root, whose `output` may name a file; with several
/// roots each `output` is a directory).
fn print_build(
    done: strata::Build,
    root: Option<&Path>,
    output: Option<&Path>,
    single: bool,
) -> i32 {
    let result = done.result.and_then(|out| {
        let text = out.to_yaml()?;
        Ok((out, text))
    });
    report_and_write(&done.warnings, result, root, |(out, text)| {
        let written = match output {
            None => write_text(&text),
            Some(p) if !single || p.is_dir() => write::write_dir(p, &out),
            Some(p) => write::write_file(p, text.as_bytes()),
        };
        if single {
            // The process ends after its one root: freeing a large build's
            // values node by node (a tenth of a 12 MB run) is left to the OS.
            std::mem::forget((out, text));
        }
        written
    })
}

/// A tree of the repository around the current directory: the working
/// tree (or the current directory outside a repository) when `rev` is
/// `None`, else that revision. Returns the file system and its top.
fn open_tree(rev: Option<&str>) -> strata::Result<(Arc<dyn FileSystem>, PathBuf)> {
    match rev {
        None => {
            let top = work_tree_top(Path::new(".")).unwrap_or_else(|| PathBuf::from("."));
            Ok((Arc::new(DiskFs), top))
        }
        Some(rev) => Ok((
            Arc::new(GitFs::open(Path::new("."), rev)?),
            PathBuf::from("/"),
        )),
    }
}

fn run_envs(args: EnvsArgs) -> i32 {
    let listed = open_tree(args.rev.as_deref()).and_then(|(fs, top)| environments(&*fs, &top));
    let envs = match listed {
        Ok(e) => e,
        Err(e) => {
            report::error(style(), None, &e);
            return 1;
        }
    };
    let text = match args.format {
        ListFormat::Json => envs.to_json(),
        ListFormat::Text => {
            let mut t = String::new();
            for e in &envs.list {
                t.push_str(&format!("{}\t{}\n", e.name, e.source.display()));
            }
            t
        }
    };
    match write_stdout(&text) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            report::message(style(), "io", &format!("writing output: {e}"));
            1
        }
        _ => 0,
    }
}

/// One side of a diff: a revision, or the working tree for `None`.
fn open_side(rev: Option<&str>) -> Result<Side, String> {
    match rev {
        None => {
            let top = work_tree_top(Path::new(".")).ok_or(
                "not in a git repository with a working tree (name two revisions instead)",
            )?;
            Ok(work_tree_side(&top))
        }
        Some(rev) => {
            let rev = if rev.is_empty() { "HEAD" } else { rev };
            Ok(Side::new(
                Arc::new(GitFs::open(Path::new("."), rev).map_err(|e| e.to_string())?),
                PathBuf::from("/"),
                rev.to_string(),
            ))
        }
    }
}

fn run_diff(args: DiffArgs, color: ColorWhen) -> i32 {
    let opts = DiffOptions {
        show_secrets: args.show_secrets,
        ..DiffOptions::default()
    };
    let remote = args.remote.resolver();
    let open_side = |rev| open_side(rev).map(|s| s.with_remote(remote.clone()));
    let report = (|| {
        if args.envs.len() == 2 && args.revs.len() <= 1 {
            let side = open_side(args.revs.first().map(String::as_str))?;
            return diff_envs(&side, &args.envs[0], &args.envs[1], &opts)
                .map_err(|e| e.to_string());
        }
        let (old, new) = match args.revs.as_slice() {
            [] => (Some("HEAD"), None),
            [range] => match range.split_once("..") {
                Some((a, b)) => (Some(a), Some(b)),
                None => (Some(range.as_str()), None),
            },
            [a, b, ..] => (Some(a.as_str()), Some(b.as_str())),
        };
        diff_sides(&open_side(old)?, &open_side(new)?, &args.envs, &opts).map_err(|e| e.to_string())
    })();
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            report::message(style(), "invalid", &e);
            return 2;
        }
    };
    for w in &report.warnings {
        eprintln!("{w}");
    }
    // The environments that rendered were compared; those that did not are
    // named here and in the report, and make the exit code 2.
    let mut failed = false;
    for (name, e) in report.errors() {
        eprintln!("error: {name}: {e}");
        failed = true;
    }
    let text = match args.format {
        DiffFormat::Json => report.to_json(),
        DiffFormat::Markdown => report.to_markdown(),
        DiffFormat::Text => report.to_text({
            use std::io::IsTerminal;
            colored(color, std::io::stdout().is_terminal())
        }),
    };
    match write_stdout(&text) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            report::message(style(), "io", &format!("writing output: {e}"));
            return 2;
        }
        _ => {}
    }
    if failed {
        return 2;
    }
    i32::from(args.exit_code && report.differs())
}

fn run_affected(args: AffectedArgs) -> i32 {
    let (a, b) = match args.revs.as_slice() {
        [range] => match range.split_once("..") {
            Some(pair) => pair,
            None => {
                report::message(
                    style(),
                    "usage",
                    &format!("'{range}' is not a range A..B (or give two revisions: A B)"),
                );
                return 2;
            }
        },
        [a, b, ..] => (a.as_str(), b.as_str()),
        [] => unreachable!("clap requires a revision"),
    };
    let open = |rev: &str| {
        let rev = if rev.is_empty() { "HEAD" } else { rev };
        GitFs::open(Path::new("."), rev).map(Arc::new)
    };
    let found = open(a)
        .and_then(|a| Ok((a, open(b)?)))
        .and_then(|(a, b)| affected_with(a, b, args.shard, args.remote.resolver()));
    let report = match found {
        Ok(r) => r,
        Err(e) => {
            report::error(style(), None, &e);
            return 1;
        }
    };
    let text = match args.format {
        ListFormat::Json => report.to_json(),
        ListFormat::Text => report.to_text(),
    };
    match write_stdout(&text) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            report::message(style(), "io", &format!("writing output: {e}"));
            1
        }
        _ => 0,
    }
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

// ---- hydrate ----

#[derive(clap::Args, Debug)]
struct HydrateArgs {
    /// The source revision to render.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    source: String,
    /// Only this environment (repeatable).
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
    /// One manifest.yaml per environment, or one file per resource.
    #[arg(long, value_enum, default_value = "single")]
    layout: LayoutArg,
    /// Print what each branch would get; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Keep the paths of environments the source no longer defines.
    #[arg(long)]
    keep_removed: bool,
    /// Start a missing branch from this revision (default: an orphan).
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Author of the hydrated commits, `Name <email>` (default:
    /// `hydration.author` in strata.yaml, else the source commit's).
    #[arg(long, value_name = "IDENT")]
    author: Option<String>,
    /// Committer of the hydrated commits, `Name <email>` (default:
    /// `hydration.committer` in strata.yaml, else the source commit's).
    #[arg(long, value_name = "IDENT")]
    committer: Option<String>,
    /// Push the branches that moved to this remote (atomically, each with
    /// a lease on its value before the run).
    #[arg(long, value_name = "REMOTE", conflicts_with = "dry_run")]
    push: Option<String>,
    #[command(flatten)]
    remote: RemoteArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LayoutArg {
    Single,
    PerResource,
}

fn run_hydrate(args: HydrateArgs) -> i32 {
    let ident = |s: &Option<String>| s.as_deref().map(strata::Identity::parse).transpose();
    let (author, committer) = match (ident(&args.author), ident(&args.committer)) {
        (Ok(a), Ok(c)) => (a, c),
        (Err(e), _) | (_, Err(e)) => {
            report::message(style(), "usage", &e);
            return 2;
        }
    };
    let opts = strata::HydrateOptions {
        source: args.source,
        envs: args.envs,
        layout: match args.layout {
            LayoutArg::Single => strata::Layout::Single,
            LayoutArg::PerResource => strata::Layout::PerResource,
        },
        dry_run: args.dry_run,
        keep_removed: args.keep_removed,
        base: args.base,
        author,
        committer,
        remote: args.remote.resolver(),
        ..strata::HydrateOptions::default()
    };
    let report = match strata::hydrate(Path::new("."), &opts) {
        Ok(r) => r,
        Err(e) => {
            report::error(style(), None, &e);
            return 1;
        }
    };
    for w in &report.warnings {
        eprintln!("{w}");
    }
    let _ = write_stdout(&report.to_text());
    if let Some(remote) = &args.push {
        if let Err(e) = strata::push_branches(Path::new("."), remote, &report) {
            report::error(style(), None, &e);
            return 1;
        }
    }
    0
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Check every environment, not only those affected since their
    /// hydrated source.
    #[arg(long)]
    all: bool,
    /// The source revision to compare with.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    source: String,
    /// Render the working tree instead of a revision (for a pre-commit
    /// hook: what is being committed); checks every environment.
    #[arg(long, conflicts_with = "source")]
    work_tree: bool,
    #[command(flatten)]
    remote: RemoteArgs,
}

fn run_check(args: CheckArgs) -> i32 {
    let opts = strata::CheckOptions {
        source: args.source,
        work_tree: args.work_tree,
        all: args.all,
        remote: args.remote.resolver(),
    };
    match strata::check_with(Path::new("."), &opts) {
        Ok(report) => {
            let stale = !report.stale.is_empty();
            let _ = write_stdout(&report.to_text());
            i32::from(stale)
        }
        Err(e) => {
            report::error(style(), None, &e);
            2
        }
    }
}
