package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// FormContentType is the media type of the HTML forms the UI posts.
const FormContentType = "application/x-www-form-urlencoded"

// ReadForm reads an HTML form body (bounded by the limits step) and returns
// it as a JSON object of strings, validated against schema like a JSON body,
// so forms and API requests pass one validator (hardening guide, "Input
// Validation"; ASVS 4.0.3 V13.2.2). The handler decodes the result with
// DecodeJSON into its own type.
//
// A field sent twice is refused, as a duplicate JSON key is: which value the
// handler would see could differ from the one that was checked. So are
// invalid percent-encoding and invalid UTF-8, for the same reason.
func ReadForm(r *http.Request, schema *Schema) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, newDecodeError("", "is empty", nil)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r.Body); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, fmt.Errorf("request: read form: %w", err)
		}
		return nil, newDecodeError("", "could not be read", err)
	}
	data, err := FormJSON(buf.String())
	if err != nil {
		return nil, err
	}
	if schema != nil {
		if err := Validate(data, schema); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// FormJSON turns a URL-encoded form into a JSON object whose members are the
// fields, each a string. It refuses repeated fields, malformed encoding and
// invalid UTF-8 in names or values.
func FormJSON(body string) ([]byte, error) {
	fields := map[string]string{}
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return nil, newDecodeError("", "is not a well-formed form", err)
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return nil, newDecodeError("/"+escapePointer(key), "is not well-formed", err)
		}
		if !utf8.ValidString(key) || !utf8.ValidString(value) {
			return nil, newDecodeError("", "is not valid UTF-8", nil)
		}
		if _, dup := fields[key]; dup {
			return nil, newDecodeError("/"+escapePointer(key), "is sent more than once", nil)
		}
		fields[key] = value
	}
	data, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("request: encode form: %w", err)
	}
	return data, nil
}
