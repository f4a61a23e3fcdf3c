//! A report request, parsed: the period as whole days of the reporting time zone and a
//! grouping without repeats.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

/// What rows are keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// The category code.
    Category,
    /// The service area.
    Area,
    /// The collector who completed the pickup.
    Collector,
    /// The facility that accepted the items.
    Facility,
    /// The day the pickup completed (reporting time zone), `YYYY-MM-DD`.
    Day,
    /// Its month, `YYYY-MM`.
    Month,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Self; 6] = [
        Self::Category,
        Self::Area,
        Self::Collector,
        Self::Facility,
        Self::Day,
        Self::Month,
    ];

    /// The API's name, e.g. `CATEGORY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Category => "CATEGORY",
            Self::Area => "AREA",
            Self::Collector => "COLLECTOR",
            Self::Facility => "FACILITY",
            Self::Day => "DAY",
            Self::Month => "MONTH",
        }
    }
}

/// A bad request, with the argument to blame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidReport {
    /// `from`, `to` or `groupBy`.
    pub field: &'static str,
    /// For people.
    pub message: String,
}

/// A valid request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRequest {
    /// As asked.
    pub from: DateTime<Utc>,
    /// As asked.
    pub to: DateTime<Utc>,
    /// Distinct, in the order asked (the order of the row keys).
    pub group_by: Vec<Dimension>,
    /// First day included.
    pub first_day: NaiveDate,
    /// First day excluded.
    pub end_day: NaiveDate,
}

fn invalid(field: &'static str, message: impl Into<String>) -> InvalidReport {
    InvalidReport {
        field,
        message: message.into(),
    }
}

/// The first day of `tz` that begins at or after `at`: a day is in a report when its
/// midnight falls in `[from, to)`, so rollups never need splitting.
pub fn first_day_from(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    let local = at.with_timezone(&tz);
    let day = local.date_naive();
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .and_then(|m| m.and_local_timezone(tz).earliest());
    match midnight {
        Some(m) if m == local => day,
        _ => day.checked_add_days(Days::new(1)).unwrap_or(day),
    }
}

impl ReportRequest {
    /// Checks the period and grouping: `to` not before `from`, a DAY grouping over at
    /// most `max_days_by_day` days, one to six distinct dimensions.
    pub fn parse(
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        group_by: Vec<Dimension>,
        tz: Tz,
        max_days_by_day: i64,
    ) -> Result<Self, InvalidReport> {
        if from > to {
            return Err(invalid("from", "`from` must not be after `to`"));
        }
        if group_by.is_empty() {
            return Err(invalid("groupBy", "name at least one dimension"));
        }
        for (index, dimension) in group_by.iter().enumerate() {
            if group_by[..index].contains(dimension) {
                return Err(invalid(
                    "groupBy",
                    format!("names {} twice", dimension.as_str()),
                ));
            }
        }
        let first_day = first_day_from(from, tz);
        let end_day = first_day_from(to, tz).max(first_day);
        if group_by.contains(&Dimension::Day) && (end_day - first_day).num_days() > max_days_by_day
        {
            return Err(invalid(
                "to",
                format!("a report grouped by DAY covers at most {max_days_by_day} days"),
            ));
        }
        Ok(Self {
            from,
            to,
            group_by,
            first_day,
            end_day,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("a time")
    }

    #[test]
    fn days_begin_at_local_midnight() {
        let tz = chrono_tz::Asia::Shanghai;
        // 2026-12-01 00:00 in Shanghai is 2026-11-30 16:00 UTC.
        assert_eq!(
            first_day_from(at("2026-11-30T16:00:00Z"), tz),
            NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
        );
        assert_eq!(
            first_day_from(at("2026-11-30T16:00:01Z"), tz),
            NaiveDate::from_ymd_opt(2026, 12, 2).expect("date")
        );
    }

    #[test]
    fn bad_requests_name_their_field() {
        let tz = chrono_tz::Asia::Shanghai;
        let (a, b) = (at("2026-01-01T00:00:00Z"), at("2027-06-01T00:00:00Z"));
        let field =
            |r: Result<ReportRequest, InvalidReport>| r.map(|_| ()).expect_err("refused").field;
        assert_eq!(
            field(ReportRequest::parse(b, a, vec![Dimension::Area], tz, 366)),
            "from"
        );
        assert_eq!(
            field(ReportRequest::parse(a, b, vec![], tz, 366)),
            "groupBy"
        );
        let twice = vec![Dimension::Area, Dimension::Area];
        assert_eq!(field(ReportRequest::parse(a, b, twice, tz, 366)), "groupBy");
        assert_eq!(
            field(ReportRequest::parse(a, b, vec![Dimension::Day], tz, 366)),
            "to"
        );
        assert!(ReportRequest::parse(a, b, vec![Dimension::Month], tz, 366).is_ok());
    }
}
