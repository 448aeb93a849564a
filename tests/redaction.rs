//! Redaction happens before excerpts are cut: an identifier that straddles
//! the cut of a PDF excerpt must not survive as a prefix (issue 12).

use crate::capture_builder::{har, har_entry};
use crate::case_cli::telltale;

const IDENTIFIER: &str = "ana-phone-7-serial-0042";

#[test]
fn an_identifier_straddling_the_excerpt_cut_is_redacted_whole_in_the_pdf() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The body's text is the request-body layer's excerpt (480 characters):
    // put the identifier so that it starts 5 characters before the cut.
    let head = r#"[{"event":"device_info","time":1588248000000,"pad":""#;
    let between = r#"","device":""#;
    let pad = "p".repeat(475 - head.len() - between.len());
    let body = format!(r#"{head}{pad}{between}{IDENTIFIER}"}}]"#);
    assert_eq!(body.find(IDENTIFIER), Some(475));
    let capture = dir.path().join("device.har");
    std::fs::write(
        &capture,
        har(vec![har_entry(
            "https://logs.example.org/v1/events",
            "POST",
            Some(("application/json", &body)),
            &[("Content-Type", "application/json")],
        )]),
    )
    .expect("write");
    let case = dir.path().join("case.telltale");
    let case_arg = case.to_str().expect("utf-8");
    assert!(
        telltale(&["import", case_arg, capture.to_str().expect("utf-8")])
            .status
            .success()
    );
    assert!(
        telltale(&[
            "annotate",
            case_arg,
            "--exchange",
            "1",
            "--severity",
            "finding",
            "--note",
            "device id"
        ])
        .status
        .success()
    );
    let pdf = dir.path().join("report.pdf");
    let out = telltale(&[
        "export",
        case_arg,
        "--pdf",
        pdf.to_str().expect("utf-8"),
        "--findings-only",
        "--redact",
        IDENTIFIER,
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install -y poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("[redac"), "the excerpt shows the redaction: {text}");
    assert!(
        !text.contains(&IDENTIFIER[..5]),
        "a prefix of the identifier survived the cut: {text}"
    );
}
