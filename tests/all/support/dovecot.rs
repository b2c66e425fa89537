//! A real Dovecot (IMAP + LMTP) per test, in a temp dir, on free ports.
//!
//! Runs `dovecot -c <dir>/dovecot.conf -F` as a child process with its own
//! `base_dir`, `state_dir` and log. As root, Dovecot refuses to run login
//! processes as root, so logins run as `dovenull`, internal processes as
//! `dovecot`, the static userdb maps every user to the `dovecot` uid/gid and
//! the mail directories are owned by it. Users live in a passwd-file with
//! `{PLAIN}` passwords, re-read by Dovecot on change; LMTP accepts mail for
//! any user name (`allow_all_users`), so delivering creates the mailbox.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::{
    chown, dot_stuff, free_port, is_root, require_binary, self_signed_cert, terminate, user_ids,
    wait_for_port,
};

/// A running (or stopped, between `stop` and `start_again`) Dovecot.
pub struct Dovecot {
    /// Everything Dovecot writes: config, sockets, state, log, mail.
    dir: tempfile::TempDir,
    /// Plain IMAP port.
    imap_port: u16,
    /// IMAP over TLS port, when started with TLS.
    imaps_port: Option<u16>,
    /// LMTP port for delivery.
    lmtp_port: u16,
    /// `dovecot -F`; `None` while stopped.
    child: Option<Child>,
    /// user → password, to read mailboxes back over IMAP.
    users: Mutex<HashMap<String, String>>,
}

fn imap_error(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Dovecot {
    /// Starts Dovecot with plain IMAP and LMTP.
    pub fn start() -> Self {
        Self::launch(false)
    }

    /// Starts Dovecot also serving IMAP over TLS with a self-signed
    /// certificate for `localhost` (see [`Dovecot::cert_path`]).
    pub fn start_with_tls() -> Self {
        Self::launch(true)
    }

    fn launch(tls: bool) -> Self {
        require_binary("dovecot");
        let dir = tempfile::Builder::new()
            .prefix("mailbot-dovecot-")
            .tempdir()
            .expect("temp dir");
        // Dovecot's unprivileged processes must reach the mail directories.
        Command::new("chmod")
            .arg("755")
            .arg(dir.path())
            .status()
            .ok();
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        std::fs::write(dir.path().join("users"), "").expect("users file");
        if is_root() {
            let (uid, gid) = user_ids("dovecot");
            chown(&dir.path().join("mail"), uid, gid);
        }
        if tls {
            self_signed_cert(dir.path());
        }
        let mut dovecot = Self {
            dir,
            imap_port: 0,
            imaps_port: None,
            lmtp_port: 0,
            child: None,
            users: Mutex::new(HashMap::new()),
        };
        for attempt in 0..5 {
            dovecot.imap_port = free_port();
            dovecot.lmtp_port = free_port();
            dovecot.imaps_port = tls.then(free_port);
            if dovecot.try_start() {
                return dovecot;
            }
            eprintln!("dovecot did not start (attempt {attempt}), retrying on other ports");
        }
        panic!("dovecot did not start; log:\n{}", dovecot.log());
    }

    /// The server's configuration. `mail_fsync = never`: a test mailbox
    /// needs no durability against power loss, and fsyncs of the fixture
    /// would take disk time from the host under test on the same machine.
    fn config(&self) -> String {
        let root = self.dir.path().display();
        let (uid, gid) = if is_root() {
            user_ids("dovecot")
        } else {
            (0, 0)
        };
        let (ssl, imaps) = match self.imaps_port {
            Some(port) => (
                format!("ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem\n"),
                format!(
                    "  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {port}\n    ssl = yes\n  }}\n"
                ),
            ),
            None => (
                "ssl = no\n".to_owned(),
                "  inet_listener imaps {\n    port = 0\n  }\n".to_owned(),
            ),
        };
        format!(
            "protocols = imap lmtp\n\
             listen = 127.0.0.1\n\
             base_dir = {root}/run\n\
             state_dir = {root}/state\n\
             instance_name = mailbot-test-{imap}\n\
             log_path = {root}/dovecot.log\n\
             info_log_path = {root}/dovecot.log\n\
             {ssl}\
             disable_plaintext_auth = no\n\
             auth_mechanisms = plain login\n\
             default_login_user = dovenull\n\
             default_internal_user = dovecot\n\
             first_valid_uid = 1\n\
             mail_location = maildir:{root}/mail/%u\n\
             mail_fsync = never\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {root}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={root}/mail/%u allow_all_users=yes\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {imap}\n  }}\n{imaps}}}\n\
             service lmtp {{\n  inet_listener lmtp {{\n    address = 127.0.0.1\n    port = {lmtp}\n  }}\n}}\n\
             protocol lmtp {{\n  postmaster_address = postmaster@localhost\n}}\n",
            imap = self.imap_port,
            lmtp = self.lmtp_port,
        )
    }

    /// Starts the process on the current ports; false if it did not come up.
    fn try_start(&mut self) -> bool {
        let conf = self.dir.path().join("dovecot.conf");
        std::fs::write(&conf, self.config()).expect("write dovecot.conf");
        let mut child = Command::new(require_binary("dovecot"))
            .arg("-c")
            .arg(&conf)
            .arg("-F")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn dovecot");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            let up = wait_for_port(self.imap_port, Duration::from_millis(50))
                && wait_for_port(self.lmtp_port, Duration::from_millis(50))
                && self
                    .imaps_port
                    .is_none_or(|p| wait_for_port(p, Duration::from_millis(50)));
            if up {
                self.child = Some(child);
                return true;
            }
        }
        child.kill().ok();
        child.wait().ok();
        false
    }

    /// Stops Dovecot (SIGTERM, then SIGKILL after 5 s); mail stays on disk.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        terminate(child.id());
        // Dovecot leaves running imap processes serving their clients after
        // the master stops; a test of a server restart needs them gone.
        // One that ended meanwhile is fine: say nothing about it.
        for pid in self.instance_pids() {
            Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stderr(std::process::Stdio::null())
                .status()
                .ok();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().ok();
        child.wait().ok();
    }

    /// Processes of this instance (titles `dovecot-<instance_name>/...`).
    fn instance_pids(&self) -> Vec<u32> {
        let title = format!("dovecot-mailbot-test-{}/", self.imap_port);
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|cmd| cmd.starts_with(title.as_bytes()))
            })
            .collect()
    }

    /// Starts again on the same ports after [`Dovecot::stop`].
    pub fn start_again(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if self.try_start() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("dovecot did not restart; log:\n{}", self.log());
    }

    /// Stops and starts again on the same ports (clients are disconnected).
    pub fn restart(&mut self) {
        self.stop();
        self.start_again();
    }

    /// Adds a user (or changes their password). Names are full addresses.
    pub fn add_user(&self, name: &str, password: &str) {
        let mut users = self.users.lock().unwrap();
        users.insert(name.to_owned(), password.to_owned());
        let file: String = users
            .iter()
            .map(|(u, p)| format!("{u}:{{PLAIN}}{p}\n"))
            .collect();
        let tmp = self.dir.path().join("users.tmp");
        std::fs::write(&tmp, file).expect("write users");
        std::fs::rename(tmp, self.dir.path().join("users")).expect("replace users");
    }

    /// Plain IMAP port on 127.0.0.1.
    pub fn imap_port(&self) -> u16 {
        self.imap_port
    }

    /// IMAP-over-TLS port, when started with [`Dovecot::start_with_tls`].
    pub fn imaps_port(&self) -> Option<u16> {
        self.imaps_port
    }

    /// LMTP port on 127.0.0.1.
    pub fn lmtp_port(&self) -> u16 {
        self.lmtp_port
    }

    /// The self-signed certificate (trust it as a root), with TLS.
    pub fn cert_path(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    /// Dovecot's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// The temp dir holding everything.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Delivers a message into `user`'s INBOX over LMTP.
    pub async fn deliver(&self, user: &str, raw: &[u8]) {
        lmtp_deliver(self.lmtp_port, "sender@localhost", &[user.to_owned()], raw)
            .await
            .unwrap_or_else(|e| panic!("lmtp delivery to {user} failed: {e}\n{}", self.log()));
    }

    async fn session(&self, user: &str) -> async_imap::Session<TcpStream> {
        let password = self
            .users
            .lock()
            .unwrap()
            .get(user)
            .cloned()
            .unwrap_or_else(|| panic!("{user} was not added with add_user"));
        let tcp = TcpStream::connect(("127.0.0.1", self.imap_port))
            .await
            .expect("connect to dovecot imap");
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.expect("greeting");
        let mut session = client
            .login(user, password)
            .await
            .map_err(|(e, _)| e)
            .expect("imap login");
        session.select("INBOX").await.expect("select INBOX");
        session
    }

    /// Every message in `user`'s INBOX, oldest first, read without marking.
    pub async fn fetch_all(&self, user: &str) -> Vec<Vec<u8>> {
        let mut session = self.session(user).await;
        let messages = fetch_bodies(&mut session).await.expect("fetch");
        session.logout().await.ok();
        messages
    }

    /// UIDs of messages in `user`'s INBOX without `\Seen`, ascending.
    pub async fn unseen_uids(&self, user: &str) -> Vec<u32> {
        let mut session = self.session(user).await;
        let mut uids: Vec<u32> = session
            .uid_search("UNSEEN")
            .await
            .expect("search")
            .into_iter()
            .collect();
        session.logout().await.ok();
        uids.sort_unstable();
        uids
    }

    /// Sets `\Seen` on one message, as another mail client reading it would.
    pub async fn mark_seen(&self, user: &str, uid: u32) {
        let mut session = self.session(user).await;
        let _: Vec<_> = session
            .uid_store(uid.to_string(), "+FLAGS (\\Seen)")
            .await
            .expect("store")
            .try_collect()
            .await
            .expect("store");
        session.logout().await.ok();
    }

    /// Waits until `user`'s INBOX holds at least `n` messages; returns them.
    pub async fn wait_for_messages(&self, user: &str, n: usize, timeout: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.fetch_all(user).await;
            if messages.len() >= n {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "{user} has {} message(s), expected {n} within {timeout:?}",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn fetch_bodies(
    session: &mut async_imap::Session<TcpStream>,
) -> Result<Vec<Vec<u8>>, String> {
    let mailbox = session.examine("INBOX").await.map_err(imap_error)?;
    if mailbox.exists == 0 {
        return Ok(Vec::new());
    }
    let mut fetched: Vec<(u32, Vec<u8>)> = session
        .uid_fetch("1:*", "(UID BODY.PEEK[])")
        .await
        .map_err(imap_error)?
        .try_filter_map(|f| async move { Ok(f.uid.zip(f.body().map(<[u8]>::to_vec))) })
        .try_collect()
        .await
        .map_err(imap_error)?;
    fetched.sort_by_key(|(uid, _)| *uid);
    Ok(fetched.into_iter().map(|(_, raw)| raw).collect())
}

/// Delivers one message over LMTP to `recipients` at `127.0.0.1:port`, in
/// a session of its own. Fails unless every recipient got a 2xx.
pub async fn lmtp_deliver(
    port: u16,
    from: &str,
    recipients: &[String],
    raw: &[u8],
) -> Result<(), String> {
    let mut session = LmtpSession::connect(port).await?;
    session.deliver(from, recipients, raw).await?;
    session.quit().await;
    Ok(())
}

/// One LMTP connection that delivers message after message, as an MTA's
/// LMTP client with connection caching does.
pub struct LmtpSession {
    read: BufReader<tokio::net::tcp::OwnedReadHalf>,
    write: tokio::net::tcp::OwnedWriteHalf,
}

impl LmtpSession {
    /// Connects to `127.0.0.1:port` and greets the server.
    pub async fn connect(port: u16) -> Result<Self, String> {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let (read, write) = stream.into_split();
        let mut session = LmtpSession {
            read: BufReader::new(read),
            write,
        };
        session.expect('2').await?;
        session.send(b"LHLO localhost\r\n").await?;
        session.expect('2').await?;
        Ok(session)
    }

    /// Delivers one message to `recipients` (one transaction); fails unless
    /// every recipient got a 2xx.
    pub async fn deliver(
        &mut self,
        from: &str,
        recipients: &[String],
        raw: &[u8],
    ) -> Result<(), String> {
        let mut commands = format!("MAIL FROM:<{from}>\r\n");
        for rcpt in recipients {
            commands.push_str(&format!("RCPT TO:<{rcpt}>\r\n"));
        }
        commands.push_str("DATA\r\n");
        self.send(commands.as_bytes()).await?;
        for _ in 0..(1 + recipients.len()) {
            self.expect('2').await?;
        }
        self.expect('3').await?;
        let mut data = dot_stuff(raw);
        data.extend_from_slice(b".\r\n");
        self.send(&data).await?;
        for _ in recipients {
            self.expect('2').await?;
        }
        Ok(())
    }

    /// Ends the session.
    pub async fn quit(mut self) {
        self.send(b"QUIT\r\n").await.ok();
    }

    async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.write.write_all(bytes).await.map_err(|e| e.to_string())
    }

    /// Reads a whole (possibly multi-line) reply; fails unless its code
    /// starts with `code`.
    async fn expect(&mut self, code: char) -> Result<(), String> {
        loop {
            let mut line = String::new();
            if self
                .read
                .read_line(&mut line)
                .await
                .map_err(|e| e.to_string())?
                == 0
            {
                return Err("connection closed".into());
            }
            if line.as_bytes().get(3) == Some(&b'-') {
                continue;
            }
            return if line.starts_with(code) {
                Ok(())
            } else {
                Err(line.trim_end().to_owned())
            };
        }
    }
}
