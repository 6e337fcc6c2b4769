//! A small HTTP/1.1 keep-alive client over one tokio `TcpStream`: one request at a time, answers
//! framed by `Content-Length` (what hyper sends for a full body; 204 and 304 have none).
//!
//! It uses the stream's readiness (`try_read`/`try_write`), so it needs no tokio feature the
//! workspace does not already build.

use std::io;
use std::net::SocketAddr;

use tokio::net::TcpStream;

/// An answer: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text (lossy), for error messages and id extraction.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A request's bytes: the request line, `Host`, an optional `Authorization`, and an optional
/// body with its content type.
pub fn request(
    method: &str,
    host: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &str)>,
) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    if let Some(token) = token {
        out.push_str("Authorization: Zoho-oauthtoken ");
        out.push_str(token);
        out.push_str("\r\n");
    }
    match body {
        Some((content_type, body)) => {
            out.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            ));
            out.push_str(body);
        }
        None if method == "POST" || method == "PUT" => out.push_str("Content-Length: 0\r\n\r\n"),
        None => out.push_str("\r\n"),
    }
    out.into_bytes()
}

/// A GET's bytes with an `Authorization` header given whole (`Bearer …`, `Zoho-oauthtoken …`).
pub fn get_as(host: &str, path: &str, authorization: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {authorization}\r\n\r\n")
        .into_bytes()
}

/// One keep-alive connection.
pub struct Conn {
    addr: SocketAddr,
    stream: TcpStream,
    buf: Vec<u8>,
    len: usize,
}

impl Conn {
    /// Connects (with `TCP_NODELAY`, as real clients of a JSON API do).
    pub async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            addr,
            stream,
            buf: vec![0; 64 * 1024],
            len: 0,
        })
    }

    /// Replaces a broken connection with a new one.
    pub async fn reconnect(&mut self) -> io::Result<()> {
        *self = Conn::connect(self.addr).await?;
        Ok(())
    }

    /// Sends one request and reads its whole answer.
    pub async fn send(&mut self, request: &[u8]) -> io::Result<Reply> {
        self.write_all(request).await?;
        self.read_reply().await
    }

    async fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            self.stream.writable().await?;
            match self.stream.try_write(bytes) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Reads more bytes into the buffer (growing it when full); an error at end of stream.
    async fn fill(&mut self) -> io::Result<()> {
        if self.len == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            self.stream.readable().await?;
            match self.stream.try_read(&mut self.buf[self.len..]) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    self.len += n;
                    return Ok(());
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                Err(error) => return Err(error),
            }
        }
    }

    async fn read_reply(&mut self) -> io::Result<Reply> {
        let head_end = loop {
            if let Some(end) = find_head_end(&self.buf[..self.len]) {
                break end;
            }
            self.fill().await?;
        };
        let (status, body_len) = parse_head(&self.buf[..head_end])?;
        let total = head_end + body_len;
        while self.len < total {
            if total > self.buf.len() {
                self.buf.resize(total, 0);
            }
            self.fill().await?;
        }
        let reply = Reply {
            status,
            body: self.buf[head_end..total].to_vec(),
        };
        // One request at a time: anything after this answer would be unsolicited, but keep it.
        self.buf.copy_within(total..self.len, 0);
        self.len -= total;
        Ok(reply)
    }
}

/// The offset just past the `\r\n\r\n` ending the head, if it has arrived.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// The status and body length of a response head.
fn parse_head(head: &[u8]) -> io::Result<(u16, usize)> {
    let bad = |why: &str| io::Error::new(io::ErrorKind::InvalidData, why.to_owned());
    let text = std::str::from_utf8(head).map_err(|_| bad("the head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| bad("no HTTP/1.1 status line"))?;
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| bad("a bad content-length"))?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(bad("chunked answers are not expected"));
        }
    }
    match (status, length) {
        (204 | 304, _) | (100..=199, _) => Ok((status, 0)),
        (_, Some(length)) => Ok((status, length)),
        (_, None) => Err(bad("an answer without content-length")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_framed_by_content_length() {
        let head =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 17\r\n\r\n";
        assert_eq!(find_head_end(head), Some(head.len()));
        assert_eq!(parse_head(head).unwrap(), (200, 17));
        assert_eq!(
            parse_head(b"HTTP/1.1 204 No Content\r\n\r\n").unwrap(),
            (204, 0)
        );
        assert!(parse_head(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n").is_err());
        assert!(parse_head(b"HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\n").is_err());
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n"), None);
    }

    #[test]
    fn requests_carry_host_token_and_body_length() {
        let bytes = request(
            "POST",
            "h:1",
            "/p",
            Some("t"),
            Some(("application/json", "{}")),
        );
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "POST /p HTTP/1.1\r\nHost: h:1\r\nAuthorization: Zoho-oauthtoken t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        );
        let get = String::from_utf8(request("GET", "h:1", "/p", None, None)).unwrap();
        assert_eq!(get, "GET /p HTTP/1.1\r\nHost: h:1\r\n\r\n");
        let bearer = String::from_utf8(get_as("h:1", "/p", "Bearer t")).unwrap();
        assert_eq!(
            bearer,
            "GET /p HTTP/1.1\r\nHost: h:1\r\nAuthorization: Bearer t\r\n\r\n"
        );
    }
}
