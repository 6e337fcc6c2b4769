//! The criteria grammar of Zoho's Search Records API (`GET /{module}/search?criteria=…`), parsed
//! by hand (recursive descent) into a [`Criteria`] tree; which fields and operators a module
//! allows is the handler's business, how the tree runs is the store's.
//!
//! ```text
//! criteria  := group (conj group)*
//! group     := "(" criteria ")" | "(" condition ")"
//! conj      := "and" | "or"              (any case, spaces around it allowed)
//! condition := field ":" operator ":" values
//! values    := value ("," value)*        (a list for in, between, equals, …)
//! ```
//!
//! In a value, `\(`, `\)`, `\,`, `\:` and `\\` stand for the character itself; an unescaped
//! `(` is malformed, an unescaped `:` is part of the value (a time's offset). `and` binds
//! tighter than `or`. At most [`MAX_CONDITIONS`] conditions (Zoho's limit of 10 criteria) and
//! [`MAX_DEPTH`] nested groups, so a long criteria costs a bounded parse and never a deep stack.

/// At most this many conditions in one criteria (Zoho's search documents 10).
pub const MAX_CONDITIONS: usize = 10;
/// At most this many groups inside one another.
pub const MAX_DEPTH: usize = 10;

/// A parsed criteria.
#[derive(Debug, Clone, PartialEq)]
pub enum Criteria {
    /// Every part holds.
    And(Vec<Criteria>),
    /// One part holds.
    Or(Vec<Criteria>),
    /// One condition.
    Condition(Condition),
}

/// `(field:operator:values)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The field's API name, as written.
    pub field: String,
    /// The operator, as written (checked against the field's type by the caller).
    pub operator: String,
    /// The values, unescaped (one unless separated by unescaped commas).
    pub values: Vec<String>,
}

/// Why a criteria does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CriteriaError {
    /// Not the grammar above.
    Malformed,
    /// More than [`MAX_CONDITIONS`] conditions.
    TooManyConditions,
}

/// Parses a criteria.
pub fn parse(text: &str) -> Result<Criteria, CriteriaError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        at: 0,
        conditions: 0,
    };
    let criteria = parser.sequence(0)?;
    parser.skip_spaces();
    if parser.at != parser.chars.len() {
        return Err(CriteriaError::Malformed);
    }
    Ok(criteria)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    conditions: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn expect(&mut self, wanted: char) -> Result<(), CriteriaError> {
        if self.peek() == Some(wanted) {
            self.at += 1;
            Ok(())
        } else {
            Err(CriteriaError::Malformed)
        }
    }

    /// `group (conj group)*`, with `and` before `or`.
    fn sequence(&mut self, depth: usize) -> Result<Criteria, CriteriaError> {
        let mut alternatives: Vec<Vec<Criteria>> = vec![vec![self.group(depth)?]];
        loop {
            let before = self.at;
            self.skip_spaces();
            match self.conjunction() {
                Some(is_and) => {
                    self.skip_spaces();
                    let next = self.group(depth)?;
                    if is_and {
                        if let Some(last) = alternatives.last_mut() {
                            last.push(next);
                        }
                    } else {
                        alternatives.push(vec![next]);
                    }
                }
                None => {
                    self.at = before;
                    break;
                }
            }
        }
        let mut ors: Vec<Criteria> = alternatives
            .into_iter()
            .map(|mut ands| {
                if ands.len() == 1 {
                    ands.remove(0)
                } else {
                    Criteria::And(ands)
                }
            })
            .collect();
        Ok(if ors.len() == 1 {
            ors.remove(0)
        } else {
            Criteria::Or(ors)
        })
    }

    /// `and` (true) or `or` (false), any case, followed by a group.
    fn conjunction(&mut self) -> Option<bool> {
        for (word, is_and) in [("and", true), ("or", false)] {
            let end = self.at + word.len();
            if end <= self.chars.len() {
                let found: String = self.chars[self.at..end].iter().collect();
                if found.eq_ignore_ascii_case(word) {
                    self.at = end;
                    return Some(is_and);
                }
            }
        }
        None
    }

    fn group(&mut self, depth: usize) -> Result<Criteria, CriteriaError> {
        if depth >= MAX_DEPTH {
            return Err(CriteriaError::Malformed);
        }
        self.skip_spaces();
        self.expect('(')?;
        self.skip_spaces();
        let inner = if self.peek() == Some('(') {
            self.sequence(depth + 1)?
        } else {
            Criteria::Condition(self.condition()?)
        };
        self.skip_spaces();
        self.expect(')')?;
        Ok(inner)
    }

    fn condition(&mut self) -> Result<Condition, CriteriaError> {
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            return Err(CriteriaError::TooManyConditions);
        }
        let field = self.name()?;
        self.expect(':')?;
        let operator = self.name()?;
        self.expect(':')?;
        let values = self.values()?;
        Ok(Condition {
            field,
            operator,
            values,
        })
    }

    /// A field or operator name: letters, digits, `_` and `$`, not empty.
    fn name(&mut self) -> Result<String, CriteriaError> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            self.at += 1;
        }
        let name: String = self.chars[start..self.at].iter().collect();
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(CriteriaError::Malformed);
        }
        Ok(name)
    }

    /// Values up to the unescaped `)` that closes the condition.
    fn values(&mut self) -> Result<Vec<String>, CriteriaError> {
        let mut values = vec![String::new()];
        loop {
            match self.peek() {
                None | Some('(') => return Err(CriteriaError::Malformed),
                Some(')') => break,
                Some('\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(c @ ('(' | ')' | ',' | ':' | '\\')) => {
                            if let Some(last) = values.last_mut() {
                                last.push(c);
                            }
                            self.at += 1;
                        }
                        // A backslash before anything else is itself.
                        _ => {
                            if let Some(last) = values.last_mut() {
                                last.push('\\');
                            }
                        }
                    }
                }
                Some(',') => {
                    values.push(String::new());
                    self.at += 1;
                }
                Some(c) => {
                    if let Some(last) = values.last_mut() {
                        last.push(c);
                    }
                    self.at += 1;
                }
            }
        }
        if values.iter().any(|value| value.is_empty()) {
            return Err(CriteriaError::Malformed);
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(field: &str, operator: &str, values: &[&str]) -> Criteria {
        Criteria::Condition(Condition {
            field: field.into(),
            operator: operator.into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        })
    }

    #[test]
    fn one_condition_and_groups_joined_by_and_or() {
        assert_eq!(
            parse("(Email:equals:a@b.com)"),
            Ok(cond("Email", "equals", &["a@b.com"]))
        );
        assert_eq!(
            parse("((Last_Name:starts_with:Bo)and(First_Name:equals:Ann))"),
            Ok(Criteria::And(vec![
                cond("Last_Name", "starts_with", &["Bo"]),
                cond("First_Name", "equals", &["Ann"]),
            ]))
        );
        assert_eq!(
            parse("(A:equals:1) OR (B:equals:2)"),
            Ok(Criteria::Or(vec![
                cond("A", "equals", &["1"]),
                cond("B", "equals", &["2"]),
            ]))
        );
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_group() {
        assert_eq!(
            parse("(A:equals:1)or(B:equals:2)and(C:equals:3)"),
            Ok(Criteria::Or(vec![
                cond("A", "equals", &["1"]),
                Criteria::And(vec![
                    cond("B", "equals", &["2"]),
                    cond("C", "equals", &["3"])
                ]),
            ]))
        );
        assert_eq!(
            parse("(((A:equals:1)or(B:equals:2))and(C:equals:3))"),
            Ok(Criteria::And(vec![
                Criteria::Or(vec![
                    cond("A", "equals", &["1"]),
                    cond("B", "equals", &["2"])
                ]),
                cond("C", "equals", &["3"]),
            ]))
        );
    }

    #[test]
    fn escapes_and_lists() {
        assert_eq!(
            parse(r"(Last_Name:equals:Patricia\(Boyle\))"),
            Ok(cond("Last_Name", "equals", &["Patricia(Boyle)"]))
        );
        assert_eq!(
            parse(r"(Company:equals:Zylker\, Inc\: US\\)"),
            Ok(cond("Company", "equals", &[r"Zylker, Inc: US\"]))
        );
        assert_eq!(
            parse("(Lead_Status:in:New,Contacted)"),
            Ok(cond("Lead_Status", "in", &["New", "Contacted"]))
        );
        // An unescaped colon belongs to the value (a time's offset).
        assert_eq!(
            parse("(Modified_Time:greater_equal:2023-04-20T05:58:06+05:30)"),
            Ok(cond(
                "Modified_Time",
                "greater_equal",
                &["2023-04-20T05:58:06+05:30"]
            ))
        );
    }

    #[test]
    fn malformed_criteria_are_refused() {
        for text in [
            "",
            "Email:equals:a",
            "(Email:equals:a",
            "(Email:equals:)",
            "(Email:equals)",
            "(:equals:a)",
            "(Email::a)",
            "(Last_Name:equals:Patricia(Boyle))",
            "(A:equals:1)and",
            "(A:equals:1)xor(B:equals:2)",
            "(A:equals:1,)",
            "(A:equals:1))",
            "()",
        ] {
            assert_eq!(parse(text), Err(CriteriaError::Malformed), "{text:?}");
        }
    }

    #[test]
    fn limits_bound_conditions_and_depth() {
        let ten = ["(A:equals:1)"; 10].join("and");
        assert!(parse(&ten).is_ok());
        let eleven = ["(A:equals:1)"; 11].join("and");
        assert_eq!(parse(&eleven), Err(CriteriaError::TooManyConditions));
        let deep = format!("{}A:equals:1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(parse(&deep), Err(CriteriaError::Malformed));
        let long = format!("(A:equals:{})", "x".repeat(10_000));
        assert!(parse(&long).is_ok());
        let many = "(A:equals:1)and".repeat(700);
        assert_eq!(parse(&many), Err(CriteriaError::TooManyConditions));
    }
}
