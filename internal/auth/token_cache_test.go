package auth

import (
	"runtime"
	"strings"
	"testing"
)

// A remembered token holds on to nothing of its request: n distinct valid
// tokens, each sent once in a header padded to 32 KB, must not keep n ×
// 32 KB alive after the requests are gone (found by review).
func TestRememberedTokensRetainHeaderMemory(t *testing.T) {
	tk := mustTokens(t, testTokensConfig(newFakeClock()))
	const n, pad = 256, 32 << 10
	toks := make([]string, n)
	for i := range toks {
		c := ann
		c.Subject = "u-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26))
		toks[i], _ = mustIssue(t, tk, c)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, s := range toks {
		line := "Bearer" + strings.Repeat(" ", pad) + s
		if _, err := tk.VerifyAccess(strings.TrimLeft(line[6:], " ")); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d remembered tokens retain %d KB (%d bytes each)", n, grown>>10, grown/n)
	if grown > n*4<<10 { // a token and its claims are well under 4 KB
		t.Fatalf("%d remembered tokens retain %d KB: the padded header values are kept alive", n, grown>>10)
	}
	runtime.KeepAlive(tk)
}

// Concurrent first uses, hits, expiries (forget) and evictions, for -race.
func TestRememberedTokensConcurrentUse(t *testing.T) {
	clk := newFakeClock()
	tk := mustTokens(t, testTokensConfig(clk))
	toks := make([]string, 64)
	for i := range toks {
		toks[i], _ = mustIssue(t, tk, ann)
	}
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 2000 {
				s := toks[(g*7+i)%len(toks)]
				if c, err := tk.VerifyAccess(s); err == nil {
					c.AMR[0] = "x" // must not reach the cache or other callers
				}
				if i%500 == 0 {
					tk.verified.forget(s) // the next use verifies in full and puts again
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	c, err := tk.VerifyAccess(toks[0])
	if err != nil || c.AMR[0] != AMRPassword {
		t.Fatalf("%+v, %v", c, err)
	}
}
