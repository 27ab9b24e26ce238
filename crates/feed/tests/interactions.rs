//! Reading interaction files: formats, errors with line numbers, and the
//! evaluation running end to end on one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write;
use yc_feed::Signal;
use yc_feed::eval::{CsvError, EvalConfig, evaluate, load_interactions, parse_interactions};

fn line_of(e: CsvError) -> usize {
    match e {
        CsvError::Parse { line, .. } => line,
        CsvError::Io { .. } => usize::MAX,
    }
}

#[test]
fn errors_name_their_line_instead_of_panicking() {
    let bad_ts = "u1,i1,100\nu1,i2,oops\n";
    let e = parse_interactions("t.csv", bad_ts, None).unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    assert_eq!(line_of(e), 2);

    let short = "user,item,timestamp\n\nu1,i1,5\nu1\n";
    assert_eq!(
        line_of(parse_interactions("t.csv", short, None).unwrap_err()),
        4
    );

    let bad_weight = "u1,i1,100,4.5\n# comment\nu2,i1,101,lots\n";
    let e = parse_interactions("t.csv", bad_weight, None).unwrap_err();
    assert_eq!(line_of(e.clone()), 3);
    assert!(e.to_string().contains("weight"));

    let empty_id = "u1,,100\n";
    assert_eq!(
        line_of(parse_interactions("t.csv", empty_id, None).unwrap_err()),
        1
    );
    assert_eq!(
        line_of(parse_interactions("t.csv", "  \n", None).unwrap_err()),
        0
    );
    assert_eq!(
        line_of(parse_interactions("t.csv", "1,2\n", None).unwrap_err()),
        1
    );

    let bad_catalog = "item,category\ni1\n";
    let e = parse_interactions("t.csv", "u1,i1,1\n", Some(bad_catalog)).unwrap_err();
    assert_eq!(line_of(e), 2);

    let missing = std::path::Path::new("/nonexistent/ratings.csv");
    assert!(matches!(
        load_interactions(missing, None),
        Err(CsvError::Io { .. })
    ));
}

#[test]
fn formats_headers_units_and_weights() {
    // MovieLens ratings.csv: named columns in its own order, seconds.
    let ml = "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,5.0,1260759179\n2,31,0,1260759200\n";
    let ds = parse_interactions("ratings.csv", ml, None).unwrap();
    assert_eq!(ds.users.len(), 2);
    assert_eq!(ds.items.len(), 2);
    assert_eq!(ds.events[0].at_ms, 1_260_759_144_000);
    assert_eq!(ds.events[0].kind, Signal::Watch { completion_pct: 50 });
    assert_eq!(
        ds.events[1].kind,
        Signal::Watch {
            completion_pct: 100
        }
    );
    assert_eq!(ds.events[2].kind, Signal::Skip);
    // Without a catalog every item is its own category.
    assert_eq!(ds.items[0].category, "item:31");

    // MovieLens .dat, no header, with a genres catalog.
    let dat = "1::1193::5::978300760\n1::661::3::978302109\n";
    let movies = "movieId,title,genres\n1193,\"One Flew Over the Cuckoo's Nest, The (1975)\",Drama\n661,James and the Giant Peach (1996),Animation|Children's|Musical\n";
    let ds = parse_interactions("ratings.dat", dat, Some(movies)).unwrap();
    let cats: Vec<&str> = ds.items.iter().map(|i| i.category.as_str()).collect();
    assert_eq!(cats, vec!["Drama", "Animation"]);
    assert_eq!(ds.items[1].tags.len(), 3);

    // Plain user,item,ms without weights: full watches; unknown catalog items.
    let plain = "a\tx\t1700000000000\nb\ty\t1700000000500\n";
    let ds = parse_interactions("p.tsv", plain, Some("x,鞋靴\n")).unwrap();
    assert_eq!(ds.events[1].at_ms, 1_700_000_000_500);
    assert_eq!(
        ds.events[0].kind,
        Signal::Watch {
            completion_pct: 100
        }
    );
    assert_eq!(ds.items[1].category, "unknown");
}

#[test]
fn evaluation_runs_on_an_interactions_file() {
    // 40 users, each watching a run of 12 items of "their" block.
    let mut csv = String::from("user,item,timestamp\n");
    let mut catalog = String::from("item,category\n");
    for i in 0..200 {
        let _ = writeln!(catalog, "m{i},block{}", i / 25);
    }
    for u in 0..40 {
        for k in 0..12 {
            let item = (u % 8) * 25 + (u * 3 + k * 2) % 25;
            let _ = writeln!(csv, "u{u},m{item},{}", 1_600_000_000 + u * 100_000 + k * 60);
        }
    }
    let dir = std::env::temp_dir().join(format!("yc-feed-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (path, cat_path) = (dir.join("i.csv"), dir.join("c.csv"));
    std::fs::write(&path, csv).unwrap();
    std::fs::write(&cat_path, catalog).unwrap();
    let ds = load_interactions(&path, Some(&cat_path)).unwrap();
    let report = evaluate(&ds, &EvalConfig::default());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(report.eval_users, 40);
    assert_eq!(report.methods.len(), 3);
    let feed = report.method("feed").unwrap();
    assert!(feed.recall_at_k > 0.0);
    assert!(report.json_line().starts_with('{'));
    assert!(report.table().contains("item_knn"));
}
