package ui

import (
	"html/template"
	"time"
)

// funcMaps are the template functions, one map per part of the site; New
// merges them and refuses a name defined twice.
var funcMaps = []template.FuncMap{baseFuncs, customerFuncs, staffFuncs, adminFuncs}

// baseFuncs are the functions every page may use.
var baseFuncs = template.FuncMap{
	// when formats an instant for people, in UTC.
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 Jan 2006, 15:04 UTC")
	},
	// isoTime is an instant for a <time datetime=…> attribute.
	"isoTime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// unixMilli is an instant for scripts (data-… attributes).
	"unixMilli": func(t time.Time) int64 { return t.UnixMilli() },
}
