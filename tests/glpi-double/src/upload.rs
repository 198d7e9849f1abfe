//! Multipart uploads as PHP's `$_FILES` and GLPI's upload handler see them: one file per part
//! name (for `name[]`-style parts GLPI 10 counts only the first file and GLPI 11 every one; a
//! repeated plain name keeps the last file), then the type check ("Filetype not allowed"), the size check ("File is too big") and the
//! `upload_result` entries the API returns.

use bytes::Bytes;
use rand::Rng;
use serde_json::{json, Map, Value};

/// A parsed `multipart/form-data` body.
#[derive(Debug, Default)]
pub(crate) struct MultipartBody {
    /// Non-file parts (`uploadManifest`, …), in order.
    pub fields: Vec<(String, String)>,
    /// `$_FILES`, one slot per part name, in order of first appearance.
    pub files: Vec<FileSlot>,
}

/// One `$_FILES` entry.
#[derive(Debug, Clone)]
pub(crate) struct FileSlot {
    /// Part name without `[…]` (the `upload_result` key).
    pub key: String,
    /// Client file name, without any path.
    pub filename: String,
    /// Content type announced by the client.
    pub content_type: String,
    pub bytes: Bytes,
    /// A second or later file of one `name[]` array, which only GLPI 11 keeps.
    pub later_in_array: bool,
}

/// Reads a multipart body.
pub(crate) async fn read_multipart(
    content_type: &str,
    body: Bytes,
) -> Result<MultipartBody, multer::Error> {
    let boundary = multer::parse_boundary(content_type)?;
    let mut multipart = multer::Multipart::with_reader(std::io::Cursor::new(body), boundary);
    let mut parsed = MultipartBody::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(basename);
        let content_type = field.content_type().map_or_else(
            || "application/octet-stream".to_owned(),
            ToString::to_string,
        );
        let bytes = field.bytes().await?;
        match filename {
            None => parsed
                .fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned())),
            // A file input left empty: PHP reports "no file", GLPI attaches nothing.
            Some(filename) if filename.is_empty() => {}
            Some(filename) => parsed.add_file(&name, filename, content_type, bytes),
        }
    }
    Ok(parsed)
}

impl MultipartBody {
    /// The value of a non-file part (the last one, like PHP's `$_REQUEST`).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn add_file(&mut self, part_name: &str, filename: String, content_type: String, bytes: Bytes) {
        let (key, is_array) = match part_name.find('[') {
            Some(i) if part_name[i..].contains(']') => (&part_name[..i], true),
            _ => (part_name, false),
        };
        let mut slot = FileSlot {
            key: key.to_owned(),
            filename,
            content_type,
            bytes,
            later_in_array: false,
        };
        match self.files.iter_mut().find(|s| s.key == key) {
            // `name[]`: GLPI 10's handler only looks at the first file of the array; GLPI 11's
            // takes them all ([`check_files`] decides).
            Some(_) if is_array => {
                slot.later_in_array = true;
                self.files.push(slot);
            }
            // A repeated plain name: PHP keeps the last file.
            Some(existing) => *existing = slot,
            None => self.files.push(slot),
        }
    }
}

/// PHP keeps only the last path component of an uploaded file name.
fn basename(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned()
}

/// `upload_result`'s error for a file whose extension is not an uploadable type.
pub(crate) const TYPE_NOT_ALLOWED: &str = "Filetype not allowed";

/// A file that passed GLPI's checks.
#[derive(Debug, Clone)]
pub(crate) struct AcceptedFile {
    pub filename: String,
    pub mime: String,
    pub bytes: Bytes,
    /// The inline-image tag the manifest's `_tag_filename` gives this file, if any.
    pub tag: Option<String>,
}

/// What GLPI's upload handler made of one `$_FILES` slot.
#[derive(Debug, Clone)]
pub(crate) struct SlotOutcome {
    /// The client file name.
    pub filename: String,
    /// The file, or why it was rejected.
    pub file: Result<AcceptedFile, &'static str>,
}

/// The result of GLPI's upload handler over all `$_FILES`.
#[derive(Debug, Default)]
pub(crate) struct CheckedUploads {
    /// `upload_result` as returned by the API: `{"file0":[{…}], …}`.
    pub upload_result: Map<String, Value>,
    /// One outcome per slot, in order.
    pub slots: Vec<SlotOutcome>,
}

impl CheckedUploads {
    /// The accepted files, in order, each with its entry of `_tag_filename` (parallel to the
    /// uploaded files, like `_filename`; an empty tag is none).
    pub fn tagged(&self, tags: Option<&Vec<Value>>) -> Vec<AcceptedFile> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let mut file = s.file.clone().ok()?;
                file.tag = tags
                    .and_then(|t| t.get(i))
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                Some(file)
            })
            .collect()
    }
}

/// Limits of GLPI's upload handler.
#[derive(Debug, Clone)]
pub(crate) struct UploadLimits {
    pub max_bytes: u64,
    pub extensions: Vec<String>,
    /// GLPI 11: every file of a `name[]` array counts, not only the first.
    pub every_array_file: bool,
}

/// Runs GLPI's checks (type, then size, then emptiness) on every file slot.
pub(crate) fn check_files(files: &[FileSlot], limits: &UploadLimits) -> CheckedUploads {
    let mut checked = CheckedUploads::default();
    for slot in files
        .iter()
        .filter(|s| limits.every_array_file || !s.later_in_array)
    {
        let prefix = uniqid();
        let size = slot.bytes.len() as u64;
        let mut entry = json!({
            "name": format!("{prefix}{}", slot.filename),
            "size": size,
            "type": slot.content_type,
        });
        let error = if !extension_allowed(&slot.filename, &limits.extensions) {
            Some(TYPE_NOT_ALLOWED)
        } else if size > limits.max_bytes {
            Some("File is too big")
        } else if size == 0 {
            Some("File is too small")
        } else {
            None
        };
        // GLPI's handler fills these in for rejected files too (they were never moved, so the
        // clean-up branch that skips them does not run).
        entry["prefix"] = json!(prefix);
        entry["display"] = json!(slot.filename);
        entry["filesize"] = json!(human_size(size));
        let random: u32 = rand::thread_rng().gen_range(100_000..1_000_000);
        entry["id"] = json!(format!("doc{}{random}", slot.key));
        let file = match error {
            Some(message) => {
                entry["error"] = json!(message);
                Err(message)
            }
            None => Ok(AcceptedFile {
                filename: slot.filename.clone(),
                mime: mime_for(&slot.filename).to_owned(),
                bytes: slot.bytes.clone(),
                tag: None,
            }),
        };
        match checked.upload_result.get_mut(&slot.key) {
            Some(Value::Array(entries)) => entries.push(entry),
            _ => {
                checked
                    .upload_result
                    .insert(slot.key.clone(), Value::Array(vec![entry]));
            }
        }
        checked.slots.push(SlotOutcome {
            filename: slot.filename.clone(),
            file,
        });
    }
    checked
}

/// Whether the file name ends with an uploadable extension (case-insensitive).
fn extension_allowed(filename: &str, extensions: &[String]) -> bool {
    extension(filename).is_some_and(|ext| {
        extensions
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(&ext))
    })
}

/// The lower-case extension of a file name.
pub(crate) fn extension(filename: &str) -> Option<String> {
    let (stem, ext) = filename.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// The MIME type GLPI would record for a file name.
pub(crate) fn mime_for(filename: &str) -> &'static str {
    match extension(filename).as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("bmp") => "image/bmp",
        Some("svg") => "image/svg+xml",
        Some("tif" | "tiff") => "image/tiff",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("txt" | "log") => "text/plain",
        Some("csv") => "text/csv",
        Some("xml") => "text/xml",
        Some("rtf") => "application/rtf",
        Some("zip") => "application/zip",
        Some("gz" | "tgz") => "application/gzip",
        Some("tar") => "application/x-tar",
        Some("7z") => "application/x-7z-compressed",
        Some("doc") => "application/msword",
        Some("xls") => "application/vnd.ms-excel",
        Some("ppt") => "application/vnd.ms-powerpoint",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
        Some("odp") => "application/vnd.oasis.opendocument.presentation",
        _ => "application/octet-stream",
    }
}

/// PHP's `uniqid('', true)`-like prefix GLPI puts before uploaded file names.
fn uniqid() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    let mut rng = rand::thread_rng();
    format!(
        "{micros:013x}{}.{:08}",
        rng.gen_range(0..10),
        rng.gen_range(0..100_000_000)
    )
}

/// GLPI's `Toolbox::getSize`: `51.09 KiB`.
fn human_size(bytes: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut size = bytes as f64;
    let mut unit = units[0];
    for next in &units[1..] {
        if size > 1024.0 {
            size /= 1024.0;
            unit = next;
        } else {
            break;
        }
    }
    let rounded = format!("{size:.2}");
    let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
    format!("{trimmed} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_glpi() {
        assert_eq!(human_size(52311), "51.08 KiB");
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(2048), "2 KiB");
    }

    #[test]
    fn php_files_rules() {
        let mut body = MultipartBody::default();
        body.add_file(
            "a[]",
            "1.txt".into(),
            "text/plain".into(),
            Bytes::from_static(b"1"),
        );
        body.add_file(
            "a[]",
            "2.txt".into(),
            "text/plain".into(),
            Bytes::from_static(b"2"),
        );
        body.add_file(
            "b",
            "3.txt".into(),
            "text/plain".into(),
            Bytes::from_static(b"3"),
        );
        body.add_file(
            "b",
            "4.txt".into(),
            "text/plain".into(),
            Bytes::from_static(b"4"),
        );
        let names: Vec<_> = body
            .files
            .iter()
            .map(|f| (f.key.as_str(), f.filename.as_str(), f.later_in_array))
            .collect();
        assert_eq!(
            names,
            vec![
                ("a", "1.txt", false),
                ("a", "2.txt", true),
                ("b", "4.txt", false)
            ]
        );
        let kept = |every_array_file| {
            let limits = UploadLimits {
                max_bytes: 10,
                extensions: vec!["txt".into()],
                every_array_file,
            };
            let checked = check_files(&body.files, &limits);
            let names: Vec<String> = checked
                .tagged(None)
                .into_iter()
                .map(|f| f.filename)
                .collect();
            (names, checked.upload_result["a"].as_array().map(Vec::len))
        };
        // GLPI 10 keeps the first file of `a[]`, GLPI 11 both.
        assert_eq!(kept(false), (vec!["1.txt".into(), "4.txt".into()], Some(1)));
        assert_eq!(
            kept(true),
            (
                vec!["1.txt".into(), "2.txt".into(), "4.txt".into()],
                Some(2)
            )
        );
    }

    #[test]
    fn checks_type_then_size() {
        let limits = UploadLimits {
            max_bytes: 4,
            extensions: vec!["txt".into()],
            every_array_file: false,
        };
        let slot = |key: &str, name: &str, data: &'static [u8]| FileSlot {
            key: key.into(),
            filename: name.into(),
            content_type: "x/y".into(),
            bytes: Bytes::from_static(data),
            later_in_array: false,
        };
        let checked = check_files(
            &[
                slot("f0", "a.webp", b"123456"),
                slot("f1", "b.txt", b"123456"),
                slot("f2", "c.TXT", b"12"),
            ],
            &limits,
        );
        assert_eq!(
            checked.upload_result["f0"][0]["error"],
            "Filetype not allowed"
        );
        assert_eq!(checked.upload_result["f1"][0]["error"], "File is too big");
        assert_eq!(checked.upload_result["f2"][0]["display"], "c.TXT");
        assert_eq!(checked.tagged(None).len(), 1);
        assert_eq!(basename("C:\\tmp\\x.png"), "x.png");
    }
}
