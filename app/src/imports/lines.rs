//! Line numbers in an uploaded file, as an editor shows them (the header is line 1).
//!
//! The csv crate's own `Position::line()` drifts: after a `\r\n` line end (what spreadsheets on
//! Windows save) and after a blank line it names the line before the record's, so a user who opened
//! the file at the line named found a valid row. Each record's line is therefore counted here from
//! the byte at which the reader says it starts, which that crate reports exactly.

/// Counts lines up to each record, front to back, once over the file.
pub struct FileLines<'a> {
    text: &'a [u8],
    /// Bytes before `at` are counted; `line` is the line on which `at` stands.
    at: usize,
    line: u64,
}

impl<'a> FileLines<'a> {
    pub fn new(text: &'a str) -> Self {
        FileLines {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line on which the record starting at byte `start` (the csv crate's
    /// `Position::byte()`) begins. Records are asked for in the order they are read.
    pub fn of(&mut self, start: u64) -> u64 {
        let len = self.text.len();
        let mut start = usize::try_from(start).unwrap_or(len).min(len);
        // The reader counts the end of the line before (or blank lines) into the record.
        while start < len && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.at {
            self.at = 0;
            self.line = 1;
        }
        for i in self.at..start {
            match self.text[i] {
                b'\n' => self.line += 1,
                // An old Mac line end; the `\r` of `\r\n` is not counted twice.
                b'\r' if self.text.get(i + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
        }
        self.at = start;
        self.line
    }
}

/// Each data record of `content` (read as imports read it) with the file line it starts on.
pub fn numbered(
    content: &str,
) -> impl Iterator<Item = (u64, Result<csv::StringRecord, csv::Error>)> + '_ {
    let mut lines = FileLines::new(content);
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(content.as_bytes())
        .into_records()
        .map(move |rec| {
            let start = match &rec {
                Ok(rec) => rec.position().map(csv::Position::byte),
                Err(e) => e.position().map(csv::Position::byte),
            };
            (start.map_or(0, |b| lines.of(b)), rec)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of each data record, and its first field.
    fn lines_of(content: &str) -> Vec<(u64, String)> {
        numbered(content)
            .map(|(line, rec)| (line, rec.unwrap().get(0).unwrap_or("").to_string()))
            .collect()
    }

    #[test]
    fn the_first_data_row_is_line_two() {
        assert_eq!(
            lines_of("Name,Email\nA,a@t.test\nB,b@t.test"),
            [(2, "A".into()), (3, "B".into())]
        );
    }

    #[test]
    fn a_quoted_field_spanning_lines_moves_the_next_rows_down() {
        let csv =
            "Name,Notes\nA,\"first line\nsecond line\nthird\"\nB,x\r\nC,\"one\r\ntwo\"\r\nD,y\n";
        assert_eq!(
            lines_of(csv),
            [
                (2, "A".into()),
                (5, "B".into()),
                (6, "C".into()),
                (8, "D".into())
            ]
        );
    }

    #[test]
    fn windows_line_ends_keep_every_row_on_its_line() {
        let mut csv = String::from("Name,Email\r\n");
        for i in 2..=20 {
            csv.push_str(&format!("{i},x\r\n"));
        }
        let got = lines_of(&csv);
        assert_eq!(got.len(), 19);
        for (line, first) in got {
            assert_eq!(line.to_string(), first, "the row naming its line");
        }
    }

    #[test]
    fn blank_lines_are_counted_but_not_rows() {
        assert_eq!(
            lines_of("Name\n2\n\n4\r\n\r\n6\n"),
            [(2, "2".into()), (4, "4".into()), (6, "6".into())]
        );
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        assert_eq!(lines_of("Name\r2\r3\r"), [(2, "2".into()), (3, "3".into())]);
    }
}
