/* The page is the same for every reader: fetch this reader's own part (CSRF token, vote, live figures,
   comment form time) once, fill the forms' tokens, share the rest as window.readerState (a promise). */
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
