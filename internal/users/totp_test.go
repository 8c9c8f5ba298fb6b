package users_test

import (
	"bytes"
	"context"
	"testing"

	"supportbot/internal/crypto"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// recoveryCodes returns n codes and their hashes, as auth would make them.
func recoveryCodes(t testing.TB, n int) (codes, hashes []string) {
	t.Helper()
	for range n {
		c, err := crypto.RandomToken(16)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c)
		hashes = append(hashes, crypto.HashToken(c))
	}
	return codes, hashes
}

func TestTOTPEnrolment(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")
		secret := []byte("twenty bytes secret!")
		_, hashes := recoveryCodes(t, 10)

		_, err := f.store.TOTPSecret(ctx, u.ID)
		wantErr(t, err, users.ErrNotFound)
		wantErr(t, f.store.EnableTOTP(ctx, u.ID, 100, hashes), users.ErrNotFound)

		if err := f.store.SetTOTPSecret(ctx, u.ID, secret); err != nil {
			t.Fatal(err)
		}
		if got := f.get(u.ID); !got.HasTOTPSecret || got.TOTPEnabled {
			t.Fatalf("after SetTOTPSecret: %+v", got)
		}
		if got, err := f.store.TOTPSecret(ctx, u.ID); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("TOTPSecret = %q, %v", got, err)
		}
		// A second enrolment before confirming replaces the pending secret.
		secret = []byte("another twenty bytes")
		if err := f.store.SetTOTPSecret(ctx, u.ID, secret); err != nil {
			t.Fatal(err)
		}

		t.Run("recovery codes must be distinct hashes", func(t *testing.T) {
			codes, _ := recoveryCodes(t, 2)
			if err := f.store.EnableTOTP(ctx, u.ID, 100, codes); err == nil {
				t.Fatal("raw codes accepted")
			}
			if err := f.store.EnableTOTP(ctx, u.ID, 100, []string{hashes[0], hashes[0]}); err == nil {
				t.Fatal("duplicate hashes accepted")
			}
		})

		if err := f.store.EnableTOTP(ctx, u.ID, 100, hashes); err != nil {
			t.Fatal(err)
		}
		if got := f.get(u.ID); !got.TOTPEnabled || got.TOTPLastStep != 100 {
			t.Fatalf("after EnableTOTP: %+v", got)
		}
		if n, err := f.store.RecoveryCodesLeft(ctx, u.ID); err != nil || n != 10 {
			t.Fatalf("RecoveryCodesLeft = %d, %v", n, err)
		}
		wantErr(t, f.store.EnableTOTP(ctx, u.ID, 200, hashes), users.ErrTOTPEnabled)
		// The secret in use is never replaced without disabling first.
		wantErr(t, f.store.SetTOTPSecret(ctx, u.ID, []byte("attacker's secret")), users.ErrTOTPEnabled)
		if got, _ := f.store.TOTPSecret(ctx, u.ID); !bytes.Equal(got, secret) {
			t.Fatalf("secret replaced while enabled")
		}
		// The confirming code's step is spent.
		wantErr(t, f.store.AdvanceTOTPStep(ctx, u.ID, 100), users.ErrReplay)

		if err := f.store.DisableTOTP(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		got := f.get(u.ID)
		if got.TOTPEnabled || got.HasTOTPSecret || got.TOTPLastStep != 100 || got.TokenGeneration != u.TokenGeneration+1 {
			t.Fatalf("after DisableTOTP: %+v", got)
		}
		_, err = f.store.TOTPSecret(ctx, u.ID)
		wantErr(t, err, users.ErrNotFound)
		if n, _ := f.store.RecoveryCodesLeft(ctx, u.ID); n != 0 {
			t.Fatalf("%d recovery codes left after DisableTOTP", n)
		}

		// Re-enrolment cannot confirm with a step already used.
		if err := f.store.SetTOTPSecret(ctx, u.ID, secret); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.store.EnableTOTP(ctx, u.ID, 100, hashes), users.ErrReplay)
		if err := f.store.EnableTOTP(ctx, u.ID, 101, hashes); err != nil {
			t.Fatal(err)
		}

		wantErr(t, f.store.SetTOTPSecret(ctx, "missing", secret), users.ErrNotFound)
		wantErr(t, f.store.EnableTOTP(ctx, "missing", 1, nil), users.ErrNotFound)
		wantErr(t, f.store.DisableTOTP(ctx, "missing"), users.ErrNotFound)
		if err := f.store.SetTOTPSecret(ctx, u.ID, nil); err == nil {
			t.Fatal("empty secret accepted")
		}
	})
}

func TestTOTPStepIsSingleUse(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.createUser("ann@shop.example")

		if err := f.store.AdvanceTOTPStep(ctx, u.ID, 5); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.store.AdvanceTOTPStep(ctx, u.ID, 5), users.ErrReplay)
		wantErr(t, f.store.AdvanceTOTPStep(ctx, u.ID, 4), users.ErrReplay) // an older code in the ±1 window
		if err := f.store.AdvanceTOTPStep(ctx, u.ID, 6); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.store.AdvanceTOTPStep(ctx, "missing", 7), users.ErrNotFound)

		// One code presented to several instances at once: one login wins.
		errs := concurrently(10, func(int) error { return f.store.AdvanceTOTPStep(ctx, u.ID, 50) })
		if ok, replays := countErrs(t, errs, users.ErrReplay); ok != 1 || replays != 9 {
			t.Fatalf("%d accepted, %d replays; want 1 and 9", ok, replays)
		}
		if got := f.get(u.ID); got.TOTPLastStep != 50 {
			t.Fatalf("last step %d, want 50", got.TOTPLastStep)
		}
	})
}

func TestRecoveryCodeWorksOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		enrol := func(u users.User) []string {
			t.Helper()
			codes, hashes := recoveryCodes(t, 10)
			if err := f.store.SetTOTPSecret(ctx, u.ID, []byte("secret of "+u.ID)); err != nil {
				t.Fatal(err)
			}
			if err := f.store.EnableTOTP(ctx, u.ID, 1, hashes); err != nil {
				t.Fatal(err)
			}
			return codes
		}
		ann := f.createUser("ann@shop.example")
		bob := f.createUser("bob@shop.example")
		annCodes, bobCodes := enrol(ann), enrol(bob)
		use := func(u users.User, code string) error {
			err := f.store.UseRecoveryCode(ctx, u.ID, crypto.HashToken(code))
			noLeak(t, err, code, crypto.HashToken(code))
			return err
		}

		if err := use(ann, annCodes[0]); err != nil {
			t.Fatal(err)
		}
		wantErr(t, use(ann, annCodes[0]), users.ErrNotFound)
		wantErr(t, use(bob, annCodes[1]), users.ErrNotFound) // someone else's code
		wantErr(t, use(ann, "not a code"), users.ErrNotFound)
		if err := f.store.UseRecoveryCode(ctx, ann.ID, annCodes[1]); err == nil {
			t.Fatal("an unhashed code was looked up")
		}

		errs := concurrently(10, func(int) error { return use(ann, annCodes[2]) })
		if ok, spent := countErrs(t, errs, users.ErrNotFound); ok != 1 || spent != 9 {
			t.Fatalf("%d accepted, %d refused; want 1 and 9", ok, spent)
		}
		if n, _ := f.store.RecoveryCodesLeft(ctx, ann.ID); n != 8 {
			t.Fatalf("ann has %d codes left, want 8", n)
		}
		if n, _ := f.store.RecoveryCodesLeft(ctx, bob.ID); n != 10 {
			t.Fatalf("bob has %d codes left, want 10", n)
		}
		if err := use(bob, bobCodes[9]); err != nil {
			t.Fatal(err)
		}
		raw := rawRows(t, db, "recovery_codes")
		for i, c := range append(annCodes, bobCodes...) {
			if bytes.Contains([]byte(raw), bytes.ToLower([]byte(c))) {
				t.Fatalf("code %d stored in clear", i)
			}
		}
	})
}
