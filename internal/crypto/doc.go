// Package crypto protects data at rest and the application's tokens:
// AES-256-GCM field encryption with key ids and associated data, a keyring
// for key rotation, an HMAC-SHA256 blind index for exact lookups, checks for
// configured keys, random tokens stored hashed, and HKDF key derivation
// (DESIGN.md invariants 4 and 5; hardening guide, "Sensitive Data Handling":
// "Encrypt customer PII", "Use AES-256 encryption for data at rest",
// "Implement field-level encryption"; ASVS 4.0.3 6.1.1, 6.2.2).
//
// Only standard-library primitives are used; nothing here invents a cipher.
package crypto
