//! Workbooks (.xlsx, and .xls or .ods as well) read for an import: a sheet becomes the same text
//! a CSV file is, each cell as it holds it — a date as `2026-11-29` (with its time if it has one),
//! a whole number without a decimal point, text as written.
use std::io::Cursor;

use calamine::{Data, Reader};

use crate::error::{AppError, Invalid};

/// What a workbook's parts may hold once unpacked: a small file that unpacks into gigabytes is
/// refused before it is read.
const UNPACKED_MAX: u64 = 512 * 1024 * 1024;

/// Whether the bytes are a workbook rather than text: a zip file (.xlsx, .ods) or an old Office
/// file (.xls).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

fn unreadable() -> AppError {
    AppError::invalid("file", Invalid::Characters)
}

/// Refuses a zip whose parts unpack to more than `UNPACKED_MAX`.
fn check_size(bytes: &[u8]) -> Result<(), AppError> {
    if !bytes.starts_with(b"PK") {
        return Ok(());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        total = total.saturating_add(zip.by_index_raw(i).map_err(|_| unreadable())?.size());
    }
    if total > UNPACKED_MAX {
        return Err(AppError::invalid(
            "file",
            Invalid::TooLong {
                max: UNPACKED_MAX as u32,
            },
        ));
    }
    Ok(())
}

/// A workbook's sheet read as CSV text: the text, the sheet's name, and every sheet's name in
/// order (the workbook is opened once for all three).
#[derive(Debug)]
pub struct Sheet {
    pub text: String,
    pub name: String,
    pub names: Vec<String>,
}

/// The sheet `name` (the first if `None`) as CSV text.
pub fn sheet_as_csv(bytes: &[u8], name: Option<&str>) -> Result<Sheet, AppError> {
    check_size(bytes)?;
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let names = book.sheet_names();
    let name = match name {
        Some(n) => names
            .iter()
            .find(|s| s.as_str() == n)
            .cloned()
            .ok_or_else(|| AppError::invalid("sheet", Invalid::Choice))?,
        None => names.first().cloned().ok_or_else(unreadable)?,
    };
    let range = book.worksheet_range(&name).map_err(|_| unreadable())?;
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for row in range.rows() {
        // Trailing empty cells are left out, as a CSV file would.
        let cells: Vec<String> = row.iter().map(cell).collect();
        let used = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        if used == 0 {
            continue;
        }
        out.write_record(&cells[..used])
            .map_err(AppError::internal)?;
    }
    let bytes = out.into_inner().map_err(AppError::internal)?;
    let text = String::from_utf8(bytes).map_err(AppError::internal)?;
    Ok(Sheet {
        text: text.replace('\0', ""),
        name,
        names,
    })
}

/// A cell as text, as the cell holds it.
fn cell(c: &Data) -> String {
    match c {
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/src/imports/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn a_workbook_reads_its_dates_numbers_and_chinese_text_as_its_cells_hold_them() {
        let book = fixture("mixed.xlsx");
        assert!(is_workbook(&book));
        let Sheet { text, name, names } = sheet_as_csv(&book, None).unwrap();
        assert_eq!(names, ["联系人", "Deals"]);
        assert_eq!(name, "联系人");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "姓名,邮箱,手机,生日,创建时间,客户级别");
        assert_eq!(
            lines[1],
            "王伟,wangwei@huaxin.example.cn,13800138000,1988-03-14,2023-06-15 16:20:00,重点客户"
        );
        let deals = sheet_as_csv(&book, Some("Deals")).unwrap().text;
        assert_eq!(
            deals.lines().collect::<Vec<_>>(),
            [
                "Deal Name,Amount,Close Date",
                "华信 年度服务,88000.5,2025-12-20"
            ]
        );
        assert!(
            sheet_as_csv(&book, Some("Nope"))
                .unwrap_err()
                .field("sheet")
                .is_some()
        );
        assert!(!is_workbook(b"Name,Email\n"));
    }
}
