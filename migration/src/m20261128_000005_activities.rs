//! Joint activities and the schools' calendars: activities with their participating schools and
//! enrolments, and per school year a calendar of numbered periods and named holidays.
//!
//! `activity.enrolled_count` is kept by the enrolment itself (an atomic conditional UPDATE in the
//! enrolment's transaction); the CHECK is a second line of defence against overbooking.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{create_indexes, drop_tables, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SchoolCalendar {
    Table,
    Id,
    SchoolId,
    SchoolYear,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SchoolCalendarPeriod {
    Table,
    Id,
    CalendarId,
    SchoolId,
    Number,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum SchoolCalendarHoliday {
    Table,
    Id,
    CalendarId,
    SchoolId,
    Name,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum Activity {
    Table,
    Id,
    RegionId,
    HostSchoolId,
    LeerlabId,
    Kind,
    Title,
    Description,
    Location,
    Status,
    StartsAt,
    EndsAt,
    Capacity,
    EnrolledCount,
    CancelReason,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ActivitySchool {
    Table,
    Id,
    ActivityId,
    SchoolId,
}

#[derive(DeriveIden)]
enum ActivityEnrolment {
    Table,
    Id,
    ActivityId,
    StudentId,
    EnrolledAt,
    Attendance,
    AttendanceRecordedAt,
    Reflection,
    ReflectedAt,
}

#[derive(DeriveIden)]
enum Region {
    Table,
}

#[derive(DeriveIden)]
enum School {
    Table,
}

#[derive(DeriveIden)]
enum Leerlab {
    Table,
}

#[derive(DeriveIden)]
enum Student {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_calendar_tables(manager).await?;
        create_activity_tables(manager).await?;
        create_indexes(
            manager,
            vec![
                index("school_calendar", &["school_id", "school_year"], true),
                index("school_calendar_period", &["calendar_id", "number"], true),
                index("school_calendar_period", &["school_id"], false),
                index("school_calendar_holiday", &["calendar_id"], false),
                index("school_calendar_holiday", &["school_id"], false),
                index("activity", &["starts_at", "id"], false),
                index("activity", &["region_id", "starts_at"], false),
                index("activity", &["host_school_id"], false),
                index("activity", &["leerlab_id"], false),
                index("activity_school", &["activity_id", "school_id"], true),
                index("activity_school", &["school_id"], false),
                index("activity_enrolment", &["activity_id", "student_id"], true),
                index("activity_enrolment", &["student_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "activity_enrolment",
                "activity_school",
                "activity",
                "school_calendar_holiday",
                "school_calendar_period",
                "school_calendar",
            ],
        )
        .await
    }
}

async fn create_calendar_tables(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(SchoolCalendar::Table)
                .col(big_pk_auto(SchoolCalendar::Id))
                .col(big_integer(SchoolCalendar::SchoolId))
                .col(string_len(SchoolCalendar::SchoolYear, 9))
                .col(timestamp_with_time_zone(SchoolCalendar::UpdatedAt))
                .foreign_key(&mut foreign_key(
                    SchoolCalendar::Table,
                    SchoolCalendar::SchoolId,
                    School::Table,
                    true,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(SchoolCalendarPeriod::Table)
                .col(big_pk_auto(SchoolCalendarPeriod::Id))
                .col(big_integer(SchoolCalendarPeriod::CalendarId))
                .col(big_integer(SchoolCalendarPeriod::SchoolId))
                .col(small_integer(SchoolCalendarPeriod::Number))
                .col(date(SchoolCalendarPeriod::StartsOn))
                .col(date(SchoolCalendarPeriod::EndsOn))
                .foreign_key(&mut foreign_key(
                    SchoolCalendarPeriod::Table,
                    SchoolCalendarPeriod::CalendarId,
                    SchoolCalendar::Table,
                    true,
                ))
                .foreign_key(&mut foreign_key(
                    SchoolCalendarPeriod::Table,
                    SchoolCalendarPeriod::SchoolId,
                    School::Table,
                    true,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(SchoolCalendarHoliday::Table)
                .col(big_pk_auto(SchoolCalendarHoliday::Id))
                .col(big_integer(SchoolCalendarHoliday::CalendarId))
                .col(big_integer(SchoolCalendarHoliday::SchoolId))
                .col(string_len(SchoolCalendarHoliday::Name, 100))
                .col(date(SchoolCalendarHoliday::StartsOn))
                .col(date(SchoolCalendarHoliday::EndsOn))
                .foreign_key(&mut foreign_key(
                    SchoolCalendarHoliday::Table,
                    SchoolCalendarHoliday::CalendarId,
                    SchoolCalendar::Table,
                    true,
                ))
                .foreign_key(&mut foreign_key(
                    SchoolCalendarHoliday::Table,
                    SchoolCalendarHoliday::SchoolId,
                    School::Table,
                    true,
                ))
                .to_owned(),
        )
        .await
}

async fn create_activity_tables(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Activity::Table)
                .col(big_pk_auto(Activity::Id))
                .col(big_integer(Activity::RegionId))
                .col(big_integer(Activity::HostSchoolId))
                .col(big_integer_null(Activity::LeerlabId))
                .col(string_len(Activity::Kind, 16))
                .col(string_len(Activity::Title, 200))
                .col(text_null(Activity::Description))
                .col(string_len_null(Activity::Location, 200))
                .col(string_len(Activity::Status, 16))
                .col(timestamp_with_time_zone(Activity::StartsAt))
                .col(timestamp_with_time_zone(Activity::EndsAt))
                .col(integer(Activity::Capacity))
                .col(integer(Activity::EnrolledCount).default(0))
                .col(text_null(Activity::CancelReason))
                .col(timestamp_with_time_zone_null(Activity::PublishedAt))
                .col(timestamp_with_time_zone(Activity::CreatedAt))
                .col(timestamp_with_time_zone(Activity::UpdatedAt))
                .check(Expr::col(Activity::EnrolledCount).lte(Expr::col(Activity::Capacity)))
                .foreign_key(&mut foreign_key(
                    Activity::Table,
                    Activity::RegionId,
                    Region::Table,
                    false,
                ))
                .foreign_key(&mut foreign_key(
                    Activity::Table,
                    Activity::HostSchoolId,
                    School::Table,
                    false,
                ))
                .foreign_key(&mut foreign_key(
                    Activity::Table,
                    Activity::LeerlabId,
                    Leerlab::Table,
                    false,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(ActivitySchool::Table)
                .col(big_pk_auto(ActivitySchool::Id))
                .col(big_integer(ActivitySchool::ActivityId))
                .col(big_integer(ActivitySchool::SchoolId))
                .foreign_key(&mut foreign_key(
                    ActivitySchool::Table,
                    ActivitySchool::ActivityId,
                    Activity::Table,
                    true,
                ))
                .foreign_key(&mut foreign_key(
                    ActivitySchool::Table,
                    ActivitySchool::SchoolId,
                    School::Table,
                    false,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(ActivityEnrolment::Table)
                .col(big_pk_auto(ActivityEnrolment::Id))
                .col(big_integer(ActivityEnrolment::ActivityId))
                .col(big_integer(ActivityEnrolment::StudentId))
                .col(timestamp_with_time_zone(ActivityEnrolment::EnrolledAt))
                .col(string_len_null(ActivityEnrolment::Attendance, 8))
                .col(timestamp_with_time_zone_null(
                    ActivityEnrolment::AttendanceRecordedAt,
                ))
                .col(text_null(ActivityEnrolment::Reflection))
                .col(timestamp_with_time_zone_null(
                    ActivityEnrolment::ReflectedAt,
                ))
                .foreign_key(&mut foreign_key(
                    ActivityEnrolment::Table,
                    ActivityEnrolment::ActivityId,
                    Activity::Table,
                    true,
                ))
                .foreign_key(&mut foreign_key(
                    ActivityEnrolment::Table,
                    ActivityEnrolment::StudentId,
                    Student::Table,
                    true,
                ))
                .to_owned(),
        )
        .await
}
