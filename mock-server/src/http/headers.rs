//! [`Headers`]: a request's headers as sent, names lower-case, kept in one buffer ([`Packed`]) so
//! that reading them, journaling them and dropping them costs two allocations however many
//! there are.

use super::packed::Packed;

/// Header names and values in the order sent; a name may come more than once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// Each header's name, then its value.
    pieces: Packed,
}

impl Headers {
    /// Room for `count` headers of `bytes` bytes of names and values in all.
    pub fn with_capacity(count: usize, bytes: usize) -> Headers {
        Headers {
            pieces: Packed::with_capacity(count * 2, bytes),
        }
    }

    /// Adds a header, its name lower-cased (as HTTP/2 sends them and hyper gives them).
    pub fn push(&mut self, name: &str, value: &str) {
        self.pieces.push_lowercase(name);
        self.pieces.push(value);
    }

    /// Adds a header whose name is lower-case already (as hyper gives them).
    pub fn push_lowercase(&mut self, name: &str, value: &str) {
        debug_assert!(!name.bytes().any(|byte| byte.is_ascii_uppercase()));
        self.pieces.push(name);
        self.pieces.push(value);
    }

    /// The headers in the order sent, as (name, value).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut pieces = self.pieces.iter();
        std::iter::from_fn(move || Some((pieces.next()?, pieces.next()?)))
    }

    /// The first value of a header (its name compared ignoring ASCII case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// How many headers were sent.
    pub fn len(&self) -> usize {
        self.pieces.len() / 2
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }
}

impl<N: AsRef<str>, V: AsRef<str>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(pairs: I) -> Headers {
        let mut headers = Headers::default();
        for (name, value) in pairs {
            headers.push(name.as_ref(), value.as_ref());
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::Headers;

    #[test]
    fn headers_keep_their_order_repeats_and_values_with_names_lower_cased() {
        let headers: Headers = [
            ("Authorization", "Zoho-oauthtoken a b"),
            ("x-empty", ""),
            ("", "no name"),
            ("Accept", "*/*"),
            ("accept", "text/plain: yes"),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [
                ("authorization", "Zoho-oauthtoken a b"),
                ("x-empty", ""),
                ("", "no name"),
                ("accept", "*/*"),
                ("accept", "text/plain: yes"),
            ]
        );
        assert_eq!(headers.get("ACCEPT"), Some("*/*"));
        assert_eq!(headers.get("x-empty"), Some(""));
        assert_eq!(headers.get("missing"), None);
        assert_eq!(headers.len(), 5);
        assert!(Headers::default().is_empty());
    }
}
