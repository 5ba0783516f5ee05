//! The published measures of a statistics row, in one list.

use crate::service::disclosure::Cell;

/// A published measure of a statistics row. The one list of them: rows hold their values in
/// [`Measure::ALL`] order, the CSV export names its columns from it, and each says here how it
/// follows from the stored counts (so its cell key covers exactly the pupils it counts).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Measure {
    Leavers,
    Enrolled,
    NotEnrolled,
    Retained,
    Switched,
    DroppedOut,
    ChoseBeforeExam,
    ChoiceMatched,
    BelowExpectedLevel,
    AtExpectedLevel,
    AboveExpectedLevel,
}

impl Measure {
    pub const ALL: [Measure; 11] = [
        Measure::Leavers,
        Measure::Enrolled,
        Measure::NotEnrolled,
        Measure::Retained,
        Measure::Switched,
        Measure::DroppedOut,
        Measure::ChoseBeforeExam,
        Measure::ChoiceMatched,
        Measure::BelowExpectedLevel,
        Measure::AtExpectedLevel,
        Measure::AboveExpectedLevel,
    ];

    /// The column of the CSV export.
    pub fn csv_column(self) -> &'static str {
        match self {
            Measure::Leavers => "leavers",
            Measure::Enrolled => "enrolled",
            Measure::NotEnrolled => "not_enrolled",
            Measure::Retained => "retained",
            Measure::Switched => "switched",
            Measure::DroppedOut => "dropped_out",
            Measure::ChoseBeforeExam => "chose_before_exam",
            Measure::ChoiceMatched => "choice_matched",
            Measure::BelowExpectedLevel => "below_expected_level",
            Measure::AtExpectedLevel => "at_expected_level",
            Measure::AboveExpectedLevel => "above_expected_level",
        }
    }

    /// The measure's cell from a group's stored cells. Differences are of a set and its subset
    /// (`enrolled` within `leavers`; `switched` and `droppedOut`, disjoint, within `enrolled`).
    pub(super) fn cell(self, s: &super::Stored) -> Cell {
        let [
            leavers,
            enrolled,
            switched,
            dropped_out,
            chose,
            matched,
            below,
            at,
            above,
        ] = *s;
        match self {
            Measure::Leavers => leavers,
            Measure::Enrolled => enrolled,
            Measure::NotEnrolled => leavers - enrolled,
            Measure::Retained => enrolled - switched - dropped_out,
            Measure::Switched => switched,
            Measure::DroppedOut => dropped_out,
            Measure::ChoseBeforeExam => chose,
            Measure::ChoiceMatched => matched,
            Measure::BelowExpectedLevel => below,
            Measure::AtExpectedLevel => at,
            Measure::AboveExpectedLevel => above,
        }
    }
}
