//! [`TokenEndpoint`]: a tiny HTTP server standing in for an OAuth token URI.
//!
//! Each request gets the next canned response (the last one repeats); the
//! request bodies are kept so tests can check what was sent.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A local token endpoint; stops when dropped.
pub struct TokenEndpoint {
    /// `http://127.0.0.1:PORT/token`.
    url: String,
    /// Form bodies received, in order.
    requests: Arc<Mutex<Vec<String>>>,
    /// The accept loop.
    task: tokio::task::JoinHandle<()>,
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if data.len() >= end + 4 + length {
            return Some(String::from_utf8_lossy(&data[end + 4..end + 4 + length]).into_owned());
        }
    }
}

impl TokenEndpoint {
    /// Serves `responses` as (HTTP status, JSON body), one per request.
    pub async fn start(responses: Vec<(u16, String)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/token", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let task = tokio::spawn(async move {
            let mut served = 0usize;
            while let Ok((mut stream, _)) = listener.accept().await {
                let Some(body) = read_request(&mut stream).await else {
                    continue;
                };
                seen.lock().unwrap().push(body);
                let (status, json) = responses[served.min(responses.len() - 1)].clone();
                served += 1;
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{json}",
                    json.len()
                );
                stream.write_all(answer.as_bytes()).await.ok();
                stream.shutdown().await.ok();
            }
        });
        Self {
            url,
            requests,
            task,
        }
    }

    /// The token URI to configure.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Request bodies received so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for TokenEndpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}
