//! Any bytes as a REFI-QDA project (.qdpx zip, or bare .qde XML whose
//! sources all resolve to one short text) and as a codebook (.qdc): a
//! broken file is an error, never a panic. What imports must export and
//! import again unchanged.
#![no_main]
use libfuzzer_sys::fuzz_target;
use strand_refi::{from_qdc, from_qdpx, import_qde, to_qdc, to_qdpx, ImportOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = from_qdpx(data) {
        if let Ok(bytes) = to_qdpx(&p) {
            let mut back = from_qdpx(&bytes).expect("strand reads what it writes");
            back.origin = p.origin.clone();
            assert_eq!(back, p);
        }
    }
    let mut text = |_: &str| Ok(Some(("sources/x.txt".to_string(), "Int: a 😀 b\r\nP01: c".as_bytes().to_vec())));
    let _ = import_qde("fuzz.qde", data, &mut text, &ImportOptions::default());
    if let Ok(cb) = from_qdc(data) {
        if let Ok(bytes) = to_qdc(&cb) {
            let mut back = from_qdc(&bytes).expect("strand reads what it writes");
            back.origin = cb.origin.clone();
            assert_eq!(back, cb);
        }
    }
});
