// Package e2e holds the browser tests of the web UI (issue 5): each test
// starts the real `supportbot demo` binary over HTTPS with the strict
// Content-Security-Policy forced on, drives Debian's headless Chromium with
// chromedp, and fails on any securitypolicyviolation event or console error
// of any page it visits. The tests skip when Chromium is missing, unless
// SUPPORTBOT_E2E=1 asks for them (as .ci/run does); SUPPORTBOT_SCREENSHOTS=1
// also writes the screenshots of docs/screenshots/.
package e2e
