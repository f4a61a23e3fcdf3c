//! Service hours of one service area: its IANA time zone and the local times it opens
//! and closes. A pickup window must lie within them on one local day; closing at 24:00
//! means midnight at the end of the day, so a window may end exactly then and no later.
//! Capacity slots count from the local opening time.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use super::TimeWindow;
use crate::domain::ParseError;

/// Minutes in a day: the latest closing time (24:00).
const DAY_MINUTES: u32 = 24 * 60;

/// When an area takes pickups, in its own time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceHours {
    zone: Tz,
    /// Minutes after local midnight.
    opens: u32,
    /// Minutes after local midnight, after `opens`, at most 1440.
    closes: u32,
}

impl ServiceHours {
    /// Hours from stored values: a zone name and minutes after local midnight.
    pub fn new(zone: &str, opens_minute: i32, closes_minute: i32) -> Result<Self, ParseError> {
        let zone: Tz = zone
            .parse()
            .map_err(|_| ParseError(format!("{zone:?} is not an IANA time zone")))?;
        let opens = u32::try_from(opens_minute).unwrap_or(u32::MAX);
        let closes = u32::try_from(closes_minute).unwrap_or(u32::MAX);
        if opens >= DAY_MINUTES || closes > DAY_MINUTES || closes <= opens {
            return Err(ParseError(
                "opening must come before closing, both within 00:00–24:00".to_owned(),
            ));
        }
        Ok(Self {
            zone,
            opens,
            closes,
        })
    }

    /// Hours as an operator writes them: `"Asia/Shanghai"`, `"08:00"`, `"20:00"` (closing
    /// may be `"24:00"`). The error names the part at fault: `timeZone`, `opens` or
    /// `closes`.
    pub fn parse(
        zone: &str,
        opens: &str,
        closes: &str,
    ) -> Result<Self, (&'static str, ParseError)> {
        let zone = zone.trim();
        if zone.parse::<Tz>().is_err() {
            return Err((
                "timeZone",
                ParseError(format!("{zone:?} is not an IANA time zone")),
            ));
        }
        let opens = clock_minutes(opens).map_err(|e| ("opens", e))?;
        let closes = clock_minutes(closes).map_err(|e| ("closes", e))?;
        let minutes = |m: u32| i32::try_from(m).unwrap_or(i32::MAX);
        Self::new(zone, minutes(opens), minutes(closes)).map_err(|e| ("closes", e))
    }

    /// The IANA name of the zone.
    pub fn zone_name(&self) -> &'static str {
        self.zone.name()
    }

    /// Opening time, minutes after local midnight.
    pub fn opens_minute(&self) -> i32 {
        i32::try_from(self.opens).unwrap_or(0)
    }

    /// Closing time, minutes after local midnight.
    pub fn closes_minute(&self) -> i32 {
        i32::try_from(self.closes).unwrap_or(0)
    }

    /// Opening time as `HH:MM`.
    pub fn opens_text(&self) -> String {
        hh_mm(self.opens)
    }

    /// Closing time as `HH:MM` (`24:00` for midnight at the day's end).
    pub fn closes_text(&self) -> String {
        hh_mm(self.closes)
    }

    /// Whether `window` lies within these hours on one local day.
    pub fn admit(&self, window: &TimeWindow) -> Result<(), ParseError> {
        let start = window.start.with_timezone(&self.zone);
        let end = window.end.with_timezone(&self.zone);
        let day = start.date_naive();
        let start_secs = start.num_seconds_from_midnight();
        let end_secs = if end.date_naive() == day {
            Some(end.num_seconds_from_midnight())
        } else if day.succ_opt() == Some(end.date_naive()) && end.time() == NaiveTime::MIN {
            // Ends exactly at the midnight that closes this day.
            Some(DAY_MINUTES * 60)
        } else {
            None
        };
        match end_secs {
            Some(end_secs) if start_secs >= self.opens * 60 && end_secs <= self.closes * 60 => {
                Ok(())
            }
            _ => Err(ParseError(format!(
                "must lie within service hours ({}–{} {}, one day)",
                self.opens_text(),
                self.closes_text(),
                self.zone_name()
            ))),
        }
    }

    /// When the area opens and closes on the local `date`, in UTC.
    pub fn day(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.instant(date, self.opens),
            self.instant(date, self.closes),
        )
    }

    /// The start of the capacity slot of `slot_length` that `start` falls in, counting
    /// from the local opening time of its day.
    pub fn slot_start(&self, start: DateTime<Utc>, slot_length: Duration) -> DateTime<Utc> {
        let (opening, _) = self.day(start.with_timezone(&self.zone).date_naive());
        let slot_secs = slot_length.num_seconds().max(1);
        let offset = (start - opening).num_seconds().div_euclid(slot_secs) * slot_secs;
        opening + Duration::seconds(offset)
    }

    /// The instant `minutes` after local midnight of `date`; in a daylight-saving gap, the
    /// first instant after it.
    fn instant(&self, date: NaiveDate, minutes: u32) -> DateTime<Utc> {
        let local = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
        (0..=2)
            .find_map(|hours| {
                self.zone
                    .from_local_datetime(&(local + Duration::hours(hours)))
                    .earliest()
            })
            .map_or_else(|| local.and_utc(), |at| at.with_timezone(&Utc))
    }
}

/// Minutes after midnight of `HH:MM` (00:00 to 24:00).
fn clock_minutes(text: &str) -> Result<u32, ParseError> {
    let wrong = || ParseError(format!("{text:?} is not a time of day as HH:MM"));
    let (hours, minutes) = text.trim().split_once(':').ok_or_else(wrong)?;
    let hours: u32 = hours.parse().map_err(|_| wrong())?;
    let minutes: u32 = minutes.parse().map_err(|_| wrong())?;
    let total = hours * 60 + minutes;
    if minutes >= 60 || total > DAY_MINUTES {
        return Err(wrong());
    }
    Ok(total)
}

fn hh_mm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("RFC 3339")
    }

    fn window(start: &str, end: &str) -> TimeWindow {
        TimeWindow {
            start: at(start),
            end: at(end),
        }
    }

    fn shanghai() -> ServiceHours {
        ServiceHours::parse("Asia/Shanghai", "08:00", "20:00").expect("valid hours")
    }

    #[test]
    fn windows_are_checked_in_the_areas_own_time_zone() {
        let hours = shanghai();
        // 08:00–10:00 and 18:00–20:00 in Shanghai.
        assert!(
            hours
                .admit(&window("2026-11-22T00:00:00Z", "2026-11-22T02:00:00Z"))
                .is_ok()
        );
        assert!(
            hours
                .admit(&window("2026-11-22T10:00:00Z", "2026-11-22T12:00:00Z"))
                .is_ok()
        );
        // 19:00–21:00 and 07:00–09:00 in Shanghai.
        assert!(
            hours
                .admit(&window("2026-11-22T11:00:00Z", "2026-11-22T13:00:00Z"))
                .is_err()
        );
        assert!(
            hours
                .admit(&window("2026-11-21T23:00:00Z", "2026-11-22T01:00:00Z"))
                .is_err()
        );
    }

    #[test]
    fn a_window_ending_at_midnight_is_still_checked_against_closing_time() {
        // 20:00–24:00 UTC: 04:00–08:00 the next morning in Shanghai.
        let late = window("2026-11-22T20:00:00Z", "2026-11-23T00:00:00Z");
        assert!(shanghai().admit(&late).is_err());
        let utc = ServiceHours::parse("UTC", "08:00", "20:00").expect("valid hours");
        assert!(utc.admit(&late).is_err(), "closes at 20:00");
        let until_midnight = ServiceHours::parse("UTC", "08:00", "24:00").expect("valid hours");
        assert!(until_midnight.admit(&late).is_ok());
        let past_midnight = window("2026-11-22T23:00:00Z", "2026-11-23T01:00:00Z");
        assert!(until_midnight.admit(&past_midnight).is_err());
    }

    #[test]
    fn slots_count_from_the_local_opening_time() {
        let kolkata = ServiceHours::parse("Asia/Kolkata", "09:30", "18:00").expect("valid");
        // 10:45 in Kolkata (UTC+5:30) lies in the 09:30–11:30 slot.
        let start = at("2026-11-22T05:15:00Z");
        assert_eq!(
            kolkata.slot_start(start, Duration::hours(2)),
            at("2026-11-22T04:00:00Z")
        );
        let (opens, closes) = kolkata.day(NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"));
        assert_eq!(
            (opens, closes),
            (at("2026-11-22T04:00:00Z"), at("2026-11-22T12:30:00Z"))
        );
    }

    #[test]
    fn nonsense_hours_are_refused() {
        assert!(ServiceHours::parse("Mars/Olympus", "08:00", "20:00").is_err());
        assert!(ServiceHours::parse("UTC", "20:00", "08:00").is_err());
        assert!(ServiceHours::parse("UTC", "08:00", "24:30").is_err());
        assert!(ServiceHours::parse("UTC", "8", "20:00").is_err());
        let hours = ServiceHours::parse("UTC", "00:00", "24:00").expect("all day");
        assert_eq!(
            (hours.opens_text(), hours.closes_text()),
            ("00:00".to_owned(), "24:00".to_owned())
        );
    }
}
