//! The load generator's HTTP/1.1 client: one keep-alive connection, one
//! request at a time, written from a buffer reused for every request and
//! read into another, with `httparse` for the status line and headers.
//!
//! Why not hyper's client: it shares two cores with the server it
//! measures, and perf showed hyper's client dispatch at ~16% of the run's
//! CPU (a task per connection, a header map and a body future per
//! request) where a wrk-style loop costs a fraction of that. Only what the
//! bench's own server sends is understood: a `content-length` body; a
//! chunked or unparseable answer counts as a failed request.

use std::io::Write as _;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bound on one answer (headers and body): the bench's answers are an
/// order or a problem document, a few KiB at most.
const MAX_ANSWER: usize = 256 * 1024;
/// Headers one answer may carry.
const MAX_HEADERS: usize = 32;

/// A status code and body, borrowed from the connection's read buffer.
pub struct Reply<'a> {
    pub status: u16,
    pub body: &'a [u8],
}

pub struct Conn {
    stream: TcpStream,
    host: String,
    out: Vec<u8>,
    buf: Vec<u8>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> anyhow::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            host: addr.to_string(),
            out: Vec::with_capacity(512),
            buf: Vec::with_capacity(8 * 1024),
        })
    }

    /// POSTs a JSON body with a bearer token and an idempotency key;
    /// `None` if the connection failed or the answer made no sense.
    pub async fn post(
        &mut self,
        path: &str,
        token: &str,
        key: &str,
        body: &[u8],
    ) -> Option<Reply<'_>> {
        self.out.clear();
        write!(
            self.out,
            "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
             authorization: Bearer {token}\r\nidempotency-key: {key}\r\n\
             content-length: {}\r\n\r\n",
            self.host,
            body.len()
        )
        .ok()?;
        self.out.extend_from_slice(body);
        self.exchange().await
    }

    /// GETs a resource with a bearer token.
    pub async fn get(&mut self, path: &str, token: &str) -> Option<Reply<'_>> {
        self.out.clear();
        write!(
            self.out,
            "GET {path} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {token}\r\n\r\n",
            self.host
        )
        .ok()?;
        self.exchange().await
    }

    async fn exchange(&mut self) -> Option<Reply<'_>> {
        self.stream.write_all(&self.out).await.ok()?;
        self.read_reply().await
    }

    async fn read_reply(&mut self) -> Option<Reply<'_>> {
        self.buf.clear();
        let (status, head, length) = loop {
            if self.fill().await? == 0 {
                return None;
            }
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut res = httparse::Response::new(&mut headers);
            match res.parse(&self.buf).ok()? {
                httparse::Status::Complete(head) => {
                    let length = content_length(res.headers)?;
                    break (res.code?, head, length);
                }
                httparse::Status::Partial => continue,
            }
        };
        let end = head.checked_add(length).filter(|e| *e <= MAX_ANSWER)?;
        while self.buf.len() < end {
            if self.fill().await? == 0 {
                return None;
            }
        }
        // One request at a time: nothing may follow the answer.
        if self.buf.len() != end {
            return None;
        }
        Some(Reply {
            status,
            body: self.buf.get(head..end)?,
        })
    }

    /// Reads more of the answer; `Some(0)` at end of stream.
    async fn fill(&mut self) -> Option<usize> {
        if self.buf.len() >= MAX_ANSWER {
            return None;
        }
        self.buf.reserve(16 * 1024);
        // Into the spare capacity: no zeroing of the buffer per read.
        self.stream.read_buf(&mut self.buf).await.ok()
    }
}

/// The body length an answer declares; chunked bodies are not expected.
fn content_length(headers: &[httparse::Header<'_>]) -> Option<usize> {
    let mut length = None;
    for h in headers {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            return None;
        }
        if h.name.eq_ignore_ascii_case("content-length") {
            length = Some(std::str::from_utf8(h.value).ok()?.trim().parse().ok()?);
        }
    }
    // No length and no chunking: an empty body (204, or a bare status).
    Some(length.unwrap_or(0))
}
