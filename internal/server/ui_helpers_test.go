package server_test

import "net/url"

// postForm sends an HTML form post through the real router as a browser
// does from one of our pages: URL-encoded, same-origin.
func (f *idFixture) postForm(path string, vals url.Values, opts ...reqOpt) result {
	f.t.Helper()
	opts = append([]reqOpt{
		withHeader("Content-Type", "application/x-www-form-urlencoded"),
		withHeader("Sec-Fetch-Site", "same-origin"),
	}, opts...)
	return f.call("POST", path, vals.Encode(), opts...)
}
