//! Importer tests: pcap.
