//! Scalars of the schema that async-graphql does not name the way DESIGN.md does.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate};

/// A calendar date in ISO 8601, `YYYY-MM-DD`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601, `YYYY-MM-DD`.
#[Scalar(
    name = "Date",
    specified_by_url = "https://www.iso.org/iso-8601-date-and-time-format.html"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                // Four-digit years only: a date near chrono's ends (year ±262142) overflows
                // the first date arithmetic done with it, and no school year lies there.
                Ok(date) if (1..=9999).contains(&date.year()) => Ok(Date(date)),
                Ok(_) => Err(InputValueError::custom(
                    "a date lies between 0001-01-01 and 9999-12-31",
                )),
                Err(_) => Err(InputValueError::custom(
                    "not a date like 2025-09-01 (YYYY-MM-DD)",
                )),
            },
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Date(date)
    }
}
