//! `sqlite-plan DB FILE`: prints SQLite's version, then each statement of FILE (statements end
//! with `;` at the end of a line; `-- ` lines before one are its heading) and its
//! EXPLAIN QUERY PLAN tree. `sqlite-plan --version` prints the bundled version only.
use std::ffi::{CStr, CString};
use std::ptr;

use libsqlite3_sys as ffi;

struct Db(*mut ffi::sqlite3);

impl Db {
    fn open(path: &str) -> Db {
        let mut db = ptr::null_mut();
        let c_path = CString::new(path).unwrap();
        let rc = unsafe {
            ffi::sqlite3_open_v2(c_path.as_ptr(), &mut db, ffi::SQLITE_OPEN_READONLY, ptr::null())
        };
        assert_eq!(rc, ffi::SQLITE_OK, "cannot open {path}");
        Db(db)
    }

    /// Rows of `sql`, every column as text.
    fn query(&self, sql: &str) -> Vec<Vec<String>> {
        let c_sql = CString::new(sql).unwrap();
        let mut stmt = ptr::null_mut();
        let rc = unsafe { ffi::sqlite3_prepare_v2(self.0, c_sql.as_ptr(), -1, &mut stmt, ptr::null_mut()) };
        if rc != ffi::SQLITE_OK {
            let msg = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0)) };
            panic!("{}: {sql}", msg.to_string_lossy());
        }
        let mut rows = Vec::new();
        unsafe {
            while ffi::sqlite3_step(stmt) == ffi::SQLITE_ROW {
                let n = ffi::sqlite3_column_count(stmt);
                rows.push(
                    (0..n)
                        .map(|i| {
                            let text = ffi::sqlite3_column_text(stmt, i);
                            if text.is_null() {
                                String::new()
                            } else {
                                CStr::from_ptr(text.cast()).to_string_lossy().into_owned()
                            }
                        })
                        .collect(),
                );
            }
            ffi::sqlite3_finalize(stmt);
        }
        rows
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        unsafe { ffi::sqlite3_close(self.0) };
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let version = unsafe { CStr::from_ptr(ffi::sqlite3_libversion()) }.to_string_lossy().into_owned();
    if args.get(1).map(String::as_str) == Some("--version") {
        println!("{version}");
        return;
    }
    let (db_path, file) = (&args[1], &args[2]);
    let db = Db::open(db_path);
    println!("SQLite {version} (libsqlite3-sys bundled)\n");
    let text = std::fs::read_to_string(file).expect("statements file");
    let mut heading = Vec::new();
    let mut sql = String::new();
    for line in text.lines() {
        if sql.is_empty() && line.starts_with("--") {
            heading.push(line.to_owned());
            continue;
        }
        if sql.is_empty() && line.trim().is_empty() {
            continue;
        }
        sql.push_str(line);
        sql.push('\n');
        if line.trim_end().ends_with(';') {
            for h in heading.drain(..) {
                println!("{h}");
            }
            print!("{sql}");
            println!("QUERY PLAN");
            // id, parent, notused, detail: indent by depth.
            let rows = db.query(&format!("EXPLAIN QUERY PLAN {}", sql.trim_end().trim_end_matches(';')));
            let mut depth: Vec<(String, usize)> = Vec::new();
            for row in rows {
                let level = depth.iter().find(|(id, _)| *id == row[1]).map_or(0, |(_, d)| d + 1);
                depth.push((row[0].clone(), level));
                println!("{}`--{}", "   ".repeat(level), row[3]);
            }
            println!();
            sql.clear();
        }
    }
}
