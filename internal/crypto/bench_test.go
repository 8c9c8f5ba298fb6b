package crypto

import (
	"bytes"
	"testing"
)

func BenchmarkEncrypt(b *testing.B) {
	k := mustKeyring(b, testKey("current"))
	plain := bytes.Repeat([]byte("x"), 64)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Encrypt(plain, rowAAD); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecrypt(b *testing.B) {
	k := mustKeyring(b, testKey("current"))
	plain := bytes.Repeat([]byte("x"), 64)
	ct, err := k.Encrypt(plain, rowAAD)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Decrypt(ct, rowAAD); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	x := mustBlindIndex(b, testKey("index"))
	b.ReportAllocs()
	for b.Loop() {
		_ = x.Sum("users.email", "ann@shop.example")
	}
}
