//! Business asset lists: the CSV columns, and each line checked field by field, every
//! problem reported with its line number and field (never just the first one), plus the
//! duplicates inside a list. Checks that need the catalog or the blocklist are the
//! service's; this module has no I/O.

use std::collections::HashMap;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::blocklist::normalize_serial;
use super::item::parse_weight_kg;
use super::pricing::Condition;
use super::quote::ItemSubject;

/// The CSV header, in this order (a header line is required; names are matched
/// case-insensitively, so `serialnumber` works too).
pub const CSV_COLUMNS: [&str; 6] = [
    "categoryCode",
    "deviceModelId",
    "serialNumber",
    "assetTag",
    "condition",
    "weightKg",
];

/// Longest asset tag kept.
pub const MAX_TAG_LEN: usize = 64;

/// One line as given, before any check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawAssetLine {
    /// Line number: the CSV line (the header is line 1) or the position in a list (from 1).
    pub line: u32,
    /// Category code, e.g. `LAPTOP`.
    pub category_code: Option<String>,
    /// A device model id (see `deviceModels`).
    pub device_model_id: Option<String>,
    /// Serial number or IMEI.
    pub serial_number: Option<String>,
    /// The customer's own asset tag.
    pub asset_tag: Option<String>,
    /// Condition grade name.
    pub condition: Option<String>,
    /// Weight of the asset in kg, as text.
    pub weight_kg: Option<String>,
}

/// One line that passed the field checks.
#[derive(Clone, Debug, PartialEq)]
pub struct AssetLine {
    /// See [`RawAssetLine::line`].
    pub line: u32,
    /// Model or category.
    pub subject: ItemSubject,
    /// The serial as typed (trimmed); checked against its category by the service.
    pub serial: Option<String>,
    /// The serial in lookup form (duplicates and the blocklist compare this).
    pub serial_key: Option<String>,
    /// The asset tag.
    pub asset_tag: Option<String>,
    /// The condition; None means GOOD when priced.
    pub condition: Option<Condition>,
    /// kg.
    pub weight_kg: Option<Decimal>,
}

/// A problem with one line (or a warning about it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIssue {
    /// The line.
    pub line: u32,
    /// The field, as in [`CSV_COLUMNS`] (`line` for the whole line).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl LineIssue {
    /// An issue on `line`'s `field`.
    pub fn new(line: u32, field: &'static str, message: impl Into<String>) -> Self {
        Self {
            line,
            field,
            message: message.into(),
        }
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Reads CSV text into raw lines. The header names the columns (any order, any subset
/// of [`CSV_COLUMNS`]); an unknown column, a bad header or a malformed record is an
/// issue of its line and nothing else is read after a malformed record.
pub fn read_csv(text: &str) -> Result<Vec<RawAssetLine>, Vec<LineIssue>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![LineIssue::new(1, "line", format!("unreadable header: {e}"))])?
        .clone();
    let mut columns = Vec::with_capacity(headers.len());
    for name in &headers {
        match CSV_COLUMNS
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
        {
            Some(index) => columns.push(index),
            None => {
                return Err(vec![LineIssue::new(
                    1,
                    "line",
                    format!(
                        "unknown column {name:?}; the columns are {}",
                        CSV_COLUMNS.join(",")
                    ),
                )]);
            }
        }
    }
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            vec![LineIssue::new(
                u32::try_from(line).unwrap_or(u32::MAX),
                "line",
                format!("malformed CSV: {e}"),
            )]
        })?;
        let line = record.position().map_or(0, |p| line_of(text, p));
        // A blank line between records is not an asset.
        if record.iter().all(str::is_empty) {
            continue;
        }
        let mut raw = RawAssetLine {
            line,
            ..RawAssetLine::default()
        };
        for (value, column) in record.iter().zip(&columns) {
            let value = Some(value.to_owned());
            match column {
                0 => raw.category_code = value,
                1 => raw.device_model_id = value,
                2 => raw.serial_number = value,
                3 => raw.asset_tag = value,
                4 => raw.condition = value,
                _ => raw.weight_kg = value,
            }
        }
        lines.push(raw);
    }
    Ok(lines)
}

/// The file line a record starts on. The reader puts a record after blank lines at the
/// first blank line (where it started reading), so the blank lines are stepped over.
fn line_of(text: &str, position: &csv::Position) -> u32 {
    let bytes = text.as_bytes();
    let (mut line, mut at) = (
        position.line(),
        usize::try_from(position.byte()).unwrap_or(0),
    );
    while let Some(b) = bytes.get(at).filter(|b| **b == b'\n' || **b == b'\r') {
        if *b == b'\n' {
            line += 1;
        }
        at += 1;
    }
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// Checks every field of `raw`, reporting each bad one.
pub fn parse_line(raw: RawAssetLine) -> Result<AssetLine, Vec<LineIssue>> {
    let line = raw.line;
    let mut issues = Vec::new();
    let category = non_empty(raw.category_code).map(|c| c.to_uppercase());
    let subject = match non_empty(raw.device_model_id) {
        Some(id) => match Uuid::parse_str(&id) {
            Ok(id) => Some(ItemSubject::Model {
                id,
                category_code: category,
            }),
            Err(_) => {
                issues.push(LineIssue::new(line, "deviceModelId", "is not a valid id"));
                None
            }
        },
        None => match category {
            Some(code) => Some(ItemSubject::Category(code)),
            None => {
                issues.push(LineIssue::new(
                    line,
                    "categoryCode",
                    "give a categoryCode or a deviceModelId",
                ));
                None
            }
        },
    };
    let serial = non_empty(raw.serial_number);
    let serial_key = match serial.as_deref().map(normalize_serial) {
        Some(Ok(key)) => Some(key),
        Some(Err(e)) => {
            issues.push(LineIssue::new(line, "serialNumber", e.0));
            None
        }
        None => None,
    };
    let asset_tag = non_empty(raw.asset_tag);
    if let Some(tag) = &asset_tag
        && (tag.chars().count() > MAX_TAG_LEN || tag.chars().any(char::is_control))
    {
        issues.push(LineIssue::new(
            line,
            "assetTag",
            format!("must be at most {MAX_TAG_LEN} printable characters"),
        ));
    }
    let condition = match non_empty(raw.condition) {
        Some(name) => {
            let upper = name.to_uppercase();
            match Condition::ALL.iter().find(|c| c.as_str() == upper) {
                Some(c) => Some(*c),
                None => {
                    issues.push(LineIssue::new(
                        line,
                        "condition",
                        "must be one of LIKE_NEW, GOOD, FAIR, BROKEN, SCRAP",
                    ));
                    None
                }
            }
        }
        None => None,
    };
    let weight_kg = match non_empty(raw.weight_kg) {
        Some(text) => match text.parse::<Decimal>() {
            Ok(kg) => match parse_weight_kg(kg) {
                Ok(kg) => Some(kg),
                Err(e) => {
                    issues.push(LineIssue::new(line, "weightKg", e.0));
                    None
                }
            },
            Err(_) => {
                issues.push(LineIssue::new(line, "weightKg", "is not a number"));
                None
            }
        },
        None => None,
    };
    match subject {
        Some(subject) if issues.is_empty() => Ok(AssetLine {
            line,
            subject,
            serial,
            serial_key,
            asset_tag,
            condition,
            weight_kg,
        }),
        _ => Err(issues),
    }
}

/// The lines repeating a serial (in lookup form) or an asset tag of an earlier line of
/// the same list: each names the line it repeats.
pub fn duplicates(lines: &[AssetLine]) -> Vec<LineIssue> {
    let mut serials: HashMap<&str, u32> = HashMap::new();
    let mut tags: HashMap<&str, u32> = HashMap::new();
    let mut issues = Vec::new();
    for line in lines {
        if let Some(key) = line.serial_key.as_deref() {
            match serials.get(key) {
                Some(first) => issues.push(LineIssue::new(
                    line.line,
                    "serialNumber",
                    format!("duplicate serial: also on line {first}"),
                )),
                None => {
                    serials.insert(key, line.line);
                }
            }
        }
        if let Some(tag) = line.asset_tag.as_deref() {
            match tags.get(tag) {
                Some(first) => issues.push(LineIssue::new(
                    line.line,
                    "assetTag",
                    format!("duplicate asset tag: also on line {first}"),
                )),
                None => {
                    tags.insert(tag, line.line);
                }
            }
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "categoryCode,serialNumber,assetTag,condition,weightKg\n\
LAPTOP,C02XL0GZJGH5,IT-0001,GOOD,2.1\n\
\n\
small_appliance,,IT-0002,,4\n\
LAPTOP,c02xl0gz-jgh5,IT-0003,SHINY,-1\n";

    #[test]
    fn csv_lines_keep_their_file_line_numbers_and_every_bad_field_is_reported() {
        let raw = read_csv(CSV).expect("readable");
        assert_eq!(
            raw.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 4, 5]
        );
        let parsed: Vec<_> = raw.into_iter().map(parse_line).collect();
        assert!(parsed[0].is_ok() && parsed[1].is_ok());
        let issues = parsed[2].clone().expect_err("bad line");
        let fields: Vec<_> = issues.iter().map(|i| (i.line, i.field)).collect();
        assert_eq!(fields, vec![(5, "condition"), (5, "weightKg")]);
    }

    #[test]
    fn crlf_line_endings_count_lines_as_newlines_do() {
        let crlf = CSV.replace('\n', "\r\n");
        let lines: Vec<u32> = read_csv(&crlf)
            .expect("readable")
            .iter()
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, vec![2, 4, 5]);
    }

    #[test]
    fn a_serial_typed_twice_in_another_form_is_a_duplicate_naming_the_first_line() {
        let csv = "categoryCode,serialNumber,assetTag\nLAPTOP,C02XL0GZJGH5,A\nLAPTOP,c02xl0gz-jgh5,B\nLAPTOP,,A\n";
        let lines: Vec<AssetLine> = read_csv(csv)
            .expect("readable")
            .into_iter()
            .map(|r| parse_line(r).expect("valid"))
            .collect();
        let issues = duplicates(&lines);
        assert_eq!(
            issues,
            vec![
                LineIssue::new(3, "serialNumber", "duplicate serial: also on line 2"),
                LineIssue::new(4, "assetTag", "duplicate asset tag: also on line 2"),
            ]
        );
    }

    #[test]
    fn an_unknown_column_is_an_issue_of_the_header() {
        let issues = read_csv("category,serial\nLAPTOP,1\n").expect_err("bad header");
        assert_eq!(issues[0].line, 1);
    }
}
