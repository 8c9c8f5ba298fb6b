package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"supportbot/internal/securemem"
)

// logBoth logs one record through a fresh logger of each format and
// returns the outputs, failing unless each is exactly one line.
func logBoth(t *testing.T, fn func(*slog.Logger)) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, format := range []string{"json", "text"} {
		var buf bytes.Buffer
		fn(New(&buf, format, slog.LevelDebug))
		s := buf.String()
		if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
			t.Fatalf("%s: want exactly one line, got %q", format, s)
		}
		if format == "json" && !json.Valid(buf.Bytes()) {
			t.Fatalf("json: output is not JSON: %s", s)
		}
		out[format] = s
	}
	return out
}

type login struct {
	User     string
	Password string
}

type orderNote string

type level int

func (l level) String() string { return [...]string{"info", "warn"}[l] }

// chatty is a Stringer that prints a card number and a line break.
type chatty struct{ n int }

func (chatty) String() string { return "paid with 4111 1111 1111 1111\nforged line" }

type address struct {
	Street string `json:"street"`
	Zip    string
}

type profile struct {
	Name     string `json:"name"`
	Secret   string `json:"s"` // the field name decides too, not only the tag
	Internal string `json:"-"`
	PIN      string
	Tags     []string `json:"tags"`
	Home     *address
	Work     *address
	Meta     map[string]any
	Created  time.Time
	Timeout  time.Duration
	Raw      []byte
	Hash     [32]byte
	Err      error
	Level    level
	Key      securemem.Secret
	IP       netip.Addr
	internal string
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The stdlib handlers print maps, structs and slices by reflection or
// encoding/json, past the key rule; the issue requires redaction at any
// depth, whatever shape the value has.
func TestAnyValuesAreRedacted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		value   any
		hidden  []string // must not appear in either format
		visible []string // must appear: the rest is still logged
	}{
		{"http.Header",
			http.Header{"Authorization": {"Bearer abc.def"}, "Cookie": {"sid=s3ss10n"}, "Accept": {"application/json"}},
			[]string{"abc.def", "s3ss10n"}, []string{"application/json", Redacted}},
		{"struct with Password field",
			login{User: "alice", Password: "hunter2"},
			[]string{"hunter2"}, []string{"alice", Redacted}},
		{"pointer to struct",
			&login{User: "alice", Password: "hunter2"},
			[]string{"hunter2"}, []string{"alice", Redacted}},
		{"map with password key",
			map[string]string{"password": "hunter2", "user": "alice"},
			[]string{"hunter2"}, []string{"alice", Redacted}},
		{"slice with card number",
			[]string{"4111 1111 1111 1111", "ORD001"},
			[]string{"4111"}, []string{CardRemoved, "ORD001"}},
		{"array with card number",
			[2]string{"5555555555554444", "x"},
			[]string{"5555"}, []string{CardRemoved}},
		{"url.Values",
			url.Values{"access_token": {"t0k3n"}, "q": {"shoes"}},
			[]string{"t0k3n"}, []string{"shoes"}},
		{"map of any",
			map[string]any{"user": map[string]any{"name": "bob", "api_key": "AKIA123"}, "ids": []int{1, 2}},
			[]string{"AKIA123"}, []string{"bob"}},
		{"named string type",
			orderNote("card 4111111111111111"),
			[]string{"4111111111111111"}, []string{CardRemoved}},
		{"error inside a struct",
			struct{ Err error }{errors.New("declined 4111111111111111")},
			[]string{"4111111111111111"}, []string{"declined"}},
		{"Stringer output is cleaned",
			chatty{},
			[]string{"4111", "\nforged"}, []string{"forged line"}},
		{"byte slice shows only its length",
			[]byte("s3cr3t-bytes"),
			[]string{"s3cr3t", "czNjcjN0"}, []string{"[12 bytes]"}}, // czNjcjN0: base64, as json.Marshal would write
		{"json.RawMessage is decoded and walked",
			json.RawMessage(`{"password":"hunter2","order":"ORD001"}`),
			[]string{"hunter2"}, []string{"ORD001"}},
		{"url with password and token",
			mustURL(t, "https://bob:pa55w0rd@shop.example/cb?token=t0k3n&page=2"),
			[]string{"pa55w0rd", "t0k3n"}, []string{"shop.example", "page=2"}},
		{"map keys are cleaned",
			map[string]int{"4111111111111111": 1, "a\nb": 2},
			[]string{"4111111111111111", "a\nb"}, []string{CardRemoved}},
		{"struct in a slice in a map",
			map[string][]login{"attempts": {{"alice", "hunter2"}, {"bob", "letmein"}}},
			[]string{"hunter2", "letmein"}, []string{"alice", "bob"}},
		{"Secret inside a map",
			map[string]any{"harmless": *securemem.NewSecret([]byte("k3y-bytes"))},
			[]string{"k3y"}, []string{Redacted}},
		{"unexported fields are skipped",
			struct {
				ID   string
				note string
			}{"u1", "private-note"},
			[]string{"private-note"}, []string{"u1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := logBoth(t, func(l *slog.Logger) { l.Info("x", "v", tc.value) })
			for format, s := range out {
				for _, h := range tc.hidden {
					if strings.Contains(s, h) {
						t.Errorf("%s: %q logged in clear: %s", format, h, s)
					}
				}
				for _, v := range tc.visible {
					if !strings.Contains(s, v) {
						t.Errorf("%s: %q missing: %s", format, v, s)
					}
				}
			}
		})
	}
}

// The same values must be redacted wherever they enter: With, groups,
// WithGroup, LogValuer results.
func TestAnyValuesAreRedactedOnEveryPath(t *testing.T) {
	h := http.Header{"Authorization": {"Bearer abc.def"}}
	out := logBoth(t, func(l *slog.Logger) {
		l.With("with", h).WithGroup("g").With("with_group", h).Info("x",
			slog.Group("grp", "h", h),
			"valuer", headerValuer{h},
			"ptr", &h,
		)
	})
	for format, s := range out {
		if strings.Contains(s, "abc.def") || strings.Count(s, Redacted) != 5 {
			t.Errorf("%s: want five %s and no token: %s", format, Redacted, s)
		}
	}
}

type headerValuer struct{ h http.Header }

func (v headerValuer) LogValue() slog.Value { return slog.AnyValue(v.h) }

// In JSON the walk yields groups a log query can address.
func TestAnyValuesBecomeGroups(t *testing.T) {
	created := time.Date(2025, 1, 15, 14, 30, 22, 0, time.UTC)
	p := profile{
		Name: "Alice", Secret: "s3cret", Internal: "hidden-internal", PIN: "9876",
		Tags: []string{"vip"}, Home: &address{Street: "1 Main St", Zip: "12345"},
		Meta:    map[string]any{"api_key": "k", "nested": map[string]string{"Set-Cookie": "sid=1", "lang": "de"}},
		Created: created, Timeout: 1500 * time.Millisecond, Raw: []byte("raw-bytes"), Hash: [32]byte{1},
		Err: errors.New("line1\nline2"), Level: 1, Key: *securemem.NewSecret([]byte("k3y")),
		IP: netip.MustParseAddr("203.0.113.7"), internal: "hidden-private",
	}
	rec := logJSON(t, func(l *slog.Logger) { l.Info("x", "profile", p) })
	for _, tc := range []struct {
		path []string
		want any
	}{
		{[]string{"profile", "name"}, "Alice"},
		{[]string{"profile", "s"}, Redacted},
		{[]string{"profile", "Internal"}, nil},
		{[]string{"profile", "PIN"}, Redacted},
		{[]string{"profile", "tags", "0"}, "vip"},
		{[]string{"profile", "Home", "street"}, "1 Main St"},
		{[]string{"profile", "Home", "Zip"}, "12345"},
		{[]string{"profile", "Work"}, nil},
		{[]string{"profile", "Meta", "api_key"}, Redacted},
		{[]string{"profile", "Meta", "nested", "Set-Cookie"}, Redacted},
		{[]string{"profile", "Meta", "nested", "lang"}, "de"},
		{[]string{"profile", "Created"}, "2025-01-15T14:30:22Z"},
		{[]string{"profile", "Timeout"}, float64(1500 * time.Millisecond)},
		{[]string{"profile", "Raw"}, "[9 bytes]"},
		{[]string{"profile", "Hash"}, "[32 bytes]"},
		{[]string{"profile", "Err"}, `line1\nline2`},
		{[]string{"profile", "Level"}, "warn"},
		{[]string{"profile", "Key"}, Redacted},
		{[]string{"profile", "IP"}, "203.0.113.7"},
		{[]string{"profile", "internal"}, nil},
	} {
		if got := at(t, rec, tc.path...); got != tc.want {
			t.Errorf("%v = %#v, want %#v", tc.path, got, tc.want)
		}
	}
	if _, ok := at(t, rec, "profile").(map[string]any)["Work"]; !ok {
		t.Error("nil pointer field dropped, want null")
	}
	s := fmt.Sprint(rec)
	for _, hidden := range []string{"s3cret", "9876", "hidden-internal", "hidden-private", "raw-bytes", "k3y"} {
		if strings.Contains(s, hidden) {
			t.Errorf("%q logged: %s", hidden, s)
		}
	}
}

func TestAnyValuesInTextFormat(t *testing.T) {
	var buf bytes.Buffer
	New(&buf, "text", slog.LevelInfo).Info("x", "h",
		http.Header{"Authorization": {"Bearer abc.def"}, "Accept": {"json"}}, "n", []int{7})
	for _, want := range []string{"h.Authorization=" + Redacted, "h.Accept.0=json", "n.0=7"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("missing %q in %s", want, buf.String())
		}
	}
}

type node struct {
	Name string
	Next *node
}

type deep struct{ In any }

type selfValuer struct{}

func (s selfValuer) LogValue() slog.Value { return slog.GroupValue(slog.Any("again", s)) }

type ptrValuer struct{ p **ptrValuer }

func (v *ptrValuer) LogValue() slog.Value { return slog.AnyValue(v.p) }

// Cycles, deep nesting and huge values cost bounded time and space, and
// the cut is marked.
func TestAnyValuesAreBounded(t *testing.T) {
	cycle := &node{Name: "a"}
	cycle.Next = &node{Name: "b", Next: cycle}
	self := map[string]any{"k": "v"}
	self["self"] = self
	var nested any = "bottom"
	for range 100 {
		nested = deep{In: nested}
	}
	var ptr any
	ptr = &ptr
	pv := &ptrValuer{}
	pv.p = &pv
	long := make([]int, 1000)
	wide := map[string]any{}
	for i := range 64 {
		inner := map[string][]int{}
		for j := range 64 {
			inner[fmt.Sprint(j)] = make([]int, 64)
		}
		wide[fmt.Sprint(i)] = inner
	}
	for _, tc := range []struct {
		name    string
		value   any
		maxSize int
	}{
		{"pointer cycle", cycle, 2000},
		{"map containing itself", self, 2000},
		{"100 levels", nested, 2000},
		{"pointer to itself", ptr, 2000},
		{"LogValuer returning itself", selfValuer{}, 2000},
		{"LogValuer through pointers", pv, 2000},
		{"1000 elements", long, 2000},
		{"64×64×64 values", wide, 64 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := logBoth(t, func(l *slog.Logger) { l.Info("x", "v", tc.value) })
			for format, s := range out {
				if len(s) > tc.maxSize {
					t.Errorf("%s: %d bytes, want at most %d", format, len(s), tc.maxSize)
				}
				if !strings.Contains(s, Truncated) {
					t.Errorf("%s: no %s marker: %.300s", format, Truncated, s)
				}
			}
		})
	}
	rec := logJSON(t, func(l *slog.Logger) { l.Info("x", "v", long) })
	if got := at(t, rec, "v", Truncated); got != "936 more" {
		t.Errorf("marker = %v, want %q", got, "936 more")
	}
	if got := at(t, rec, "v", "63"); got != float64(0) {
		t.Errorf("element 63 = %v, want 0", got)
	}
}

type panicky struct{ Name string }

func (panicky) Error() string { panic("boom") }

type badText struct{}

func (badText) MarshalText() ([]byte, error) { return nil, errors.New("cannot marshal") }

type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg }

// Methods a value's author wrote may panic or fail; the record is still
// logged, on one line.
func TestAnyValuesWithFailingMethods(t *testing.T) {
	var typedNil *nilErr
	out := logBoth(t, func(l *slog.Logger) {
		l.Info("x", "panics", panicky{}, "text", badText{}, "nil_err", error(typedNil),
			"in_struct", struct {
				E error
				P panicky
			}{typedNil, panicky{}},
			"fn", func() {}, "ch", make(chan int), "c", 1+2i)
	})
	for format, s := range out {
		for _, want := range []string{"!PANIC", "cannot marshal", "func()", "chan int", "(1+2i)"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: missing %q: %s", format, want, s)
			}
		}
	}
}

func TestAnyMapKeysAreText(t *testing.T) {
	rec := logJSON(t, func(l *slog.Logger) {
		l.Info("x",
			"by_level", map[level]int{1: 7},
			"by_ip", map[netip.Addr]string{netip.MustParseAddr("192.0.2.1"): "blocked"},
			"by_duration", map[time.Duration]bool{time.Second: true},
			"by_int", map[int]string{42: "answer"},
			"by_any", map[any]int{"session_id": 1, 2: 2},
		)
	})
	for _, tc := range []struct {
		path []string
		want any
	}{
		{[]string{"by_level", "warn"}, float64(7)},
		{[]string{"by_ip", "192.0.2.1"}, "blocked"},
		{[]string{"by_duration", "1s"}, true},
		{[]string{"by_int", "42"}, "answer"},
		{[]string{"by_any", "session_id"}, Redacted},
		{[]string{"by_any", "2"}, float64(2)},
	} {
		if got := at(t, rec, tc.path...); got != tc.want {
			t.Errorf("%v = %#v, want %#v", tc.path, got, tc.want)
		}
	}
}

type Audit struct {
	Actor string
	Token string
}

type selfEmbed struct {
	*selfEmbed
	N int
}

// Chain embeds an exported pointer to itself: flattening follows it, and
// the depth limit ends it.
type Chain struct {
	*Chain
	N int
}

func TestAnyStructsAreNamedLikeJSON(t *testing.T) {
	loop := &selfEmbed{N: 1}
	loop.selfEmbed = loop // unexported embedded pointer: skipped, so no loop
	chain := &Chain{N: 2}
	chain.Chain = chain
	type order struct {
		Audit         // flattened, as encoding/json does
		*address      // nil: left out
		ID       int  `json:"id,omitempty"`
		Paid     bool `json:",omitempty"` // no name in the tag: the field name
		Loop     *selfEmbed
		Chain    *Chain
	}
	rec := logJSON(t, func(l *slog.Logger) {
		l.Info("x", "order", order{Audit: Audit{Actor: "u1", Token: "t0k3n"}, ID: 7, Loop: loop, Chain: chain})
	})
	for _, tc := range []struct {
		path []string
		want any
	}{
		{[]string{"order", "Actor"}, "u1"},
		{[]string{"order", "Token"}, Redacted},
		{[]string{"order", "id"}, float64(7)},
		{[]string{"order", "Paid"}, false},
		{[]string{"order", "Loop", "N"}, float64(1)},
		{[]string{"order", "street"}, nil},
		{[]string{"order", "Chain", "N"}, float64(2)},
		{[]string{"order", "Chain", "Chain"}, Truncated},
	} {
		if got := at(t, rec, tc.path...); got != tc.want {
			t.Errorf("%v = %#v, want %#v", tc.path, got, tc.want)
		}
	}
}
