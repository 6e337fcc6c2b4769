//! [`Headers`]: a request's headers as sent, names lower-case, kept in one buffer so that reading
//! them, journaling them and dropping them costs two allocations however many there are.

/// Header names and values in the order sent; a name may come more than once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// Every name and value, one after the other.
    text: String,
    /// For each header, where its name ends and where its value ends in `text`.
    ends: Vec<(usize, usize)>,
}

impl Headers {
    /// Room for `count` headers of `bytes` bytes of names and values in all.
    pub fn with_capacity(count: usize, bytes: usize) -> Headers {
        Headers {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(count),
        }
    }

    /// Adds a header, its name lower-cased (as HTTP/2 sends them and hyper gives them).
    pub fn push(&mut self, name: &str, value: &str) {
        let start = self.text.len();
        self.text.push_str(name);
        self.text[start..].make_ascii_lowercase();
        let name_end = self.text.len();
        self.text.push_str(value);
        self.ends.push((name_end, self.text.len()));
    }

    /// The headers in the order sent, as (name, value).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = 0;
        self.ends.iter().map(move |&(name_end, value_end)| {
            let pair = (&self.text[start..name_end], &self.text[name_end..value_end]);
            start = value_end;
            pair
        })
    }

    /// The first value of a header (its name compared ignoring ASCII case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// How many headers were sent.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
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
