package response

import (
	"html/template"
	"io"
)

// defaultTemplate is the error page used when no renderer is configured or
// the configured one fails. Like every page it has no inline script or style
// (DESIGN.md, invariant 8).
var defaultTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{if .RequestID}}<p>If you contact support, quote this reference: <code>{{.RequestID}}</code></p>{{end}}
<p><a href="/">Back to the home page</a></p>
</main>
</body>
</html>
`))

func defaultPage(w io.Writer, p ErrorPage) error {
	return defaultTemplate.Execute(w, p)
}
