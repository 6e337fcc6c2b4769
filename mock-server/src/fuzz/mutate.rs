//! The mutations: random byte edits and dictionary tokens, and structure-aware JSON edits that
//! put a value of another shape anywhere in a document.

use serde_json::Value;

/// A xorshift64* generator: repeatable from its seed, good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed odd constant).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next_u64() % bound as u64) as usize
        }
    }
}

/// Tokens worth inserting: JSON structure, numbers at the edges, escapes, bad UTF-8, path and
/// query syntax, SQL metacharacters.
const DICTIONARY: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"null",
    b"true",
    b"false",
    b"0",
    b"-1",
    b"1e999",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"1.5",
    b"\"\"",
    b"{}",
    b"[]",
    b"\\u0000",
    b"\\ud800",
    b"\\\"",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf0\x9f\x98\x80",
    b"%",
    b"%00",
    b"%ff",
    b"%2F",
    b"%25",
    b"+",
    b"&",
    b"=",
    b"?",
    b"/",
    b"//",
    b"..",
    b"';--",
    b"\" OR 1=1 --",
    b"name",
    b"user_type",
    b"portals",
    b"modules",
    b"id",
    b"personality_module",
    b"api_name",
    b"permissions",
    b"shared_type",
    b"users",
    b"change_status",
    b"personality_id",
    b"active",
    b"layouts",
    b"views",
    b"filters",
    b"saml_configuration",
    b"fixture",
];

/// Applies one to four random edits to `input` (bit flips, byte changes, insertions,
/// deletions, duplications, dictionary tokens, splices with another corpus entry); or, one time
/// in three when `input` holds JSON, replaces one value of the document with a value of another
/// shape (wrong types at every level).
pub fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    if rng.below(3) == 0
        && let Some(out) = mutate_json(rng, input)
    {
        return out;
    }
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(9) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next_u64() as u8;
            }
            2 => out.insert(at, rng.next_u64() as u8),
            3 if !out.is_empty() => {
                let len = 1 + rng.below(out.len().min(16));
                let start = rng.below(out.len() - len + 1);
                out.drain(start..start + len);
            }
            4 if !out.is_empty() => {
                let len = 1 + rng.below(out.len().min(64));
                let start = rng.below(out.len() - len + 1);
                let copy = out[start..start + len].to_vec();
                out.splice(at..at, copy);
            }
            5 | 6 => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())];
                out.splice(at..at, token.iter().copied());
            }
            7 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                out.truncate(at);
                out.extend_from_slice(&other[from..]);
            }
            _ => out.truncate(at),
        }
    }
    out.truncate(64 * 1024);
    out
}

/// Replaces one value of the JSON document in `input` (after any prefix, such as a selector
/// byte) with a value of another shape; `None` when `input` holds no JSON document.
fn mutate_json(rng: &mut Rng, input: &[u8]) -> Option<Vec<u8>> {
    let start = input.iter().position(|b| matches!(b, b'{' | b'['))?;
    let mut document: Value = serde_json::from_slice(&input[start..]).ok()?;
    let mut count = 0;
    count_values(&document, &mut count);
    let mut target = rng.below(count);
    let replacement = match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(0),
        3 => Value::from(-1),
        4 => Value::from(u64::MAX),
        5 => Value::from(1.5),
        6 => Value::from(""),
        7 => Value::from("x".repeat(rng.below(300))),
        8 => Value::Array(Vec::new()),
        9 => Value::Object(serde_json::Map::new()),
        // The value wrapped in an array, or turned into its text.
        10 => Value::Array(vec![nth_value(&document, target).clone()]),
        _ => Value::from(nth_value(&document, target).to_string()),
    };
    replace_nth(&mut document, &mut target, replacement);
    let mut out = input[..start].to_vec();
    out.extend_from_slice(document.to_string().as_bytes());
    Some(out)
}

fn count_values(value: &Value, count: &mut usize) {
    *count += 1;
    match value {
        Value::Array(items) => items.iter().for_each(|v| count_values(v, count)),
        Value::Object(map) => map.values().for_each(|v| count_values(v, count)),
        _ => {}
    }
}

/// The `n`th value in document order (the root is 0).
fn nth_value(value: &Value, n: usize) -> &Value {
    fn walk<'a>(value: &'a Value, n: &mut usize) -> Option<&'a Value> {
        if *n == 0 {
            return Some(value);
        }
        *n -= 1;
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => return None,
        };
        children.into_iter().find_map(|child| walk(child, n))
    }
    let mut n = n;
    walk(value, &mut n).unwrap_or(value)
}

fn replace_nth(value: &mut Value, n: &mut usize, replacement: Value) -> bool {
    if *n == 0 {
        *value = replacement;
        return true;
    }
    *n -= 1;
    match value {
        Value::Array(items) => {
            for item in items {
                if replace_nth(item, n, replacement.clone()) {
                    return true;
                }
            }
            false
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                if replace_nth(item, n, replacement.clone()) {
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}
