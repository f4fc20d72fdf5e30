//! A job's chunks as the stores keep them: each chunk's customers (their ids joined by `\n`)
//! and its results (the records of [`super::record`]) deflated, so that an ended job of a
//! million customers costs a few MB, in the process as in Redis. A results page inflates the
//! chunks it reads; a run inflates one chunk at a time. Chunks kept before this form (plain
//! text, plain records) read as they are: each form starts with a byte the other never does.

use std::io::{Read, Write};

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use super::packed::Packed;

/// Starts deflated customers: a plain chunk starts with an id, and no id holds a NUL.
const DEFLATED_CUSTOMERS: u8 = 0;
/// Starts deflated records: a plain record starts with its tag, 0 to 2.
const DEFLATED_RECORDS: u8 = 0xff;
/// A chunk inflates to far less (1 000 customers of a few hundred bytes at most); a value that
/// would inflate past this is not one this module wrote.
const MAX_INFLATED: u64 = 16 * 1024 * 1024;

pub fn pack_customers(chunk: &Packed) -> Vec<u8> {
    deflate(DEFLATED_CUSTOMERS, chunk.joined().as_bytes())
}

pub fn unpack_customers(bytes: &[u8]) -> Packed {
    match bytes.split_first() {
        Some((&DEFLATED_CUSTOMERS, deflated)) => inflate(deflated)
            .and_then(|text| String::from_utf8(text).ok())
            .map_or_else(Packed::default, |text| Packed::from_joined(&text)),
        _ => Packed::from_joined(&String::from_utf8_lossy(bytes)),
    }
}

pub fn pack_records(records: &[u8]) -> Vec<u8> {
    deflate(DEFLATED_RECORDS, records)
}

pub fn unpack_records(bytes: Vec<u8>) -> Vec<u8> {
    match bytes.split_first() {
        Some((&DEFLATED_RECORDS, deflated)) => inflate(deflated).unwrap_or_default(),
        _ => bytes,
    }
}

fn deflate(marker: u8, bytes: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(vec![marker], Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    let mut packed = encoder.finish().unwrap_or_default();
    packed.shrink_to_fit();
    packed
}

fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    DeflateDecoder::new(bytes)
        .take(MAX_INFLATED)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// A job's customers as a submission is read: `chunk_size` to a chunk, each deflated once it
/// is full, so that a million of them never sit uncompressed.
#[derive(Debug, Default)]
pub struct CompactList {
    chunk_size: usize,
    chunks: Vec<Box<[u8]>>,
    open: Packed,
    len: usize,
}

impl CompactList {
    pub fn new(chunk_size: usize) -> Self {
        Self {
            chunk_size: chunk_size.max(1),
            ..Self::default()
        }
    }

    pub fn push(&mut self, entry: &str) {
        self.open.push(entry);
        self.len += 1;
        if self.open.len() == self.chunk_size {
            self.seal();
        }
    }

    /// Deflates the last, partly filled chunk.
    pub fn finish(&mut self) {
        if !self.open.is_empty() {
            self.seal();
        }
    }

    fn seal(&mut self) {
        let chunk = std::mem::take(&mut self.open);
        self.chunks.push(pack_customers(&chunk).into_boxed_slice());
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// The finished chunks, deflated.
    pub fn chunks(&self) -> &[Box<[u8]>] {
        &self.chunks
    }

    /// The customers of chunk `index`.
    pub fn chunk(&self, index: usize) -> Packed {
        match self.chunks.get(index) {
            Some(bytes) => unpack_customers(bytes),
            None if index == self.chunks.len() => self.open.clone(),
            None => Packed::default(),
        }
    }

    /// The entry at `index` (inflating its chunk: for the rare look-up, not for a walk).
    pub fn get(&self, index: usize) -> Option<String> {
        let chunk = self.chunk(index / self.chunk_size);
        chunk.get(index % self.chunk_size).map(str::to_owned)
    }

    /// Bytes held on the heap.
    pub fn weight(&self) -> usize {
        let chunks: usize = self.chunks.iter().map(|c| c.len() + 16).sum();
        chunks + self.chunks.capacity() * 16 + self.open.weight()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_reads_back_by_chunk_and_entry_and_is_small() {
        let mut list = CompactList::new(400);
        for id in 3_000_000..3_100_000u32 {
            list.push(&id.to_string());
        }
        list.push("9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b\tü");
        list.finish();
        assert_eq!(list.len(), 100_001);
        assert_eq!(list.chunks().len(), 251);
        assert_eq!(list.get(0).as_deref(), Some("3000000"));
        assert_eq!(list.get(99_999).as_deref(), Some("3099999"));
        assert_eq!(
            list.get(100_000).as_deref(),
            Some("9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b\tü")
        );
        assert_eq!(list.chunk(1).get(0), Some("3000400"));
        // Sequential 7-digit ids: 8 bytes each as text, about 2 deflated.
        assert!(list.weight() < 100_000 * 3, "{}", list.weight());
    }

    #[test]
    fn both_forms_of_a_chunk_read_back() {
        let mut chunk = Packed::default();
        chunk.push("564663098");
        chunk.push("1");
        assert_eq!(unpack_customers(&pack_customers(&chunk)), chunk);
        assert_eq!(unpack_customers(b"564663098\n1"), chunk);
        let records = vec![1, 2, 0x10, 0, 0x11, 1];
        assert_eq!(unpack_records(pack_records(&records)), records);
        assert_eq!(unpack_records(records.clone()), records);
        assert!(pack_records(&[1; 4000]).len() < 50);
    }
}
