package crypto

import (
	"testing"
)

func mustBlindIndex(t testing.TB, key []byte) *BlindIndex {
	t.Helper()
	x, err := NewBlindIndex(key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

func TestBlindIndexSum(t *testing.T) {
	x := mustBlindIndex(t, testKey("index"))
	a := x.Sum("users.email", "ann@shop.example")
	if len(a) != 64 {
		t.Fatalf("Sum is %d characters, want 64 hex", len(a))
	}
	if a != x.Sum("users.email", "ann@shop.example") {
		t.Fatal("same input, different index: lookups would fail")
	}
	// Known answer, computed independently:
	// HMAC-SHA256(key, 00 00 00 0b "users.email" "ann@shop.example").
	if a != "9e788f2372159d32eb0c47498b20c0bfd756c83e6dc9a38a51330c5275c293db" {
		t.Fatalf("index derivation changed: %s", a)
	}
	for name, other := range map[string]string{
		"other value":      x.Sum("users.email", "bob@shop.example"),
		"other domain":     x.Sum("staff.email", "ann@shop.example"),
		"shifted boundary": x.Sum("users.emailann", "@shop.example"),
		"other key":        mustBlindIndex(t, testKey("index 2")).Sum("users.email", "ann@shop.example"),
	} {
		if other == a {
			t.Errorf("%s gives the same index", name)
		}
	}
}

func TestBlindIndexWithNormalizedEmail(t *testing.T) {
	x := mustBlindIndex(t, testKey("index"))
	want := x.Sum("users.email", NormalizeEmail("ann@shop.example"))
	for _, in := range []string{"Ann@Shop.Example", "  ann@shop.example\n", "ANN@SHOP.EXAMPLE\t"} {
		if got := x.Sum("users.email", NormalizeEmail(in)); got != want {
			t.Errorf("%q indexes differently from its normal form", in)
		}
	}
}

func TestNewBlindIndexRejectsBadKeysAndCopies(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := NewBlindIndex(make([]byte, n)); err == nil {
			t.Errorf("%d-byte key accepted", n)
		}
	}
	key := testKey("index")
	x := mustBlindIndex(t, key)
	before := x.Sum("d", "v")
	clear(key)
	if x.Sum("d", "v") != before {
		t.Fatal("blind index depends on the caller's slice")
	}
}

func TestBlindIndexCloseZeroesKey(t *testing.T) {
	x := mustBlindIndex(t, testKey("index"))
	held := x.key
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range held {
		if c != 0 {
			t.Fatal("Close left key bytes behind")
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Sum after Close did not panic")
		}
	}()
	x.Sum("users.email", "x")
}
