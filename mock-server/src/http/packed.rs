//! [`Packed`]: a list of strings kept in one buffer (two allocations however many there are),
//! for what is read from every request: its path segments and its headers.

/// Strings in the order pushed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Packed {
    /// Every string, one after the other.
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<usize>,
}

impl Packed {
    /// Room for `count` strings of `bytes` bytes in all.
    pub fn with_capacity(count: usize, bytes: usize) -> Packed {
        Packed {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(count),
        }
    }

    /// Adds a string.
    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
        self.ends.push(self.text.len());
    }

    /// Adds a string, lower-cased (ASCII letters only).
    pub fn push_lowercase(&mut self, text: &str) {
        let start = self.text.len();
        self.text.push_str(text);
        self.text[start..].make_ascii_lowercase();
        self.ends.push(self.text.len());
    }

    /// The strings in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let piece = &self.text[start..end];
            start = end;
            piece
        })
    }

    /// The first string.
    pub fn first(&self) -> Option<&str> {
        self.ends.first().map(|&end| &self.text[..end])
    }

    /// How many strings it holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl<'a> FromIterator<&'a str> for Packed {
    fn from_iter<I: IntoIterator<Item = &'a str>>(pieces: I) -> Packed {
        let mut packed = Packed::default();
        for piece in pieces {
            packed.push(piece);
        }
        packed
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;

    #[test]
    fn strings_come_back_in_order_empty_ones_included() {
        let mut packed: Packed = ["crm", "", "Zylker Autos"].into_iter().collect();
        packed.push_lowercase("MiXeD Ünï");
        assert_eq!(
            packed.iter().collect::<Vec<_>>(),
            ["crm", "", "Zylker Autos", "mixed Ünï"]
        );
        assert_eq!(packed.first(), Some("crm"));
        assert_eq!(packed.len(), 4);
        assert!(Packed::default().is_empty());
        assert_eq!(Packed::default().first(), None);
    }
}
