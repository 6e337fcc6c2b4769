//! Servers under test as child processes: started on 127.0.0.1 port 0, found by their
//! `listening on http://HOST:PORT` first stdout line, measured through `/proc`, killed on drop.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server process.
pub struct Server {
    child: Child,
    /// Kept open so a late write to stdout never fails with a broken pipe.
    _stdout: BufReader<ChildStdout>,
    /// Where it listens.
    pub addr: SocketAddr,
    /// When it was spawned.
    pub spawned: Instant,
}

impl Server {
    /// Spawns `program args…` and waits for its `listening on` line.
    pub fn spawn(program: &Path, args: &[&str]) -> Result<Server, String> {
        let spawned = Instant::now();
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", program.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut line = String::new();
        let read = stdout.read_line(&mut line);
        let addr = match read {
            Ok(_) => line
                .trim()
                .strip_prefix("listening on http://")
                .and_then(|addr| addr.parse::<SocketAddr>().ok()),
            Err(_) => None,
        };
        match addr {
            Some(addr) => Ok(Server {
                child,
                _stdout: stdout,
                addr,
                spawned,
            }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!(
                    "{} did not print `listening on http://HOST:PORT` (got {line:?})",
                    program.display()
                ))
            }
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory (VmRSS), in bytes.
    pub fn rss_bytes(&self) -> Result<u64, String> {
        rss_bytes(self.pid())
    }

    /// CPU time (user + system) the process used so far.
    pub fn cpu_time(&self) -> Result<Duration, String> {
        cpu_time(self.pid())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// VmRSS of a process, in bytes.
pub fn rss_bytes(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|error| format!("cannot read /proc/{pid}/status: {error}"))?;
    parse_vm_rss(&status).ok_or_else(|| format!("no VmRSS in /proc/{pid}/status"))
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// utime + stime of a process (from `/proc/PID/stat`, in clock ticks of 1/100 s).
pub fn cpu_time(pid: u32) -> Result<Duration, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|error| format!("cannot read /proc/{pid}/stat: {error}"))?;
    // The command name is in parentheses and may hold spaces: fields count from after it.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("a malformed stat")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // After ")": state(0) ppid … utime is field 14 of the line, index 11 here; stime index 12.
    Ok(Duration::from_millis((ticks(11) + ticks(12)) * 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_rss_is_read_in_kilobytes() {
        let status = "Name:\tportals-mock\nVmPeak:\t  20000 kB\nVmRSS:\t    9876 kB\nThreads:\t3\n";
        assert_eq!(parse_vm_rss(status), Some(9876 * 1024));
        assert_eq!(parse_vm_rss("Name: x\n"), None);
    }

    #[test]
    fn our_own_process_has_a_resident_size_and_cpu_time() {
        let pid = std::process::id();
        assert!(rss_bytes(pid).unwrap() > 0);
        assert!(cpu_time(pid).is_ok());
    }
}
