package api

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// Caps on what a CSP report may put in the log: reports come from anyone's
// browser, so they are logged in part, trimmed and never in full.
const (
	maxLoggedField   = 200 // bytes per logged value
	maxLoggedReports = 5   // reports logged from one Reporting API batch
)

// legacyReport is the body browsers send to a report-uri
// (application/csp-report). The schema csp_report.json has already checked
// its shape and lengths.
type legacyReport struct {
	Report struct {
		DocumentURI        string `json:"document-uri"`
		Referrer           string `json:"referrer"`
		BlockedURI         string `json:"blocked-uri"`
		ViolatedDirective  string `json:"violated-directive"`
		EffectiveDirective string `json:"effective-directive"`
		OriginalPolicy     string `json:"original-policy"`
		Disposition        string `json:"disposition"`
		ScriptSample       string `json:"script-sample"`
		SourceFile         string `json:"source-file"`
		StatusCode         int    `json:"status-code"`
		LineNumber         int    `json:"line-number"`
		ColumnNumber       int    `json:"column-number"`
	} `json:"csp-report"`
}

// reportingAPIReport is one report of a Reporting API batch
// (application/reports+json).
type reportingAPIReport struct {
	Type      string `json:"type"`
	Age       int    `json:"age"`
	URL       string `json:"url"`
	UserAgent string `json:"user_agent"`
	Body      struct {
		DocumentURL        string `json:"documentURL"`
		Referrer           string `json:"referrer"`
		BlockedURL         string `json:"blockedURL"`
		EffectiveDirective string `json:"effectiveDirective"`
		OriginalPolicy     string `json:"originalPolicy"`
		SourceFile         string `json:"sourceFile"`
		Sample             string `json:"sample"`
		Disposition        string `json:"disposition"`
		StatusCode         int    `json:"statusCode"`
		LineNumber         int    `json:"lineNumber"`
		ColumnNumber       int    `json:"columnNumber"`
	} `json:"body"`
}

// violation is what is logged of one report.
type violation struct {
	blocked, directive, document, source, disposition string
	line                                              int
}

// cspReportCreate answers POST /api/v1/csp-report, the CSP's report-uri
// (issue 2: "a report-uri endpoint that logs violations"). Each violation is
// logged as a "csp.violation" event with the blocked URI and directive,
// trimmed, without query strings, never the whole body. It answers 204.
func cspReportCreate(log *slog.Logger) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		// The router has validated the body against csp_report.json;
		// UnmarshalStrict below decodes it into the form it has.
		raw, err := request.ReadJSON(r, nil)
		if err != nil {
			return err
		}
		var found []violation
		if trimmed := bytes.TrimLeft(raw, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
			var batch []reportingAPIReport
			if err := request.UnmarshalStrict(raw, &batch); err != nil {
				return err
			}
			for _, rep := range batch {
				b := rep.Body
				found = append(found, violation{b.BlockedURL, b.EffectiveDirective, b.DocumentURL, b.SourceFile, b.Disposition, b.LineNumber})
			}
		} else {
			var legacy legacyReport
			if err := request.UnmarshalStrict(raw, &legacy); err != nil {
				return err
			}
			rep := legacy.Report
			directive := rep.EffectiveDirective
			if directive == "" {
				directive = rep.ViolatedDirective
			}
			found = append(found, violation{rep.BlockedURI, directive, rep.DocumentURI, rep.SourceFile, rep.Disposition, rep.LineNumber})
		}

		ctx := r.Context()
		for i, v := range found {
			if i == maxLoggedReports {
				log.LogAttrs(ctx, slog.LevelWarn, "more CSP violations in the batch were not logged",
					slog.String("event", "csp.violation"),
					slog.String("request_id", request.ID(ctx)),
					slog.Int("not_logged", len(found)-i))
				break
			}
			log.LogAttrs(ctx, slog.LevelWarn, "content security policy violation",
				slog.String("event", "csp.violation"),
				slog.String("request_id", request.ID(ctx)),
				slog.String("ip", request.ClientIP(ctx).String()),
				slog.String("blocked_uri", loggable(v.blocked)),
				slog.String("directive", loggable(v.directive)),
				slog.String("document_uri", loggable(v.document)),
				slog.String("source_file", loggable(v.source)),
				slog.String("line", strconv.Itoa(v.line)),
				slog.String("disposition", loggable(v.disposition)),
			)
		}
		response.NoContent(w)
		return nil
	}
}

// loggable trims a report value for the log: URLs lose their query,
// fragment and credentials (they may hold tokens), control characters are
// replaced and the result is capped at maxLoggedField bytes.
func loggable(s string) string {
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
		s = u.String()
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > maxLoggedField {
		cut := maxLoggedField
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
