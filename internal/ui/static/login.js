// Sign-in page: a browser that still holds a refresh cookie continues its
// session without typing the password again, by submitting the "continue"
// form at once. Without JavaScript the button does the same.
const resume = document.querySelector("form[data-auto-submit]");
if (resume) {
  resume.requestSubmit();
}
