//! Documents: files stored once per sha1, their links to tickets (`Document_Item`), and the
//! `POST /Document` and `POST /Document_Item` rules.

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

use super::{next, now, status, Caller, Document, DocumentItem, Store};
use crate::error::{ApiError, NO_PERMISSION};
use crate::params::{json_int, json_text};
use crate::upload::{extension, AcceptedFile};

impl Store {
    /// `POST /Document` with one accepted file; links it to a ticket when the manifest says so.
    pub fn add_document(
        &mut self,
        caller: &Caller,
        input: &Map<String, Value>,
        file: &AcceptedFile,
    ) -> Result<u64, ApiError> {
        let itemtype = json_text(input.get("itemtype")).unwrap_or_default();
        let link_to = if itemtype.eq_ignore_ascii_case("Ticket") {
            let ticket_id = input.get("items_id").and_then(json_int).unwrap_or(0).max(0) as u64;
            let allowed = self
                .tickets
                .get(&ticket_id)
                .is_some_and(|t| Self::can_see(caller, t) && t.status != status::CLOSED);
            if !allowed {
                return Err(ApiError::glpi_add(NO_PERMISSION));
            }
            Some(ticket_id)
        } else {
            None
        };
        let name = json_text(input.get("name"))
            .filter(|n| !n.is_empty())
            .map(|n| self.config.version.store(&n));
        let document_id = match link_to {
            Some(ticket_id) => {
                let title = self
                    .tickets
                    .get(&ticket_id)
                    .map(|t| t.name.clone())
                    .unwrap_or_default();
                let id = self.attach(
                    ticket_id,
                    caller.id,
                    file,
                    Some(format!("Document: Ticket - {title}")),
                );
                if let Some(ticket) = self.tickets.get_mut(&ticket_id) {
                    ticket.touch(caller.id);
                }
                self.update_parent_status(caller, ticket_id, false, false);
                id
            }
            None => self.store_document(
                caller.id,
                0,
                file,
                name.unwrap_or_else(|| self.config.version.store(&file.filename)),
            ),
        };
        Ok(document_id)
    }

    /// `POST /Document_Item`: links an existing document to a ticket; returns the link id.
    pub fn link_document(
        &mut self,
        caller: &Caller,
        input: &Map<String, Value>,
    ) -> Result<u64, ApiError> {
        let itemtype = json_text(input.get("itemtype")).unwrap_or_default();
        let ticket_id = input.get("items_id").and_then(json_int).unwrap_or(0).max(0) as u64;
        let document_id = input
            .get("documents_id")
            .and_then(json_int)
            .unwrap_or(0)
            .max(0) as u64;
        let ticket_ok = itemtype.eq_ignore_ascii_case("Ticket")
            && self
                .tickets
                .get(&ticket_id)
                .is_some_and(|t| Self::can_see(caller, t) && t.status != status::CLOSED);
        let document_ok = self
            .documents
            .get(&document_id)
            .is_some_and(|d| self.can_download(caller, d));
        if !ticket_ok || !document_ok {
            return Err(ApiError::glpi_add(NO_PERMISSION));
        }
        if let Some(existing) = self
            .document_items
            .iter()
            .find(|l| l.documents_id == document_id && l.items_id == ticket_id)
        {
            return Ok(existing.id);
        }
        let id = next(&mut self.ids.document_item);
        self.document_items.push(DocumentItem {
            id,
            documents_id: document_id,
            items_id: ticket_id,
            users_id: caller.id,
            date_creation: now(),
        });
        if let Some(ticket) = self.tickets.get_mut(&ticket_id) {
            ticket.touch(caller.id);
        }
        self.update_parent_status(caller, ticket_id, false, false);
        Ok(id)
    }

    /// Stores a file (or reuses the document with the same sha1) and links it to the ticket.
    pub(super) fn attach(
        &mut self,
        ticket_id: u64,
        users_id: u64,
        file: &AcceptedFile,
        name: Option<String>,
    ) -> u64 {
        let name = name.unwrap_or_else(|| format!("Document Ticket {ticket_id}"));
        let document_id = self.store_document(users_id, ticket_id, file, name);
        let already_linked = self
            .document_items
            .iter()
            .any(|l| l.documents_id == document_id && l.items_id == ticket_id);
        if !already_linked {
            let id = next(&mut self.ids.document_item);
            self.document_items.push(DocumentItem {
                id,
                documents_id: document_id,
                items_id: ticket_id,
                users_id,
                date_creation: now(),
            });
        }
        document_id
    }

    /// Creates a document, or returns the existing one with identical bytes.
    fn store_document(
        &mut self,
        users_id: u64,
        tickets_id: u64,
        file: &AcceptedFile,
        name: String,
    ) -> u64 {
        let sha1 = sha1_hex(&file.bytes);
        if let Some(existing) = self.documents.values().find(|d| d.sha1 == sha1) {
            return existing.id;
        }
        let id = next(&mut self.ids.document);
        let ext = extension(&file.filename).unwrap_or_default();
        let filepath = format!(
            "{}/{}/{}.{ext}",
            ext.to_ascii_uppercase(),
            &sha1[..2],
            &sha1[2..]
        );
        self.documents.insert(
            id,
            Document {
                id,
                name,
                filename: file.filename.clone(),
                filepath,
                mime: file.mime.clone(),
                sha1,
                bytes: file.bytes.clone(),
                users_id,
                tickets_id,
                date_creation: now(),
            },
        );
        id
    }

    /// Documents linked to a ticket, in link order.
    pub fn ticket_documents(&self, ticket_id: u64) -> Vec<(&DocumentItem, &Document)> {
        self.document_items
            .iter()
            .filter(|link| link.items_id == ticket_id)
            .filter_map(|link| {
                self.documents
                    .get(&link.documents_id)
                    .map(|doc| (link, doc))
            })
            .collect()
    }
}

/// Lower-case hex SHA-1.
pub(crate) fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_of_abc() {
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }
}
