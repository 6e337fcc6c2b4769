//! Form bodies, as Zoho accounts' token endpoint takes them: `application/x-www-form-urlencoded`
//! (Zoho's Python SDK, curl `-d`) or `multipart/form-data` (Zoho's Node.js SDK sends its token
//! requests through the `form-data` package). Only text fields are read; file parts are ignored.

/// The fields of a form body. A multipart body is read when the Content-Type says so (with a
/// boundary); anything else is read as URL-encoded. A malformed multipart body yields the fields
/// before the damage.
pub fn fields(content_type: Option<&str>, body: &[u8]) -> Vec<(String, String)> {
    match content_type.and_then(multipart_boundary) {
        Some(boundary) => multipart_fields(&boundary, body),
        None => form_urlencoded::parse(body)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect(),
    }
}

/// The boundary of a `multipart/form-data; boundary=…` Content-Type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    let mime = parts.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parts.find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|boundary| !boundary.is_empty())
    })
}

fn multipart_fields(boundary: &str, body: &[u8]) -> Vec<(String, String)> {
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    let mut found = Vec::new();
    // Parts sit between delimiters; the first chunk is the preamble, "--" after one ends the body.
    for part in text.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let Some((headers, value)) = part.split_once("\r\n\r\n") else {
            break;
        };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let disposition = headers.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        });
        let Some(disposition) = disposition else {
            continue;
        };
        let mut name = None;
        let mut is_file = false;
        for param in disposition.split(';').skip(1) {
            if let Some((key, val)) = param.split_once('=') {
                match key.trim() {
                    "name" => name = Some(val.trim().trim_matches('"').to_owned()),
                    "filename" => is_file = true,
                    _ => {}
                }
            }
        }
        if let (Some(name), false) = (name, is_file) {
            found.push((name, value.to_owned()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_bodies_decode_plus_and_percent() {
        assert_eq!(
            fields(
                Some("application/x-www-form-urlencoded"),
                b"grant_type=refresh_token&scope=a+b%2Cc"
            ),
            vec![
                ("grant_type".into(), "refresh_token".into()),
                ("scope".into(), "a b,c".into())
            ]
        );
        assert_eq!(fields(None, b"a=1"), vec![("a".into(), "1".into())]);
    }

    #[test]
    fn multipart_bodies_as_the_form_data_package_writes_them() {
        let boundary = "--------------------------123456789012345678901234";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\n1000.X\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\ntwo\r\nlines\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nfile\r\n--{boundary}--\r\n"
        );
        assert_eq!(
            fields(
                Some(&format!("multipart/form-data; boundary={boundary}")),
                body.as_bytes()
            ),
            vec![
                ("client_id".into(), "1000.X".into()),
                ("note".into(), "two\r\nlines".into())
            ]
        );
    }

    #[test]
    fn damaged_multipart_bodies_give_what_they_can_and_never_panic() {
        let content_type = Some("multipart/form-data; boundary=\"b\"");
        assert_eq!(
            fields(
                content_type,
                b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\nbroken"
            ),
            vec![("a".into(), "1".into())]
        );
        assert!(fields(content_type, b"").is_empty());
        assert!(fields(content_type, b"--b--").is_empty());
        assert!(fields(Some("multipart/form-data"), b"a=1").len() == 1);
    }
}
