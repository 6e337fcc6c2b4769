//! `GET /crm/{v}/{module}/search`: records by `criteria`, `email`, `phone` or `word` (exactly
//! one of them), a page at a time.
//!
//! ```text
//! GET /crm/{v}/{module}/search?criteria=((Last_Name:starts_with:Bo)and(Email:equals:a@b.com))[&page=&per_page=&fields=]
//!   -> 200 {"data":[{…record…}],"info":{"per_page","count","page","more_records"}} | 204 (no match)
//! ```
//!
//! The criteria's grammar is `domain::criteria`; here each condition's field is looked up in
//! the module's metadata and its operator and values checked against the field's type (the
//! operators Zoho's search documents per type), giving the store's `Filter`.

use serde_json::json;

use super::fields::primary_email;
use super::listing::{bad_param, field_names, known_fields, one_page, page_info, paging};
use super::render::Renderer;
use super::{KEY, module_by_name};
use crate::api::Ctx;
use crate::api::error::ApiError;
use crate::domain::criteria::{self, Condition, Criteria, CriteriaError};
use crate::http::ApiResponse;
use crate::store::crm::{self, FieldRow, ModuleMeta};
use crate::store::record_queries::{self, Column, Filter, Op, Operand};

/// The search parameters, in the order Zoho lists them.
const SEARCH_PARAMS: [&str; 4] = ["criteria", "email", "phone", "word"];

/// `GET /crm/{v}/{module}/search`.
pub fn search(ctx: &Ctx<'_>, module: &str) -> Result<ApiResponse, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    // One read: the module and its fields, the parameters checked against them, the search.
    ctx.state.store.read_cached(|conn, cache| {
        let module = module_by_name(conn, org_id, module)?;
        let id = module.id.clone();
        let meta = cache.module_meta(org_id, &id, || crm::module_meta(conn, org_id, module))?;
        let given: Vec<(&str, &str)> = SEARCH_PARAMS
            .iter()
            .filter_map(|name| {
                ctx.request
                    .query_param(name)
                    .filter(|value| !value.trim().is_empty())
                    .map(|value| (*name, value))
            })
            .collect();
        let filter = match given[..] {
            [] => {
                return Err(ApiError::RequiredParamMissing {
                    key: "param",
                    value: "criteria".to_owned(),
                });
            }
            [(name, value)] => filter_of(&meta, name, value.trim())?,
            _ => {
                return Err(ApiError::InvalidQuery {
                    reason: Some("only one of criteria, email, phone and word can be given"),
                    api_name: None,
                    operator: None,
                });
            }
        };
        let fields = known_fields(&meta, field_names(ctx, false)?);
        let (page, per_page) = paging(ctx)?;
        let Some(offset) = (page - 1).checked_mul(per_page) else {
            return Ok(ApiResponse::no_content());
        };
        let found =
            record_queries::search(conn, org_id, &meta.module.id, &filter, per_page + 1, offset)?;
        let Some((found, more_records)) = one_page(found, per_page) else {
            return Ok(ApiResponse::no_content());
        };
        let data = Renderer::new(ctx, conn).records_with(&found, fields.as_deref())?;
        let info = page_info(per_page, data.len(), page, more_records);
        Ok(ApiResponse::json(200, &json!({ KEY: data, "info": info })))
    })
}

/// The filter of one search parameter.
fn filter_of(meta: &ModuleMeta, name: &str, value: &str) -> Result<Filter, ApiError> {
    let equals_in = |data_type: &str| {
        let tests = meta
            .fields
            .iter()
            .filter(|field| field.data_type == data_type)
            .map(|field| Filter::Test {
                column: column_of(meta, field),
                op: Op::Equals,
                operands: vec![Operand::Text(value.to_owned())],
            })
            .collect();
        Filter::Any(tests)
    };
    match name {
        "email" => {
            if !super::fields::is_email(value) {
                return Err(bad_param("email"));
            }
            Ok(equals_in("email"))
        }
        "phone" => Ok(equals_in("phone")),
        "word" => Ok(Filter::Word(value.to_owned())),
        _ => match criteria::parse(value) {
            Ok(parsed) => resolve(meta, &parsed),
            Err(CriteriaError::Malformed) => Err(malformed()),
            Err(CriteriaError::TooManyConditions) => Err(ApiError::InvalidQuery {
                reason: Some("a criteria can have at most 10 conditions"),
                api_name: None,
                operator: None,
            }),
        },
    }
}

fn malformed() -> ApiError {
    ApiError::InvalidQuery {
        reason: None,
        api_name: None,
        operator: None,
    }
}

pub(super) fn column_of(meta: &ModuleMeta, field: &FieldRow) -> Column {
    if primary_email(meta).is_some_and(|email| email.id == field.id) {
        Column::Email
    } else if matches!(field.data_type.as_str(), "lookup" | "ownerlookup") {
        Column::FieldId(field.api_name.clone())
    } else {
        Column::Field(field.api_name.clone())
    }
}

/// A parsed criteria checked against the module's fields.
fn resolve(meta: &ModuleMeta, criteria: &Criteria) -> Result<Filter, ApiError> {
    match criteria {
        Criteria::And(parts) => Ok(Filter::All(
            parts
                .iter()
                .map(|part| resolve(meta, part))
                .collect::<Result<_, _>>()?,
        )),
        Criteria::Or(parts) => Ok(Filter::Any(
            parts
                .iter()
                .map(|part| resolve(meta, part))
                .collect::<Result<_, _>>()?,
        )),
        Criteria::Condition(condition) => condition_filter(meta, condition),
    }
}

/// The kinds of values a field compares as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Picklist,
    Number,
    Date,
    Bool,
    Id,
}

fn kind_of(data_type: &str) -> Option<Kind> {
    Some(match data_type {
        "text" | "textarea" | "email" | "phone" | "website" => Kind::Text,
        "picklist" => Kind::Picklist,
        "integer" | "currency" | "double" | "bigint" | "decimal" | "percent" => Kind::Number,
        "date" | "datetime" => Kind::Date,
        "boolean" => Kind::Bool,
        "lookup" | "ownerlookup" => Kind::Id,
        _ => return None,
    })
}

/// The operators Zoho's search documents for each kind of field.
fn operator_of(kind: Kind, operator: &str) -> Option<Op> {
    let op = match operator {
        "equals" => Op::Equals,
        "not_equal" => Op::NotEqual,
        "in" => Op::Equals,
        "starts_with" => Op::StartsWith,
        "greater_than" => Op::Greater,
        "greater_equal" => Op::GreaterEqual,
        "less_than" => Op::Less,
        "less_equal" => Op::LessEqual,
        "between" => Op::Between,
        _ => return None,
    };
    let allowed = match kind {
        Kind::Text => matches!(op, Op::Equals | Op::NotEqual | Op::StartsWith),
        Kind::Picklist | Kind::Id => matches!(op, Op::Equals | Op::NotEqual),
        Kind::Bool => matches!(op, Op::Equals | Op::NotEqual) && operator != "in",
        Kind::Number | Kind::Date => op != Op::StartsWith,
    };
    allowed.then_some(op)
}

fn condition_filter(meta: &ModuleMeta, condition: &Condition) -> Result<Filter, ApiError> {
    let field = |reason: &'static str| ApiError::InvalidQuery {
        reason: Some(reason),
        api_name: Some(condition.field.clone()),
        operator: None,
    };
    let (column, kind) = if condition.field == "id" {
        (Column::Id, Kind::Id)
    } else {
        let known = meta
            .fields
            .iter()
            .find(|f| f.api_name == condition.field)
            .ok_or_else(|| field("the field is not available"))?;
        let kind = kind_of(&known.data_type).ok_or_else(|| field("the field is not searchable"))?;
        (column_of(meta, known), kind)
    };
    let op = operator_of(kind, &condition.operator).ok_or_else(|| ApiError::InvalidQuery {
        reason: Some("invalid operator found"),
        api_name: Some(condition.field.clone()),
        operator: Some(condition.operator.clone()),
    })?;
    let count_fits = match op {
        Op::Between => condition.values.len() == 2,
        Op::Greater | Op::GreaterEqual | Op::Less | Op::LessEqual => condition.values.len() == 1,
        _ => true,
    };
    let invalid_value = || ApiError::InvalidQuery {
        reason: Some("invalid value found"),
        api_name: Some(condition.field.clone()),
        operator: Some(condition.operator.clone()),
    };
    if !count_fits {
        return Err(invalid_value());
    }
    let operands = condition
        .values
        .iter()
        .map(|value| operand(kind, value).ok_or_else(invalid_value))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Filter::Test {
        column,
        op,
        operands,
    })
}

/// A value as its field's kind compares it: `None` when it is not one.
fn operand(kind: Kind, value: &str) -> Option<Operand> {
    match kind {
        Kind::Text | Kind::Picklist => Some(Operand::Text(value.to_owned())),
        Kind::Number => value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Operand::Number),
        Kind::Bool => match value.trim().to_ascii_lowercase().as_str() {
            "true" => Some(Operand::Bool(true)),
            "false" => Some(Operand::Bool(false)),
            _ => None,
        },
        Kind::Id => {
            let id = value.trim();
            (!id.is_empty() && id.len() <= 25 && id.bytes().all(|b| b.is_ascii_digit()))
                .then(|| Operand::Text(id.to_owned()))
        }
        Kind::Date => {
            let date = value.trim();
            let shaped = date.len() >= 10
                && date.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        *b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            shaped.then(|| Operand::Text(date.to_owned()))
        }
    }
}
