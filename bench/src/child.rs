//! Running the real `leerroute` binary (and the servers it is compared with) as a child process: wall-clock time and the child's own
//! peak resident set size, read from `wait4` (per child, unlike `RUSAGE_CHILDREN`, which is
//! the maximum over every child reaped so far).

use std::{
    fs::File,
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

/// How to start `leerroute`: its path and the environment every command gets.
#[derive(Clone)]
pub struct Leerroute {
    pub binary: PathBuf,
    pub env: Vec<(String, String)>,
    /// Where stdout and stderr of each child are kept.
    pub log_dir: PathBuf,
}

/// What a finished child did.
pub struct Finished {
    pub success: bool,
    pub wall: Duration,
    pub peak_rss_mb: f64,
    /// User plus system CPU time of the child (on PostgreSQL: the Rust side only).
    pub cpu: Duration,
    pub stdout: String,
    pub stderr: String,
}

/// A child that is still running (the server).
pub struct Running {
    pid: libc::pid_t,
    started: Instant,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Leerroute {
    /// Starts `leerroute ARGS`; `name` names its log files.
    pub fn spawn(&self, args: &[&str], name: &str) -> Result<Running, String> {
        spawn_program(&self.binary, args, &self.env, None, &self.log_dir, name)
    }

    /// Runs `leerroute ARGS` to completion.
    pub async fn run(&self, args: &[&str], name: &str) -> Result<Finished, String> {
        self.spawn(args, name)?.wait().await
    }
}

/// Starts `program ARGS` with `env` added (in `cwd` when given); its stdout and stderr go to
/// `NAME.stdout` and `NAME.stderr` in `log_dir`.
pub fn spawn_program(
    program: &Path,
    args: &[&str],
    env: &[(String, String)],
    cwd: Option<&Path>,
    log_dir: &Path,
    name: &str,
) -> Result<Running, String> {
    let stdout = log_dir.join(format!("{name}.stdout"));
    let stderr = log_dir.join(format!("{name}.stderr"));
    let open = |path: &Path| {
        File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(open(&stdout)?)
        .stderr(open(&stderr)?);
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    // A child must not outlive the bench (a server left running would skew the next run).
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let started = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    // The std handle is dropped without waiting; `wait4` below reaps the child.
    Ok(Running {
        pid: child.id() as libc::pid_t,
        started,
        stdout,
        stderr,
    })
}

impl Running {
    /// The child's process id.
    pub fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// Waits for the child to exit on its own.
    pub async fn wait(self) -> Result<Finished, String> {
        let pid = self.pid;
        let (status, usage) = tokio::task::spawn_blocking(move || wait4(pid))
            .await
            .map_err(|e| format!("waiting for child failed: {e}"))??;
        let wall = self.started.elapsed();
        let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
        Ok(Finished {
            success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            wall,
            // Linux reports ru_maxrss in kilobytes.
            peak_rss_mb: usage.ru_maxrss as f64 / 1024.0,
            cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
            stdout: read(&self.stdout),
            stderr: read(&self.stderr),
        })
    }

    /// Asks the child to stop (SIGTERM: graceful shutdown) and waits for it.
    pub async fn stop(self) -> Result<Finished, String> {
        // SAFETY: `pid` is our own child, not reaped yet, so the id cannot have been reused.
        unsafe {
            libc::kill(self.pid, libc::SIGTERM);
        }
        self.wait().await
    }
}

fn seconds(time: libc::timeval) -> Duration {
    Duration::from_secs(time.tv_sec as u64) + Duration::from_micros(time.tv_usec as u64)
}

/// Reaps `pid`, returning its wait status and resource usage.
fn wait4(pid: libc::pid_t) -> Result<(libc::c_int, libc::rusage), String> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals of the right types.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            return Ok((status, usage));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4({pid}) failed: {error}"));
        }
    }
}
