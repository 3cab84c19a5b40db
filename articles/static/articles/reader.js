/* The page is every reader's: fetch this reader's part once (CSRF token, vote, figures, form time),
   fill in the forms' tokens, share it as window.readerState (a promise). */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="reader-state"]');
  var state = Promise.resolve(null);
  if (meta && window.fetch) {
    state = fetch(meta.content, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
  }
  window.readerState = state;

  state.then(function (data) {
    if (!data || !data.csrf_token) { return; }
    document.querySelectorAll('form[method="post"]').forEach(function (form) {
      var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        form.insertBefore(input, form.firstChild);
      }
      input.value = data.csrf_token;
    });
  });
})();
