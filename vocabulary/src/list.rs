//! A list of one enum's values kept in one column: their texts joined by commas, in the order
//! given (a leerlab's legal instruments, the needs of a self-evaluation).

use sea_orm::{
    ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value,
    sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr},
};

use crate::{StoredAsText, UnknownValue};

/// Values of `T`, stored as `A,B,C` (empty: none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextList<T>(pub Vec<T>);

impl<T> Default for TextList<T> {
    fn default() -> Self {
        TextList(Vec::new())
    }
}

impl<T: StoredAsText> TextList<T> {
    /// The column's text.
    pub fn to_text(&self) -> String {
        let texts: Vec<&str> = self.0.iter().map(T::stored_text).collect();
        texts.join(",")
    }

    /// Reads a column's text; a part that is none of `T`'s values is an error.
    pub fn from_text(text: &str) -> Result<Self, UnknownValue> {
        text.split(',')
            .filter(|part| !part.is_empty())
            .map(|part| T::from_text(part).ok_or_else(T::unknown))
            .collect::<Result<_, _>>()
            .map(TextList)
    }
}

impl<T: StoredAsText> From<TextList<T>> for Value {
    fn from(list: TextList<T>) -> Self {
        list.to_text().into()
    }
}

impl<T: StoredAsText> TryGetable for TextList<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, idx)?;
        Self::from_text(&text).map_err(|err| {
            TryGetError::DbErr(DbErr::TryIntoErr {
                from: "String",
                into: "TextList",
                source: std::sync::Arc::new(err),
            })
        })
    }
}

impl<T: StoredAsText> ValueType for TextList<T> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        let text = <String as ValueType>::try_from(value)?;
        Self::from_text(&text).map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        "TextList".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

impl<T: StoredAsText> Nullable for TextList<T> {
    fn null() -> Value {
        Value::String(None)
    }
}
