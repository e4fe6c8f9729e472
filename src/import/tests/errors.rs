//! Every rejection, reached through `parse`, and no panic on any input.

use super::{parse_default, zip_of};
use crate::import::{ImportError, Limits, MAX_ROW_ERRORS, parse};

fn reject(bytes: &[u8]) -> ImportError {
    match parse_default(bytes, None) {
        Ok(import) => panic!("accepted as {:?}: {:?}", import.format, import.movies),
        Err(err) => err,
    }
}

#[test]
fn empty() {
    for bytes in [&b""[..], b" \r\n\t", b"\xEF\xBB\xBF", b"\n\n\n"] {
        assert!(matches!(reject(bytes), ImportError::Empty), "{bytes:?}");
    }
}

#[test]
fn header_only() {
    for text in [
        "Date,Name,Year,Letterboxd URI\n",
        "title,year\r\n\r\n,\r\n",
        "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2024-01-01,L,,u,\n\nPosition,Name,Year,URL,Description\n",
    ] {
        assert!(
            matches!(reject(text.as_bytes()), ImportError::HeaderOnly),
            "{text}"
        );
    }
    let zip = zip_of(&[
        ("watched.csv", b"Date,Name,Year,Letterboxd URI\n"),
        ("diary.csv", b""),
    ]);
    assert!(matches!(reject(&zip), ImportError::HeaderOnly));
}

#[test]
fn invalid_utf8_names_the_line_only_under_a_utf8_bom() {
    let err = reject(b"\xEF\xBB\xBFTitle,Year\r\nHeat,1995\r\n\"Am\xE9lie\",2001\r\n");
    assert!(
        matches!(err, ImportError::InvalidUtf8 { row: 3 }),
        "{err:?}"
    );
    assert_eq!(err.errors()[0].row, Some(3));
    // Without a BOM the same bytes are Windows-1252 text.
    let import = parse_default(b"Title,Year\r\nHeat,1995\r\n\"Am\xE9lie\",2001\r\n", None).unwrap();
    assert_eq!(import.movies[1].title, "Amélie");
    assert_eq!(import.encoding.label(), "windows-1252");
}

#[test]
fn missing_titles_are_skipped_with_row_and_column_unless_nothing_is_left() {
    let text = "Date,Name,Year,Letterboxd URI\n2023-01-14,Seven Samurai,1954,u\n2023-02-03,,2001,u\n2023-03-11,Dune,,u\n2023-05-27,\"  \",2008,u\n";
    let import = parse_default(text.as_bytes(), None).unwrap();
    let titles: Vec<_> = import.movies.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(titles, ["Seven Samurai", "Dune"]);
    let at: Vec<_> = import
        .warnings
        .iter()
        .map(|w| (w.file.as_deref(), w.row, w.column.as_deref()))
        .collect();
    assert_eq!(
        at,
        [(None, Some(3), Some("Name")), (None, Some(5), Some("Name"))]
    );
    assert_eq!(import.warnings_total, 2);

    let none_left = "Date,Name,Year,Letterboxd URI\n2023-02-03,,2001,u\n2023-05-27,\"  \",2008,u\n";
    let ImportError::Malformed { errors } = reject(none_left.as_bytes()) else {
        panic!()
    };
    let at: Vec<_> = errors
        .iter()
        .map(|e| (e.row, e.column.as_deref()))
        .collect();
    assert_eq!(at, [(Some(2), Some("Name")), (Some(3), Some("Name"))]);
}

#[test]
fn row_errors_are_capped() {
    let mut text = String::from("title,year\n");
    (0..100).for_each(|_| text.push_str(",2000\n"));
    let ImportError::Malformed { errors } = reject(text.as_bytes()) else {
        panic!()
    };
    assert_eq!(errors.len(), MAX_ROW_ERRORS);
}

#[test]
fn broken_structure_is_malformed() {
    let wide = reject(b"title,year\nCrouching Tiger, Hidden Dragon,2000\n");
    assert!(
        matches!(&wide, ImportError::Malformed { errors } if errors[0].row == Some(2)),
        "{wide:?}"
    );
    let unclosed = reject(b"title,year\nHeat,1995\n\"Alien,1979\nBrazil,1985\n");
    assert!(
        matches!(&unclosed, ImportError::Malformed { errors } if errors[0].row == Some(3)),
        "{unclosed:?}"
    );
}

#[test]
fn unrecognised_columns_list_what_was_found() {
    let err = reject(b"foo,bar\n1,2\n");
    let ImportError::UnrecognisedColumns { found } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(found, &["foo", "bar"]);
    assert!(err.to_string().contains("expected"), "{err}");
    for text in [
        "{\"films\": []}\n",
        "<html><body>hi</body></html>\n",
        "Const,Year\ntt0047478,1954\n",
    ] {
        assert!(
            matches!(
                reject(text.as_bytes()),
                ImportError::UnrecognisedColumns { .. }
            ),
            "{text}"
        );
    }
}

#[test]
fn too_many_rows_stops_before_reading_further() {
    let limits = Limits {
        max_rows: 5,
        ..Limits::default()
    };
    let mut text = String::from("title,year\n");
    (0..5).for_each(|i| text.push_str(&format!("Film {i},2000\n")));
    assert_eq!(
        parse(text.as_bytes(), None, &limits).unwrap().movies.len(),
        5
    );
    // Row 6 passes the limit; the broken rows after it are never read.
    text.push_str("Film 6,2000\n,2000\n\"unclosed\n");
    let err = parse(text.as_bytes(), None, &limits).unwrap_err();
    assert!(
        matches!(err, ImportError::TooManyRows { limit: 5 }),
        "{err:?}"
    );
}

#[test]
fn binary_is_unsupported_and_utf16_is_read() {
    let garbage: Vec<u8> = (0u32..3000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for bytes in [
        &garbage[..],
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        b"%PDF-1.7\n\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\n",
        &[0u8; 512][..],
    ] {
        assert!(
            matches!(reject(bytes), ImportError::Unsupported { .. }),
            "{bytes:?}"
        );
    }
    let utf16: Vec<u8> = "\u{feff}title,year\nHeat,1995\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let import = parse_default(&utf16, None).unwrap();
    assert_eq!(import.movies[0].title, "Heat");
    assert_eq!(import.encoding.label(), "utf-16le");
}

/// A tiny deterministic generator, so the no-panic sweep is reproducible.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn never_panics() {
    let seeds: [&[u8]; 6] = [
        b"Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2024-01-01,\"A, b\",1999,u,4.5,Yes,,2024-01-01\n",
        b"Letterboxd list export v7\nDate,Name,Tags,URL,Description\n,,,,\"x\n\"\n\nPosition,Name,Year,URL,Description\n1,Ran,1985,u,\n",
        b"Const,Your Rating,Date Rated,Title,Year\ntt1,10,2024-02-30,T,99999999999\n",
        "\u{feff}Film;Release_Year;TMDB\r\n七人の侍;1954-13-45;-1\r\n".as_bytes(),
        b"title\n\"\"\"\n",
        b"PK\x05\x06",
    ];
    let zip = zip_of(&[("x/watched.csv", seeds[0]), ("x/lists/a.csv", seeds[1])]);
    let mut rng = Lcg(7);
    let limits = Limits {
        max_bytes: 1 << 16,
        max_rows: 50,
    };
    for seed in seeds.iter().copied().chain([&zip[..]]) {
        for cut in 0..=seed.len() {
            let _ = parse(&seed[..cut], None, &limits);
        }
        for _ in 0..300 {
            let mut bytes = seed.to_vec();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() as usize) % bytes.len().max(1);
                let byte = b",\"\n\r;\0\xE9\xFFa1-"[(rng.next() % 11) as usize];
                match rng.next() % 3 {
                    0 if !bytes.is_empty() => bytes[at] = byte,
                    1 if !bytes.is_empty() => drop(bytes.remove(at)),
                    _ => bytes.insert(at.min(bytes.len()), byte),
                }
            }
            let _ = parse(&bytes, Some("watchlist.csv"), &limits);
        }
    }
}
