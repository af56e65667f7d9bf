#![no_main]
// The body is gopy_documents::fuzzing::comment_form, which the corpus replay test runs too.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = gopy_documents::fuzzing::comment_form(data);
});
